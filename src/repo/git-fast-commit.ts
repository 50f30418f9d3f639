// Committing one changed, already-tracked file without starting git: the audit line of every code read.
// It writes the blob, the trees on the file's path and the commit as loose objects, moves the branch with
// git's own lock-file protocol (compare-and-swap on the old value, reflog appended) and rewrites the
// index entry and cache-tree. Whenever the repository is in a state this does not model (no cache-tree,
// a new file, a detached HEAD, a foreign lock, config includes), it returns null and the caller commits
// with git plumbing instead; the result is the same commit either way.
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { childEnv } from "../child-env.js";
import { committerIdent, formatIdent } from "./git-config.js";
import { entryMode, entryPath, entrySha, findEntry, parseIndex, prefixRange, serializeIndex, setTreeSha, updateEntry, type CacheTreeNode, type GitIndex } from "./git-index.js";
import { treeBody, treeMode, writeLooseBlobFile, writeLooseObject, type TreeItem } from "./git-objects.js";

function readRef(gitDir: string, ref: string): string | null {
  const loose = join(gitDir, ref);
  if (existsSync(loose)) return readFileSync(loose, "utf8").trim();
  const packed = join(gitDir, "packed-refs");
  if (!existsSync(packed)) return null;
  for (const line of readFileSync(packed, "utf8").split("\n")) {
    const [sha, name] = line.split(" ");
    if (name === ref && sha) return sha;
  }
  return null;
}

/**
 * Builds and writes the tree of `dir` ("" for the root) from its entries in the index and the cache-tree
 * children for its subdirectories, each subdirectory's entries skipped by its cache-tree entry count.
 */
function writeDirTree(gitDir: string, index: GitIndex, dir: string, node: CacheTreeNode, replaced: Map<string, Buffer>): Buffer | null {
  const prefix = dir === "" ? "" : `${dir}/`;
  const [lo, hi] = prefixRange(index, Buffer.from(prefix, "utf8"));
  const items: TreeItem[] = [];
  let subdirs = 0;
  for (let i = lo; i < hi; ) {
    const path = entryPath(index, i);
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) {
      const mode = treeMode(entryMode(index, i));
      if (!mode) return null;
      items.push({ name: rest, mode, sha: entrySha(index, i) });
      i++;
      continue;
    }
    const name = rest.slice(0, slash);
    const child = node.children.find((c) => c.name === name);
    if (!child || child.entryCount <= 0) return null;
    // The child's entries are the next entryCount ones: check the last is its and the one after is not.
    const next = i + child.entryCount;
    const inside = `${prefix}${name}/`;
    if (next > hi || !entryPath(index, next - 1).startsWith(inside) || (next < hi && entryPath(index, next).startsWith(inside))) return null;
    const sha = replaced.get(name) ?? child.sha;
    if (!sha) return null;
    items.push({ name, mode: "40000", sha });
    subdirs++;
    i = next;
  }
  if (subdirs !== node.children.length) return null;
  return writeLooseObject(gitDir, "tree", treeBody(items));
}

/**
 * git commit runs `git gc --auto` afterwards; so do we, detached, the code read never waiting for it. Our
 * loose objects are stored uncompressed, so we ask git to pack sooner than it would by itself: when the
 * sample directory objects/17 holds more than 8 loose objects (about 2,000 in all), or fewer when the
 * month file is big (a blob of ~1 MiB per read: after ~100 reads), so loose copies stay near 100 MB at
 * most. git's own policy then does the rest: an incremental repack of the loose objects (each month
 * file delta-compressed against its earlier copies), old unreachable objects pruned, packs merged when
 * more than 50. A fresh .git/gc.log means git found nothing it could pack: we stop asking for a day.
 */
function autoGcWhenLoose(root: string, gitDir: string, blobBytes: number): void {
  const limit = Math.max(1, Math.min(8, Math.floor((1024 * 1024) / Math.max(1, blobBytes))));
  let loose = 0;
  try {
    loose = readdirSync(join(gitDir, "objects", "17")).length;
  } catch {
    return;
  }
  if (loose <= limit) return;
  const log = statSync(join(gitDir, "gc.log"), { throwIfNoEntry: false });
  if (log && Date.now() - log.mtimeMs < 24 * 3600 * 1000) return;
  const { spawn } = process.getBuiltinModule("node:child_process");
  const args = ["-c", `gc.auto=${limit * 256}`, "-c", "gc.autoDetach=false", "gc", "--auto", "--quiet"];
  spawn("git", args, { cwd: root, detached: true, stdio: "ignore", env: childEnv() }).unref();
}

/** A lock file still there this long after a takeover belongs to no running git. */
const LIVE_GIT_GRACE_MS = 1000;

