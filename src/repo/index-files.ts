// Files as git holds them: the tracked paths, the staged ones, and file contents read from the index
// (what a commit would record) in one `git cat-file --batch` run rather than one `git show :path` each.
import { childEnv } from "../child-env.js";
import { failure } from "../core/errors.js";
import { runGit } from "./git.js";

const nulList = (out: string) => out.split("\0").filter(Boolean);

/** Every path in the index, or null when `root` is not a git work tree. */
export function trackedPaths(root: string): string[] | null {
  const r = runGit(root, ["ls-files", "-z"]);
  return r.status === 0 ? nulList(r.stdout) : null;
}

/** Paths whose staged content differs from HEAD (added, changed or deleted); works before the first commit. */
export function stagedChanges(root: string): string[] {
  const r = runGit(root, ["diff", "--cached", "--name-only", "--no-renames", "--relative", "-z"]);
  if (r.status !== 0) throw failure(`git diff --cached failed: ${r.stderr.trim().split("\n").pop()} (is ${root} a git work tree?)`);
  return nulList(r.stdout);
}

/** The staged content of each path, byte for byte; null for a path the index does not hold. */
export function readIndexFiles(root: string, paths: string[]): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>();
  // cat-file --batch reads one name a line: a path with a newline cannot be asked for (mfavault never makes one).
  const asked = paths.filter((p) => !p.includes("\n"));
  for (const p of paths) if (p.includes("\n")) out.set(p, null);
  if (asked.length === 0) return out;
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const r = spawnSync("git", ["cat-file", "--batch"], { cwd: root, input: asked.map((p) => `:./${p}\n`).join(""), maxBuffer: 1 << 30, env: childEnv() });
  if (r.error || r.status !== 0) throw failure(`git cat-file could not read the index: ${String(r.error?.message ?? r.stderr)}`);
  const data = r.stdout;
  let pos = 0;
  for (const p of asked) {
    const nl = data.indexOf(0x0a, pos);
    const head = data.subarray(pos, nl).toString("utf8");
    pos = nl + 1;
    if (head.endsWith(" missing") || head.endsWith(" ambiguous")) {
      out.set(p, null);
      continue;
    }
    const size = Number(head.split(" ")[2]);
    out.set(p, data.subarray(pos, pos + size));
    pos += size + 1;
  }
  return out;
}
