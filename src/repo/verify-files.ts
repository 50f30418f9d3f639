// Where `verify` reads files from: the work tree (a CI checkout) or the index (what a commit would
// record). Either way as untrusted input: no symlinks followed, regular files only, sizes bounded.
import { closeSync, constants, fstatSync, openSync, readSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { badInput } from "../core/errors.js";
import { readRepoBytes } from "./repo-file.js";

export interface FileSource {
  /** A file mfavault parses; null when absent; throws for a link, a non-file or a file over `limit`. */
  read(path: string, limit: number): Buffer | null;
  /** Up to `limit` bytes of any file, for the seed scan; null when absent, a link or not a regular file. */
  head(path: string, limit: number): Buffer | null;
}

export function workTreeFiles(root: string): FileSource {
  return {
    read(path, limit) {
      try {
        return readRepoBytes(root, path, limit);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
    },
    head(path, limit) {
      let fd: number;
      try {
        // A tracked symlink's content in git is only its target's name; never follow it out of the repo.
        fd = openSync(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch {
        return null;
      }
      try {
        const st = fstatSync(fd);
        if (!st.isFile()) return null;
        const buf = Buffer.alloc(Math.min(st.size, limit));
        let off = 0;
        while (off < buf.length) {
          const n = readSync(fd, buf, off, buf.length - off, off);
          if (n === 0) break;
          off += n;
        }
        return buf.subarray(0, off);
      } finally {
        closeSync(fd);
      }
    },
  };
}

export function indexFiles(files: Map<string, Buffer | null>): FileSource {
  return {
    read(path, limit) {
      const buf = files.get(path) ?? null;
      if (buf && buf.length > limit) throw badInput(`${path} is ${(buf.length / (1 << 20)).toFixed(1)} MB, over the ${limit >> 20 || 1} MB limit for this kind of file: refusing to read it`);
      return buf;
    },
    head: (path, limit) => files.get(path)?.subarray(0, limit) ?? null,
  };
}

/** Every regular file under root but .git, for a repository that is not (or not yet) a git work tree. */
export function walkFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)).split("\\").join("/"))
    .filter((p) => p !== ".git" && !p.startsWith(".git/"))
    .sort();
}
