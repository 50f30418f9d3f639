// The one injected I/O context: streams, whether they are terminals, colour, environment, clock, and
// reading secrets from stdin. Commands never reach for process.* themselves.
// Output goes through fs.writeSync on fds 1 and 2: touching process.stdout/stdin builds stream objects
// that cost milliseconds on every start, and `mfavault code` runs on every login.
import { fstatSync, statSync, writeSync } from "node:fs";
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

/**
 * Whether `fd` is a terminal. A terminal is a character device, so a pipe or a file is answered by one
 * fstat, and /dev/null (stdin of cron jobs and CI steps) by one more; node:tty (which loads node:net,
 * ~1 ms) is consulted only for other character devices.
 */
function isTerminal(fd: number): boolean {
  let st;
  try {
    st = fstatSync(fd);
  } catch {
    return false; // not open
  }
  if (!st.isCharacterDevice() || st.rdev === nullDevice()) return false;
  return process.getBuiltinModule("node:tty").isatty(fd);
}

function nullDevice(): number | undefined {
  try {
    return statSync("/dev/null").rdev;
  } catch {
    return undefined;
  }
}

export function processIo(): Io {
  const env = process.env;
  const stdoutIsTTY = isTerminal(1);
  let stdinIsTTY: boolean | undefined;
  let stderrIsTTY: boolean | undefined;
  return {
    out: (t) => writeAll(1, t),
    err: (t) => writeAll(2, t),
    stdoutIsTTY,
    // Asked only by prompts and progress lines: a code read never pays for them (stdin is often /dev/null,
    // a character device that takes node:tty to tell apart from a terminal).
    get stdinIsTTY() {
      return (stdinIsTTY ??= isTerminal(0));
    },
    get stderrIsTTY() {
      return (stderrIsTTY ??= isTerminal(2));
    },
    color: stdoutIsTTY && !(env.NO_COLOR !== undefined && env.NO_COLOR !== "") && env.TERM !== "dumb",
    env,
    cwd: process.cwd(),
    now: () => new Date(),
    readStdin: (limit, what) => readBounded(0, limit, what).toString("utf8"),
    readStdinBytes: (limit, what) => readBounded(0, limit, what),
  };
}
