// Just enough of git's index format (v2/v3, "DIRC") to update one tracked file's entry and keep the
// cache-tree extension valid, for the fast audit commit. Everything is patched in place (the entry's stat
// data and object id, the SHA-1s of the cache-tree nodes on the file's path, the trailing checksum), so
// the file keeps its size and every extension stays valid byte for byte. Anything unusual (v4, split or
// sparse index, a required extension we do not know) makes `parseIndex` return null: the caller uses git.
import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";

export interface CacheTreeNode {
  name: string;
  entryCount: number;
  sha: Buffer | null;
  /** Where this node's SHA-1 sits in the index file (valid nodes only). */
  shaOffset: number;
  children: CacheTreeNode[];
}

/**
 * The index as its bytes and where each entry starts. Nothing is decoded up front: an index of a
 * thousand vaults holds 3,000+ entries, and making a string and a Buffer for each cost ~10 ms of a
 * code read; the entries a commit needs are found by binary search (git keeps them sorted by path).
 */
export interface GitIndex {
  raw: Buffer;
  /** Byte offset of each entry. */
  offsets: Uint32Array;
  tree: CacheTreeNode | null;
}

// Where entry `i`'s path lies in `raw`: [nameStart, nameStart + nameLength). Two plain functions, not a
// tuple: destructuring an array runs the iterator protocol, slow in a process this short.
function nameStart(index: GitIndex, i: number): number {
  const o = index.offsets[i]!;
  return o + 62 + (index.raw[o + 60]! & 0x40 ? 2 : 0);
}

function nameLength(index: GitIndex, i: number): number {
  const o = index.offsets[i]!;
  return ((index.raw[o + 60]! << 8) | index.raw[o + 61]!) & 0x0fff;
}

export function entryPath(index: GitIndex, i: number): string {
  const start = nameStart(index, i);
  return index.raw.toString("utf8", start, start + nameLength(index, i));
}

export function entryMode(index: GitIndex, i: number): number {
  return index.raw.readUInt32BE(index.offsets[i]! + 24);
}

export function entrySha(index: GitIndex, i: number): Buffer {
  const o = index.offsets[i]!;
  return index.raw.subarray(o + 40, o + 60);
}

/**
 * Entry `i`'s path against `prefix`, looking at no more than prefix's length: 0 when the path starts
 * with it, else the sign of the byte comparison (git sorts entries by these bytes).
 */
function comparePrefix(index: GitIndex, i: number, prefix: Buffer): number {
  const start = nameStart(index, i);
  const length = nameLength(index, i);
  const len = Math.min(length, prefix.length);
  const c = index.raw.compare(prefix, 0, len, start, start + len);
  if (c !== 0) return c;
  return length < prefix.length ? -1 : 0;
}

/** The first entry for which `after(i)` holds (entries where it holds form a suffix). */
function firstWhere(count: number, after: (i: number) => boolean): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** [lo, hi): the entries whose path starts with `prefix` ("dir/", or "" for all). */
export function prefixRange(index: GitIndex, prefix: Buffer): [number, number] {
  const n = index.offsets.length;
  const lo = firstWhere(n, (i) => comparePrefix(index, i, prefix) >= 0);
  const hi = firstWhere(n, (i) => comparePrefix(index, i, prefix) > 0);
  return [lo, hi];
}

/** The entry of `path` (the index is conflict-free when parsed), or -1. */
export function findEntry(index: GitIndex, path: string): number {
  const want = Buffer.from(path, "utf8");
  const [lo, hi] = prefixRange(index, want);
  for (let i = lo; i < hi; i++) {
    if (nameLength(index, i) === want.length) return i;
  }
  return -1;
}

/**
 * Reads a cache-tree node header at `pos` ("<name>\0<entry count> <subtree count>\n", the count -1 for an
 * invalid node) into `out`: [name end, entry count, subtree count, position after the header]. No
 * arrays are made or destructured: a thousand vault directories are stepped over on every code read.
 */