/**
 * Removes the git lock files a killed run left: the fast commit's own (index.lock, the branch's lock)
 * and those of a git child killed with it. Called only while holding the repository lock taken over
 * from a dead mfavault that took it at `since`: a lock file older than that is not the dead run's, and
 * one that goes away within a second belonged to a git still at work. Returns the paths removed.
 */
export function clearLeftoverGitLocks(root: string, since: number): string[] {
  const gitDir = join(root, ".git");
  const names = ["index.lock", "HEAD.lock", "packed-refs.lock", "mfavault-index.lock"];
  try {
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    if (head.startsWith("ref: refs/heads/")) names.push(`${head.slice(5)}.lock`);
  } catch {
    // no HEAD to follow: the fixed names are all there is to check
  }
  const removed: string[] = [];
  const giveUp = Date.now() + LIVE_GIT_GRACE_MS;
  for (const name of names) {
    const path = join(gitDir, name);
    for (;;) {
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st || st.mtimeMs < since - 1000) break;
      if (Date.now() >= giveUp) {
        try {
          unlinkSync(path);
          removed.push(`.git/${name}`);
        } catch {
          // gone at the last moment
        }
        break;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  return removed;
}

export function fastCommitFile(root: string, path: string, message: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const gitDir = join(root, ".git");
  if (!statSync(gitDir, { throwIfNoEntry: false })?.isDirectory()) return null;
  const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
  if (!head.startsWith("ref: refs/heads/")) return null;
  const ref = head.slice(5);
  const ident = committerIdent(root, env);
  if (!ident) return null;

  const indexLock = join(gitDir, "index.lock");
  let lockFd: number;
  try {
    lockFd = openSync(indexLock, "wx", 0o644);
  } catch {
    return null;
  }
  let done = false;
  let refLockOurs = false;
  try {
    const index = parseIndex(readFileSync(join(gitDir, "index")), path);
    const entry = index ? findEntry(index, path) : -1;
    if (!index || !index.tree || index.tree.entryCount < 0 || entry < 0) return null;

    // The cache-tree nodes along the file's directory path, root first.
    const dirs = path.split("/").slice(0, -1);
    const nodes: CacheTreeNode[] = [index.tree];
    for (const name of dirs) {
      const child = nodes[nodes.length - 1]!.children.find((c) => c.name === name);
      if (!child || child.entryCount < 0) return null;
      nodes.push(child);
    }

    const blob = writeLooseBlobFile(gitDir, join(root, path));
    if (!blob) return null;
    updateEntry(index, entry, blob.id, statSync(join(root, path), { bigint: true }));

    let childName: string | null = null;
    let childSha: Buffer | null = null;
    for (let depth = dirs.length; depth >= 0; depth--) {
      const replaced = new Map<string, Buffer>(childName && childSha ? [[childName, childSha]] : []);
      const sha = writeDirTree(gitDir, index, dirs.slice(0, depth).join("/"), nodes[depth]!, replaced);
      if (!sha) return null;
      setTreeSha(index, nodes[depth]!, sha);
      childName = dirs[depth - 1] ?? null;
      childSha = sha;
    }

    const parent = readRef(gitDir, ref);
    if (!parent) return null;
    const when = new Date();
    const author = formatIdent(ident.author, when);
    const committer = formatIdent(ident.committer, when);
    const body = `tree ${childSha!.toString("hex")}\nparent ${parent}\nauthor ${author}\ncommitter ${committer}\n\n${message}\n`;
    const commit = writeLooseObject(gitDir, "commit", Buffer.from(body, "utf8")).toString("hex");

    writeSync(lockFd, serializeIndex(index));
    closeSync(lockFd);
    lockFd = -1;

    // Move the branch: lock file, compare-and-swap on the old value, rename (git's own protocol).
    const refPath = join(gitDir, ref);
    const refLock = `${refPath}.lock`;
    let refFd: number;
    try {
      refFd = openSync(refLock, "wx", 0o644);
      refLockOurs = true;
    } catch {
      return null;
    }
    try {
      if (readRef(gitDir, ref) !== parent) return null;
      writeSync(refFd, `${commit}\n`);
    } finally {
      closeSync(refFd);
    }
    renameSync(refLock, refPath);
    const subject = message.split("\n")[0];
    const log = `${parent} ${commit} ${committer}\tcommit: ${subject}\n`;
    for (const l of [join(gitDir, "logs", ref), join(gitDir, "logs", "HEAD")]) if (existsSync(l)) appendFileSync(l, log);
    renameSync(indexLock, join(gitDir, "index"));
    done = true;
    autoGcWhenLoose(root, gitDir, blob.size);
    return commit;
  } finally {
    if (lockFd! >= 0) closeSync(lockFd!);
    if (!done) {
      try {
        unlinkSync(indexLock);
      } catch {
        // already renamed or removed
      }
      if (refLockOurs) {
        try {
          unlinkSync(join(gitDir, `${ref}.lock`));
        } catch {
          // already renamed into place
        }
      }
    }
  }
}
