// Just enough of git's index format (v2/v3, "DIRC") to update one tracked file's entry and keep the
// cache-tree extension valid, for the fast audit commit. Everything is patched in place (the entry's stat
// data and object id, the SHA-1s of the cache-tree nodes on the file's path, the trailing checksum), so
// the file keeps its size and every extension stays valid byte for byte. Anything unusual (v4, split or
// sparse index, a required extension we do not know) makes `parseIndex` return null: the caller uses git.
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
  /** Where this node's SHA-1 sits in the index file (valid nodes only). */
  shaOffset: number;
  children: CacheTreeNode[];
}

export interface GitIndex {
  raw: Buffer;
  entries: IndexEntry[];
  tree: CacheTreeNode | null;
}

function parseCacheTree(raw: Buffer, start: number, end: number): CacheTreeNode | null {
  let pos = start;
  const readNode = (): CacheTreeNode => {
    const nul = raw.indexOf(0, pos);
    const nl = raw.indexOf(0x0a, nul);
    if (nul < 0 || nl < 0 || nl >= end) throw new Error("truncated cache-tree");
    const name = raw.toString("utf8", pos, nul);
    const [count, sub] = raw.toString("latin1", nul + 1, nl).split(" ").map(Number);
    pos = nl + 1;
    const node: CacheTreeNode = { name, entryCount: count!, sha: null, shaOffset: -1, children: [] };
    if (count! >= 0) {
      node.sha = raw.subarray(pos, pos + 20);
      node.shaOffset = pos;
      pos += 20;
    }
    for (let i = 0; i < sub!; i++) node.children.push(readNode());
    return node;
  };
  try {
    return readNode();
  } catch {
    return null;
  }
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
    pos += (nameStart - pos + nameLen + 8) & ~7;
  }
  let tree: CacheTreeNode | null = null;
  while (pos < raw.length - 20) {
    const sig = raw.toString("latin1", pos, pos + 4);
    const size = raw.readUInt32BE(pos + 4);
    // A lower-case first letter marks an extension git requires readers to understand.
    if (sig[0]! >= "a" && sig[0]! <= "z") return null;
    if (sig === "TREE") tree = parseCacheTree(raw, pos + 8, pos + 8 + size);
    pos += 8 + size;
  }
  return { raw, entries, tree };
}

/** Sets a cache-tree node's SHA-1, in the node and in the index bytes. */
export function setTreeSha(index: GitIndex, node: CacheTreeNode, sha: Buffer): void {
  sha.copy(index.raw, node.shaOffset);
  node.sha = index.raw.subarray(node.shaOffset, node.shaOffset + 20);
}

/** The index bytes with a fresh trailing checksum. */
export function serializeIndex(index: GitIndex): Buffer {
  const body = index.raw.subarray(0, index.raw.length - 20);
  createHash("sha1").update(body).digest().copy(index.raw, index.raw.length - 20);
  return index.raw;
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
