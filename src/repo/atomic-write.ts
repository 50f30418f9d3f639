// Writing files so a crash leaves either the old or the new content, never half of one.
// Files are created 0644 and folders 0755 at most: the umask narrows that, and even umask 000 gives
// nobody else write access to a vault repository.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "node:crypto";
import { childEnv } from "../child-env.js";

/** Writes and fsyncs `content` to a fresh file; the caller renames it into place. */
export function writeDurably(path: string, content: string | Uint8Array, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const fd = openSync(path, "wx", mode);
  try {
    writeSync(fd, typeof content === "string" ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Above this many files, one file-system sync beats an fsync per file (a revoke --all stages thousands). */
const BATCH_SYNC_FROM = 16;

/**
 * Writes new files and makes all of them durable before returning. Many files are written first and then
 * flushed with one syncfs(2) (`sync -f`, Linux coreutils) instead of thousands of fsyncs; where that is
 * unavailable, each file is fsynced as writeDurably does.
 */
export function writeAllDurably(files: { path: string; content: string | Uint8Array }[]): void {
  if (files.length < BATCH_SYNC_FROM) {
    for (const f of files) writeDurably(f.path, f.content);
    return;
  }
  for (const f of files) {
    mkdirSync(dirname(f.path), { recursive: true, mode: 0o755 });
    const fd = openSync(f.path, "wx", 0o644);
    try {
      writeSync(fd, typeof f.content === "string" ? Buffer.from(f.content) : f.content);
    } finally {
      closeSync(fd);
    }
  }
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const synced = process.platform === "linux" && spawnSync("sync", ["-f", dirname(files[0]!.path)], { stdio: "ignore", env: childEnv() }).status === 0;
  if (synced) return;
  for (const f of files) {
    const fd = openSync(f.path, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

export function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeDurably(tmp, content, mode);
  renameSync(tmp, path);
}
