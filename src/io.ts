// The one injected I/O context: streams, whether they are terminals, colour, environment, clock, and
// reading secrets from stdin. Commands never reach for process.* themselves.
// Output goes through fs.writeSync on fds 1 and 2: touching process.stdout/stdin builds stream objects
// that cost milliseconds on every start, and `mfavault code` runs on every login.
import { writeSync } from "node:fs";
import { isatty } from "node:tty";
import { readBounded } from "./repo/user-file.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Whether stderr is a terminal: progress lines are only drawn there. */
  stderrIsTTY: boolean;
  color: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
  /** All of stdin, for secrets piped in (never from argv); more than `limit` bytes is refused. */
  readStdin(limit: number, what: string): string;
  /** All of stdin as bytes, for files piped in (an image, an export); more than `limit` bytes is refused. */
  readStdinBytes(limit: number, what: string): Buffer;
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      // A non-blocking pipe that is full: wait for the reader instead of dropping output.
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

export function processIo(): Io {
  const env = process.env;
  const stdoutIsTTY = isatty(1);
  return {
    out: (t) => writeAll(1, t),
    err: (t) => writeAll(2, t),
    stdoutIsTTY,
    stdinIsTTY: isatty(0),
    stderrIsTTY: isatty(2),
    color: stdoutIsTTY && !(env.NO_COLOR !== undefined && env.NO_COLOR !== "") && env.TERM !== "dumb",
    env,
    cwd: process.cwd(),
    now: () => new Date(),
    readStdin: (limit, what) => readBounded(0, limit, what).toString("utf8"),
    readStdinBytes: (limit, what) => readBounded(0, limit, what),
  };
}
