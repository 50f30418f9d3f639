// Just enough of git's index format (v2/v3, "DIRC") to update one tracked file's entry and keep the
// cache-tree extension valid, for the fast audit commit. Anything unusual (v4, split index, a sparse
// index, unknown required extensions) makes `parseIndex` return null and the caller falls back to git.
import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";

export interface IndexEntry {
  /** Byte offset of the entry in the index file. */
  offset: number;
  path: string;
  mode: number;
  sha: Buffer;
  stage: number;
}

export interface CacheTreeNode {
  name: string;
  entryCount: number;
  sha: Buffer | null;
  children: CacheTreeNode[];
}

export interface GitIndex {
  raw: Buffer;
  entries: IndexEntry[];
  /** End of the entries, where extensions start. */
  entriesEnd: number;
  tree: CacheTreeNode | null;
  /** Extensions other than TREE, kept verbatim (REUC, UNTR). */
  otherExtensions: Buffer[];
}

function parseCacheTree(data: Buffer): CacheTreeNode | null {
  let pos = 0;
  const readNode = (): CacheTreeNode => {
    const nul = data.indexOf(0, pos);
    const name = data.subarray(pos, nul).toString("utf8");
    const nl = data.indexOf(0x0a, nul);
    const [count, sub] = data.subarray(nul + 1, nl).toString("latin1").split(" ").map(Number);
    pos = nl + 1;
    let sha: Buffer | null = null;
    if (count! >= 0) {
      sha = Buffer.from(data.subarray(pos, pos + 20));
      pos += 20;
    }
    const node: CacheTreeNode = { name, entryCount: count!, sha, children: [] };
    for (let i = 0; i < sub!; i++) node.children.push(readNode());
    return node;
  };
  try {
    return readNode();
  } catch {
    return null;
  }
}

export function serializeCacheTree(node: CacheTreeNode): Buffer {
  const parts: Buffer[] = [];
  const write = (n: CacheTreeNode) => {
    parts.push(Buffer.from(`${n.name}\0${n.entryCount} ${n.children.length}\n`, "utf8"));
    if (n.entryCount >= 0 && n.sha) parts.push(n.sha);
    for (const c of n.children) write(c);
  };
  write(node);
  return Buffer.concat(parts);
}

export function parseIndex(raw: Buffer): GitIndex | null {
  if (raw.length < 32 || raw.toString("latin1", 0, 4) !== "DIRC") return null;
  const version = raw.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null;
  const count = raw.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let pos = 12;
  for (let i = 0; i < count; i++) {
    const flags = raw.readUInt16BE(pos + 60);
    const extended = (flags & 0x4000) !== 0;
    if (extended && version < 3) return null;
    if (extended && (raw.readUInt16BE(pos + 62) & 0x6000) !== 0) return null; // skip-worktree / intent-to-add
    const nameStart = pos + 62 + (extended ? 2 : 0);
    const nameLen = flags & 0x0fff;
    if (nameLen === 0x0fff) return null;
    const path = raw.toString("utf8", nameStart, nameStart + nameLen);
    entries.push({ offset: pos, path, mode: raw.readUInt32BE(pos + 24), sha: raw.subarray(pos + 40, pos + 60), stage: (flags >> 12) & 3 });
    pos += ((nameStart - pos + nameLen + 8) & ~7);
  }
  const entriesEnd = pos;
  let tree: CacheTreeNode | null = null;
  const otherExtensions: Buffer[] = [];
  while (pos < raw.length - 20) {
    const sig = raw.toString("latin1", pos, pos + 4);
    const size = raw.readUInt32BE(pos + 4);
    const data = raw.subarray(pos + 8, pos + 8 + size);
    if (sig === "TREE") tree = parseCacheTree(data);
    else if (sig === "REUC" || sig === "UNTR") otherExtensions.push(raw.subarray(pos, pos + 8 + size));
    else if (sig === "EOIE" || sig === "IEOT") {
      // Optional offset tables: dropped, since git rebuilds them when it wants them.
    } else return null;
    pos += 8 + size;
  }
  return { raw, entries, entriesEnd, tree, otherExtensions };
}

/** Rewrites an entry's stat data and object id in place, and reassembles the file with a new checksum. */
export function serializeIndex(index: GitIndex): Buffer {
  const ext: Buffer[] = [];
  if (index.tree) {
    const data = serializeCacheTree(index.tree);
    const head = Buffer.alloc(8);
    head.write("TREE", 0, "latin1");
    head.writeUInt32BE(data.length, 4);
    ext.push(head, data);
  }
  ext.push(...index.otherExtensions);
  const body = Buffer.concat([index.raw.subarray(0, index.entriesEnd), ...ext]);
  return Buffer.concat([body, createHash("sha1").update(body).digest()]);
}

/** Writes new stat data and object id into the entry (the raw buffer is modified in place). */
export function updateEntry(index: GitIndex, entry: IndexEntry, sha: Buffer, st: BigIntStats): void {
  const b = index.raw;
  const o = entry.offset;
  // git keeps the low 32 bits of each stat field.
  const u32 = (v: bigint) => Number(v & 0xffffffffn);
  b.writeUInt32BE(u32(st.ctimeNs / 1_000_000_000n), o);
  b.writeUInt32BE(Number(st.ctimeNs % 1_000_000_000n), o + 4);
  b.writeUInt32BE(u32(st.mtimeNs / 1_000_000_000n), o + 8);
  b.writeUInt32BE(Number(st.mtimeNs % 1_000_000_000n), o + 12);
  b.writeUInt32BE(u32(st.dev), o + 16);
  b.writeUInt32BE(u32(st.ino), o + 20);
  b.writeUInt32BE(u32(st.uid), o + 28);
  b.writeUInt32BE(u32(st.gid), o + 32);
  b.writeUInt32BE(u32(st.size), o + 36);
  sha.copy(b, o + 40);
  entry.sha = b.subarray(o + 40, o + 60);
}
