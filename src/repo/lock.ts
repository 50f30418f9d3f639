// One lock per repository around every change (files + audit line + commit), so parallel mfavault runs
// on one machine serialise. A lock left by a killed process is detected and taken over.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { failure } from "../core/errors.js";

/** A lock from another machine (a shared folder) is trusted this long: we cannot ask its process. */
const STALE_OTHER_HOST_MS = 30_000;
/** No change holds the lock this long; a live pid that does is a reused pid. */
const STALE_ALIVE_MS = 10 * 60_000;
/** A lock file is written microseconds after it is created: empty or garbled for longer, its writer died. */
const UNWRITTEN_MS = 2_000;
const WAIT_MS = 15_000;

function readHolder(path: string): { text: string; mtimeMs: number } | null {
  try {
    return { text: readFileSync(path, "utf8"), mtimeMs: statSync(path).mtimeMs };
  } catch {
    return null;
  }
}

function holderIsGone(text: string, mtimeMs: number): boolean {
  const m = /^(\d+) (.+) (\d+)$/.exec(text);
  if (!m) return Date.now() - mtimeMs > UNWRITTEN_MS;
  const age = Date.now() - Number(m[3]);
  if (m[2] !== hostname()) return age > STALE_OTHER_HOST_MS;
  if (age > STALE_ALIVE_MS) return true;
  try {
    process.kill(Number(m[1]), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes a stale lock, but only the one judged stale: waiters take turns through a second lock file, and
 * each re-reads the lock before removing it, so a lock a faster waiter has just taken is never removed.
 */
function breakStaleLock(path: string, judged: string): boolean {
  const breaker = `${path}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    // Another waiter is breaking it; a waiter killed while doing so leaves this file behind.
    const other = readHolder(breaker);
    if (other && Date.now() - other.mtimeMs > UNWRITTEN_MS) unlinkQuietly(breaker);
    return false;
  }
  closeSync(fd);
  try {
    if (readHolder(path)?.text === judged) unlinkQuietly(path);
  } finally {
    unlinkQuietly(breaker);
  }
  return true;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The process whose stale lock was taken over: its pid if it wrote one, and when it took the lock. */
export interface DeadHolder {
  pid: number | null;
  since: number;
}

function deadHolder(holder: { text: string; mtimeMs: number }): DeadHolder {
  const m = /^(\d+) (.+) (\d+)$/.exec(holder.text);
  return m ? { pid: Number(m[1]), since: Number(m[3]) } : { pid: null, since: holder.mtimeMs };
}

/**
 * Takes the lock, waiting for a live holder and taking over from a dead one. After a takeover,
 * `onTakeover` runs while the lock is held, to clean up what the dead holder left half done.
 */
export function acquireLock(path: string, onTakeover?: (dead: DeadHolder) => void): () => void {
  const deadline = Date.now() + WAIT_MS;
  let tookOver: DeadHolder | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      const mine = `${process.pid} ${hostname()} ${Date.now()}`;
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      // Release only our own lock: one taken over as stale (after STALE_ALIVE_MS) now belongs to another.
      const release = () => {
        if (readHolder(path)?.text === mine) unlinkQuietly(path);
      };
      if (tookOver && onTakeover) {
        try {
          onTakeover(tookOver);
        } catch (e) {
          release();
          throw e;
        }
      }
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = readHolder(path);
    if (holder && holderIsGone(holder.text, holder.mtimeMs) && breakStaleLock(path, holder.text)) {
      tookOver = deadHolder(holder);
      continue;
    }
    if (Date.now() > deadline) {
      throw failure(`the vault repository is locked by another mfavault (${path}); if no mfavault is running, delete that file`);
    }
    sleepSync(Math.min(5 + attempt * 5, 50));
  }
}