function readHeader(raw: Buffer, pos: number, end: number, out: Int32Array): void {
  // Byte loops rather than indexOf: names and numbers are a few bytes, and a call costs more than that.
  let nul = pos;
  while (nul < end && raw[nul] !== 0) nul++;
  let nl = nul + 1;
  while (nl < end && raw[nl] !== 0x0a) nl++;
  if (nl >= end) throw new Error("truncated cache-tree");
  let count = 0;
  let sub = 0;
  let sign = 1;
  let field = 0;
  let digits = 0;
  for (let i = nul + 1; i < nl; i++) {
    const c = raw[i]!;
    if (c === 0x20 && field === 0 && digits > 0) {
      field = 1;
      digits = 0;
    } else if (c === 0x2d && field === 0 && digits === 0 && sign === 1) {
      sign = -1;
    } else if (c >= 0x30 && c <= 0x39) {
      if (field === 0) count = count * 10 + (c - 0x30);
      else sub = sub * 10 + (c - 0x30);
      digits++;
    } else {
      throw new Error("bad cache-tree header");
    }
  }
  if (field !== 1 || digits === 0) throw new Error("bad cache-tree header");
  out[0] = nul;
  out[1] = sign * count;
  out[2] = sub;
  out[3] = nl + 1;
}

/**
 * The cache-tree, decoded only where a commit of `path` needs it: the nodes on the path's directories
 * and their direct children. Other subtrees (a thousand vault directories under clients/) are stepped
 * over without making a string or a Buffer for any of their nodes.
 */
function parseCacheTree(raw: Buffer, start: number, end: number, path: string): CacheTreeNode | null {
  const dirs = path.split("/").slice(0, -1);
  const h = new Int32Array(4);
  let pos = start;
  const skipNode = (): void => {
    readHeader(raw, pos, end, h);
    const sub = h[2]!;
    pos = h[3]! + (h[1]! >= 0 ? 20 : 0);
    for (let i = 0; i < sub; i++) skipNode();
  };
  const readNode = (depth: number, onPath: boolean): CacheTreeNode => {
    readHeader(raw, pos, end, h);
    const count = h[1]!;
    const sub = h[2]!;
    const node: CacheTreeNode = { name: raw.toString("utf8", pos, h[0]!), entryCount: count, sha: null, shaOffset: -1, children: [] };
    pos = h[3]!;
    if (count >= 0) {
      node.sha = raw.subarray(pos, pos + 20);
      node.shaOffset = pos;
      pos += 20;
    }
    for (let i = 0; i < sub; i++) {
      if (!onPath) {
        skipNode();
        continue;
      }
      // Peek at the child's name: the one on the path is read in full, its siblings as headers only.
      const onward = depth < dirs.length && raw.toString("utf8", pos, raw.indexOf(0, pos)) === dirs[depth];
      node.children.push(readNode(depth + 1, onward));
    }
    return node;
  };
  try {
    return readNode(0, true);
  } catch {
    return null;
  }
}

/**
 * Reads the entry offsets and the cache-tree nodes a commit of `path` needs; null for anything the fast
 * commit does not model: another version, a conflict (a stage other than 0), skip-worktree or
 * intent-to-add entries, an over-long path, a required extension it does not know.
 */
export function parseIndex(raw: Buffer, path: string): GitIndex | null {
  if (raw.length < 32 || raw.toString("latin1", 0, 4) !== "DIRC") return null;
  const version = raw.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null;
  const count = raw.readUInt32BE(8);
  const offsets = new Uint32Array(count);
  let pos = 12;
  for (let i = 0; i < count; i++) {
    if (pos + 62 > raw.length) return null;
    offsets[i] = pos;
    const flags = (raw[pos + 60]! << 8) | raw[pos + 61]!;
    if ((flags & 0x3000) !== 0) return null; // an unmerged entry
    const extended = (flags & 0x4000) !== 0;
    if (extended && (version < 3 || (((raw[pos + 62]! << 8) | raw[pos + 63]!) & 0x6000) !== 0)) return null;
    const nameLen = flags & 0x0fff;
    if (nameLen === 0x0fff) return null;
    pos += (62 + (extended ? 2 : 0) + nameLen + 8) & ~7;
  }
  let tree: CacheTreeNode | null = null;
  while (pos < raw.length - 20) {
    const sig = raw.toString("latin1", pos, pos + 4);
    const size = raw.readUInt32BE(pos + 4);
    // A lower-case first letter marks an extension git requires readers to understand.
    if (sig[0]! >= "a" && sig[0]! <= "z") return null;
    if (sig === "TREE") tree = parseCacheTree(raw, pos + 8, pos + 8 + size, path);
    pos += 8 + size;
  }
  return { raw, offsets, tree };
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

/** Writes new stat data and object id into entry `i` (the raw buffer is modified in place). */
export function updateEntry(index: GitIndex, i: number, sha: Buffer, st: BigIntStats): void {
  const b = index.raw;
  const o = index.offsets[i]!;
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
}
