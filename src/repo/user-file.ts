// Reading a file the user named on the command line (an export to import, a password file, a card, a
// recipients file, an identity) or piped in on stdin: never more than the kind can sensibly hold, so a
// 500 MB file is refused from its size at once, and /dev/zero or a pipe that never ends stops at the limit.
// A link is followed: the user chose the path (repository files are a different matter: repo-file.ts).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { badInput, notFound } from "../core/errors.js";

export const USER_LIMITS = {
  /** An export, a CSV, a photo of a QR code: a 10,000-row CSV is about 1 MB. */
  import: 32 << 20,
  card: 64 << 10,
  recipients: 1 << 20,
  /** A password, a seed, an otpauth URI, an identity file. */
  secret: 64 << 10,
} as const;

function sizeText(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

export function tooLarge(what: string, limit: number, size?: number): Error {
  const is = size === undefined ? "is larger than" : `is ${sizeText(size)}, over`;
  return badInput(`${what} ${is} the ${sizeText(limit)} limit for it: refusing to read it (is it the right file?)`);
}

/** Reads an open descriptor to its end, refusing it as soon as it holds more than `limit` bytes. */
export function readBounded(fd: number, limit: number, what: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(Math.min(limit + 1, 1 << 20));
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A non-blocking stdin with nothing in it, or end of input on Windows: what was read is all there is.
      if (code === "EAGAIN" || code === "EOF") break;
      if (code === "EISDIR") throw badInput(`${what} is a directory, not a file`);
      throw e;
    }
    if (n === 0) break;
    total += n;
    if (total > limit) throw tooLarge(what, limit);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

/** Opens `path` (relative to `cwd`) and checks what it is; the caller reads and closes the descriptor. */
export function openUserFile(cwd: string, path: string, limit: number, what: string): { fd: number; mode: number } {
  let fd: number;
  try {
    fd = openSync(resolve(cwd, path), "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw notFound(`${what} ${path} does not exist`);
    if (code === "EISDIR") throw badInput(`${what} ${path} is a directory, not a file`);
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw badInput(`${what} ${path} is a directory, not a file`);
    // A regular file's size is known up front: a huge (or sparse) one is refused without reading a byte.
    if (st.isFile() && st.size > limit) throw tooLarge(`${what} ${path}`, limit, st.size);
    return { fd, mode: st.mode };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** The bytes of a file the user named; pipes, process substitution and devices are read up to the limit. */
export function readUserFile(cwd: string, path: string, limit: number, what: string): Buffer {
  const { fd } = openUserFile(cwd, path, limit, what);
  try {
    return readBounded(fd, limit, `${what} ${path}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file that must be the owner's alone (an identity, a passphrase): `checkMode` sees the mode of the open
 * file before a byte is read (and may throw), so the file checked is the file read (a link is followed).
 */
export function readPrivateFile(path: string, limit: number, what: string, checkMode: (mode: number) => void): Buffer {
  const { fd, mode } = openUserFile(".", path, limit, what);
  try {
    checkMode(mode);
    return readBounded(fd, limit, `${what} ${path}`);
  } finally {
    closeSync(fd);
  }
}

/** Whether group or others may read a file of this mode (Windows has no such bits to check). */
export const readableByOthers = (mode: number) => process.platform !== "win32" && (mode & 0o077) !== 0;
