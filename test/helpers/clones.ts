// A team working on several clones of one vault repository: a bare repository as the shared remote,
// alice's first clone (where init ran) and one more clone per engineer (or per machine).
import { execaSync } from "execa";
import { join } from "node:path";
import { expect } from "vitest";
import { baseEnv, SEEDS, teamWorld, type RunResult, type World } from "./world.js";

export interface CloneWorld extends World {
  remote: string;
  /** Makes a fresh clone of the remote; returns its directory. */
  clone(dir: string): string;
  /** Runs the CLI as `as` in the clone `dir`. */
  runIn(dir: string, as: string | null, args: string[], opts?: { input?: string; env?: Record<string, string | undefined> }): Promise<RunResult>;
  gitIn(dir: string, args: string[]): string;
}

export async function cloneWorld(names: string[]): Promise<CloneWorld> {
  const w = (await teamWorld(names)) as CloneWorld;
  w.remote = join(w.dir, "remote.git");
  const env = { ...baseEnv(w.home) };
  execaSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", w.remote], { env, extendEnv: false });
  w.gitIn = (dir, args) => String(execaSync("git", args, { cwd: dir, env, extendEnv: false }).stdout);
  w.gitIn(w.repo, ["remote", "add", "origin", w.remote]);
  w.clone = (name) => {
    const dir = join(w.dir, name);
    execaSync("git", ["clone", "--quiet", w.remote, dir], { env, extendEnv: false });
    return dir;
  };
  w.runIn = (dir, as, args, opts = {}) => w.run(as, args, { ...opts, env: { MFAVAULT_DIR: dir, ...opts.env } });
  return w;
}

/** Awaits a run and expects it to succeed (its stderr shown when it does not). */
export async function ok(p: Promise<RunResult>): Promise<RunResult> {
  const r = await p;
  expect(r.exitCode, r.stderr).toBe(0);
  return r;
}

/**
 * alice, bob and carol on one remote: alice's clone has acme (read by alice and bob) with acme/aws and has
 * pushed it; `who` has a second clone, `dir`, synced. Returns the world, alice's clone and that clone.
 */
export async function sharedAcmeWorld(who: string, dir: string): Promise<{ w: CloneWorld; a: string; other: string }> {
  const w = await cloneWorld(["alice", "bob", "carol"]);
  const a = w.repo;
  await ok(w.runIn(a, "alice", ["client", "add", "acme", "--grant", "bob"]));
  await ok(w.runIn(a, "alice", ["add", "acme/aws", "--secret-stdin"], { input: SEEDS.aws }));
  await ok(w.runIn(a, "alice", ["sync"]));
  const other = w.clone(dir);
  await ok(w.runIn(other, who, ["sync"]));
  return { w, a, other };
}
