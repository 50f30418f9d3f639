// The git the vault repository lives in. Commits are made with plumbing (update-index, write-tree,
// commit-tree, update-ref) on exactly the paths a command changed: no full-tree stat, no hooks, no
// maintenance child, and a compare-and-swap on the branch so a concurrent commit is never overwritten.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { failure } from "../core/errors.js";
import { childEnv } from "../child-env.js";
import { fastCommitFile } from "./git-fast-commit.js";

export interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runGit(cwd: string, args: string[], input?: string, extraEnv: Record<string, string> = {}): GitResult {
  // Loaded on first use: reading a code that needs no commit never pays for child_process.
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const r = spawnSync("git", args, { cwd, input, encoding: "utf8", env: childEnv({ GIT_TERMINAL_PROMPT: "0", ...extraEnv }), maxBuffer: 256 << 20 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw failure(code === "ENOENT" ? "git is not installed or not on PATH: install git and retry" : `git could not run: ${r.error.message}`);
  }
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export function git(cwd: string, args: string[], input?: string, extraEnv?: Record<string, string>): string {
  const r = runGit(cwd, args, input, extraEnv);
  if (r.status !== 0) {
    // git's own "fatal:" line names the file or ref at fault; the last line says what to do about it.
    const lines = r.stderr.trim().split("\n");
    const fatal = lines.find((l) => /^(fatal|error): /.test(l));
    const msg = fatal ? [fatal, ...(lines[lines.length - 1] !== fatal ? [lines[lines.length - 1]] : [])].join(" ") : lines.slice(-3).join(" ");
    if (/tell me who you are|empty ident|user\.email/i.test(msg)) {
      throw failure('git does not know who you are: run git config user.name "Your Name" and git config user.email you@example.com');
    }
    throw failure(`git ${args[0]} failed: ${msg}`);
  }
  return r.stdout;
}

export function gitDir(root: string): string {
  return join(root, ".git");
}

/** The commit HEAD points at, read from .git directly (no process), or null before the first commit. */
export function headCommit(root: string): string | null {
  const dir = gitDir(root);
  const head = readFileSync(join(dir, "HEAD"), "utf8").trim();
  if (!head.startsWith("ref: ")) return head;
  const ref = head.slice(5);
  const loose = join(dir, ref);
  if (existsSync(loose)) return readFileSync(loose, "utf8").trim();
  const packed = join(dir, "packed-refs");
  if (existsSync(packed)) {
    for (const line of readFileSync(packed, "utf8").split("\n")) {
      const [sha, name] = line.split(" ");
      if (name === ref && sha) return sha;
    }
  }
  return null;
}

/**
 * Commits exactly `paths` (added, changed or deleted) with `message`; returns the new commit. Whatever
 * else the user has staged stays staged and out of this commit. With `unlessUnchanged` (replaying a
 * journal whose commit may already exist) a tree equal to HEAD's is not committed again.
 */
export function commitPaths(root: string, paths: string[], message: string, opts: { unlessUnchanged?: boolean } = {}): string {
  // One changed tracked file (an audit line) is committed without starting git; see git-fast-commit.ts.
  // It declines (null) whenever the index holds anything staged, so it never sweeps foreign changes in.
  if (paths.length === 1 && !opts.unlessUnchanged) {
    const fast = fastCommitFile(root, paths[0]!, message);
    if (fast) return fast;
  }
  const parent = headCommit(root);
  const list = paths.map((p) => `${p}\0`).join("");
  const foreign = stagedPaths(root).filter((p) => !paths.includes(p));
  let tree: string;
  if (foreign.length === 0) {
    git(root, ["update-index", "--add", "--remove", "-z", "--stdin"], list);
    tree = git(root, ["write-tree"]).trim();
  } else {
    // Build the commit's tree in a scratch index that starts from HEAD, then stage our paths in the real one.
    const scratch = join(gitDir(root), "mfavault-index");
    const env = { GIT_INDEX_FILE: scratch };
    try {
      git(root, ["read-tree", parent!], undefined, env);
      git(root, ["update-index", "--add", "--remove", "-z", "--stdin"], list, env);
      tree = git(root, ["write-tree"], undefined, env).trim();
    } finally {
      rmSync(scratch, { force: true });
    }
    git(root, ["update-index", "--add", "--remove", "-z", "--stdin"], list);
  }
  if (opts.unlessUnchanged && parent && git(root, ["rev-parse", `${parent}^{tree}`]).trim() === tree) return parent;
  const commit = git(root, ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-F", "-"], `${message}\n`).trim();
  git(root, ["update-ref", "-m", `mfavault: ${message.split("\n")[0]}`, "HEAD", commit, parent ?? "0".repeat(40)]);
  return commit;
}

/** Paths (of those given) with uncommitted changes in the work tree or the index. */
export function dirtyPaths(root: string, paths: string[]): string[] {
  const out = git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...paths]);
  return out
    .split("\0")
    .filter((l) => l.length > 3)
    .map((l) => l.slice(3));
}

/** Paths staged in the index that differ from HEAD: a commit of ours would sweep them in. */
export function stagedPaths(root: string): string[] {
  if (!headCommit(root)) return [];
  return git(root, ["diff", "--cached", "--name-only", "-z"]).split("\0").filter(Boolean);
}

export function remoteUrl(root: string): string | undefined {
  try {
    const config = readFileSync(join(gitDir(root), "config"), "utf8");
    const m = /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(config);
    return m?.[1]?.replace(/\/\/[^/@]*@/, "//");
  } catch {
    return undefined;
  }
}
