// One lock per repository around every change (files + audit line + commit), so parallel mfavault runs
// on one machine serialise. A lock left by a killed process is detected and taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { failure } from "../core/errors.js";

const STALE_MS = 30_000;
const WAIT_MS = 15_000;

function holderIsGone(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return false;
  }
  const [pid, host, time] = text.split(" ");
  if (Date.now() - Number(time) > STALE_MS) return true;
  if (host !== hostname()) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function acquireLock(path: string): () => void {
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, `${process.pid} ${hostname()} ${Date.now()}`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (holderIsGone(path)) {
      try {
        unlinkSync(path);
      } catch {
        // another waiter took it over first
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw failure(`the vault repository is locked by another mfavault (${path}); if no mfavault is running, delete that file`);
    }
    sleepSync(Math.min(5 + attempt * 5, 50));
  }
}
