// Writing git loose objects (blob, tree, commit) directly: zlib-deflated "<type> <size>\0<body>", named
// by the SHA-1 of the uncompressed bytes, placed with an exclusive temp file and a rename.
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { adler32 } from "./adler32.js";

/**
 * A zlib stream of "stored" (uncompressed) deflate blocks. Git reads any zlib stream; writing stored
 * blocks spares loading node:zlib (~2 ms) and deflating the month file on every code read. Loose objects
 * are packed, delta-compressed, by the `git gc` that autoGcWhenLoose starts.
 */
export function zlibStored(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = Buffer.alloc(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let i = 0; i < blocks; i++) {
    const chunk = data.subarray(i * 65535, (i + 1) * 65535);
    out[o] = i === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(chunk.length, o + 1);
    out.writeUInt16LE(~chunk.length & 0xffff, o + 3);
    chunk.copy(out, o + 5);
    o += 5 + chunk.length;
  }
  out.writeUInt32BE(adler32(data), o);
  return out;
}

/** Past this size an object is worth deflating at once (and too big to copy into WebAssembly memory). */
const STORE_UP_TO = 64 * 1024 * 1024;

function zlibStream(data: Buffer): Buffer {
  if (data.length <= STORE_UP_TO) return zlibStored(data);
  return process.getBuiltinModule("node:zlib").deflateSync(data, { level: 1 });
}

export function objectId(type: string, body: Buffer): Buffer {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest();
}

export function writeLooseObject(gitDir: string, type: string, body: Buffer): Buffer {
  const id = objectId(type, body);
  const hex = id.toString("hex");
  const dir = join(gitDir, "objects", hex.slice(0, 2));
  const path = join(dir, hex.slice(2));
  if (existsSync(path)) return id;
  const tmp = join(dir, `tmp_obj_${randomBytes(6).toString("hex")}`);
  let fd: number;
  try {
    fd = openSync(tmp, "wx", 0o444);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    fd = openSync(tmp, "wx", 0o444);
  }
  try {
    writeSync(fd, zlibStream(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body])));
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
