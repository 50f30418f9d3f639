// Writing git loose objects (blob, tree, commit) directly: zlib-deflated "<type> <size>\0<body>", named
// by the SHA-1 of the uncompressed bytes, placed with an exclusive temp file and a rename.
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

export function objectId(type: string, body: Buffer): Buffer {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest();
}

export function writeLooseObject(gitDir: string, type: string, body: Buffer): Buffer {
  const id = objectId(type, body);
  const hex = id.toString("hex");
  const dir = join(gitDir, "objects", hex.slice(0, 2));
  const path = join(dir, hex.slice(2));
  if (existsSync(path)) return id;
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `tmp_obj_${randomBytes(6).toString("hex")}`);
  const fd = openSync(tmp, "wx", 0o444);
  try {
    writeSync(fd, deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]), { level: 1 }));
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
