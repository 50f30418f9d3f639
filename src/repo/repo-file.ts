// Reading a file of the vault repository as untrusted input: never through a symlink (a pull request
// could point team/x.json at ~/.ssh/id_ed25519), never a device or directory, and never more than the
// size the file kind can sensibly have (a 500 MB vault.age is refused at once, not read into memory).
// Writes go through no link either (a pull request could make clients/x a link to ~/.config).
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { badInput } from "../core/errors.js";

export const LIMITS = {
  vault: 64 << 20,
  manifest: 1 << 20,
  card: 64 << 10,
  recipients: 1 << 20,
  config: 1 << 20,
  /** One engineer's month of audit lines: ~180,000 lines. */
  audit: 64 << 20,
} as const;

const realRoots = new Map<string, string>();

function realRoot(root: string): string {
  let r = realRoots.get(root);
  if (!r) {
    r = realpathSync.native(root);
    realRoots.set(root, r);
  }
  return r;
}

/** The file's bytes; throws ENOENT through unchanged (callers decide what absence means). */
export function readRepoBytes(root: string, rel: string, limit: number): Buffer {
  const path = join(root, rel);
  // Checked before opening: opening a link to a named pipe would wait for a writer forever.
  if (realpathSync.native(path) !== join(realRoot(root), rel)) {
    throw badInput(`${rel} is a symbolic link (or lies under one): mfavault reads no file through a link; replace it with the real file`);
  }
  // No link swapped in since, and no wait on a pipe: it is refused below as not a regular file.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw badInput(`${rel} is not a regular file`);
    if (st.size > limit) throw badInput(`${rel} is ${(st.size / (1 << 20)).toFixed(1)} MB, over the ${limit >> 20 || 1} MB limit for this kind of file: refusing to read it`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === buf.length ? buf : buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

export function readRepoText(root: string, rel: string, limit: number): string {
  return readRepoBytes(root, rel, limit).toString("utf8");
}

/**
 * Throws unless no existing part of `rel` (a repository-relative path) is a symbolic link: a write or an
 * append there would land wherever the link points. Parts that do not exist yet are fine.
 */
export function refuseLinks(root: string, rel: string): void {
  const segs = rel.split("/");
  let path = root;
  for (let i = 0; i < segs.length; i++) {
    path = join(path, segs[i]!);
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isSymbolicLink()) {
      const link = segs.slice(0, i + 1).join("/");
      throw badInput(`${link} is a symbolic link: mfavault writes no file through a link; replace it with the real ${i < segs.length - 1 ? "folder" : "file"} (git checkout -- ${link}, or remove it)`);
    }
  }
}
