// Writing git loose objects (blob, tree, commit) directly: a zlib stream of "<type> <size>\0<body>",
// named by the SHA-1 of those bytes, placed with an exclusive temp file and a rename.
import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync, writevSync } from "node:fs";
import { join } from "node:path";
import { adler32, scratchBytes } from "./adler32.js";

/**
 * The pieces of a zlib stream of "stored" (uncompressed) deflate blocks holding `data`, which are
 * subarrays of `data` itself: written with writev, nothing is copied. Git reads any zlib stream; stored
 * blocks spare loading node:zlib (~2 ms) and deflating the month file on every code read. The loose
 * objects are packed, delta-compressed, by the `git gc --auto` that autoGcWhenLoose starts.
 */
function storedZlibParts(data: Buffer): Buffer[] {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const parts: Buffer[] = [Buffer.from([0x78, 0x01])];
  for (let i = 0; i < blocks; i++) {
    const chunk = data.subarray(i * 65535, (i + 1) * 65535);
    const header = Buffer.alloc(5);
    header[0] = i === blocks - 1 ? 1 : 0;
    header.writeUInt16LE(chunk.length, 1);
    header.writeUInt16LE(~chunk.length & 0xffff, 3);
    parts.push(header, chunk);
  }
  const check = Buffer.alloc(4);
  check.writeUInt32BE(adler32(data));
  parts.push(check);
  return parts;
}

/** The stored zlib stream of `data` as one buffer. */
export function zlibStored(data: Buffer): Buffer {
  return Buffer.concat(storedZlibParts(data));
}

function writeAllv(fd: number, parts: Buffer[]): void {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const written = writevSync(fd, parts);
  // A regular file takes it all at once; should a write ever come up short, finish the rest plainly.
  if (written < total) writeSync(fd, Buffer.concat(parts).subarray(written));
}

let tmpCounter = 0;

/** Writes the object whose full bytes ("<type> <size>\0<body>") are `bytes`, unless it exists. */
function writeObjectBytes(gitDir: string, bytes: Buffer): Buffer {
  const id = createHash("sha1").update(bytes).digest();
  const hex = id.toString("hex");
  const dir = join(gitDir, "objects", hex.slice(0, 2));
  const path = join(dir, hex.slice(2));
  if (existsSync(path)) return id;
  let tmp = "";
  let fd = -1;
  while (fd < 0) {
    tmp = join(dir, `tmp_obj_${process.pid}_${++tmpCounter}`);
    try {
      fd = openSync(tmp, "wx", 0o444);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") mkdirSync(dir, { recursive: true, mode: 0o755 });
      else if (code !== "EEXIST") throw e; // EEXIST: a killed run's leftover; take the next name
    }
  }
  try {
    writeAllv(fd, storedZlibParts(bytes));
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  return id;
}

export function writeLooseObject(gitDir: string, type: string, body: Buffer): Buffer {
  const header = Buffer.from(`${type} ${body.length}\0`);
  const bytes = scratchBytes(header.length + body.length);
  header.copy(bytes);
  body.copy(bytes, header.length);
  return writeObjectBytes(gitDir, bytes);
}

/** A month file past this size (some 700,000 lines) is left to git itself. */
const BLOB_FILE_LIMIT = 256 * 1024 * 1024;

/**
 * Writes the file at `file` as a blob (null when it is too big for this); returns its id and size. The file is read once, straight into
 * the WebAssembly memory where its Adler-32 is computed, and written out from there: a month file of
 * the audit trail (hundreds of KB) is never copied.
 */
export function writeLooseBlobFile(gitDir: string, file: string): { id: Buffer; size: number } | null {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > BLOB_FILE_LIMIT) return null;
    const header = Buffer.from(`blob ${size}\0`);
    const bytes = scratchBytes(header.length + size);
    header.copy(bytes);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, bytes, header.length + got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got !== size) throw new Error(`${file} shrank while it was read`);
    return { id: writeObjectBytes(gitDir, bytes), size };
  } finally {
    closeSync(fd);
  }
}

export interface TreeItem {
  name: string;
  /** Octal mode as git writes it in trees: 100644, 100755, 120000, 160000 or 40000. */
  mode: string;
  sha: Buffer;
}

/** Git orders tree entries by name, comparing directories as if their name ended in "/". */
function sortKey(item: TreeItem): Buffer {
  return Buffer.from(item.mode === "40000" ? `${item.name}/` : item.name, "utf8");
}

export function treeBody(items: TreeItem[]): Buffer {
  const sorted = [...items].sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
  return Buffer.concat(sorted.flatMap((i) => [Buffer.from(`${i.mode} ${i.name}\0`, "utf8"), i.sha]));
}

export function treeMode(indexMode: number): string | null {
  const type = indexMode >>> 12;
  if (type === 0o10) return (indexMode & 0o111) !== 0 ? "100755" : "100644";
  if (type === 0o12) return "120000";
  if (type === 0o16) return "160000";
  return null;
}
