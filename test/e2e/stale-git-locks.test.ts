// The git lock files a `code` killed inside its fast commit leaves (.git/index.lock, the branch's lock):
// the next command removes them once it has taken over the repository lock of the dead run, and says so;
// a lock older than that run, or one a live git still holds, is never removed.
import { execa, execaSync } from "execa";
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsWorld, baseEnv, BIN, type World } from "../helpers/world.js";

let w: World;
let base: string;
beforeAll(async () => {
  w = await awsWorld();
  base = w.git(["rev-parse", "HEAD"]);
});
afterAll(() => w.cleanup());

const entries = ["acme/aws"];
const gitDir = (...p: string[]) => join(w.repo, ".git", ...p);
const lockFiles = () => ["index.lock", "HEAD.lock", "refs/heads/main.lock", "mfavault.lock"].filter((f) => existsSync(gitDir(f)));
const run = (args: string[]) => execa("node", [BIN, ...args], { env: { ...baseEnv(w.home), MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile }, extendEnv: false, reject: false, cwd: w.dir });

function restore() {
  for (const f of lockFiles()) rmSync(gitDir(f));
  w.git(["reset", "-q", "--hard", base]);
}

describe("git lock files a killed fast commit leaves", () => {
  function deadPid(): number {
    return Number(execaSync("node", ["-e", "process.stdout.write(String(process.pid))"]).stdout);
  }

  it("are removed by the next command, which says so, when the run that made them is dead", async () => {
    restore();
    // As a `code` killed inside its fast commit leaves them: the repository lock, the index lock, the branch lock.
    writeFileSync(gitDir("mfavault.lock"), `${deadPid()} ${hostname()} ${Date.now() - 50}`);
    writeFileSync(gitDir("index.lock"), readFileSync(gitDir("index")));
    writeFileSync(gitDir("refs/heads/main.lock"), `${"1".repeat(40)}\n`);
    const r = await run(["code", entries[0]!]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/mfavault: note: removed \.git\/index\.lock, \.git\/refs\/heads\/main\.lock left by an mfavault that was killed \(pid \d+\)/);
    expect(lockFiles()).toEqual([]);
    expect(w.git(["status", "--porcelain"])).toBe("");
    expect(w.git(["log", "-1", "--format=%s"])).toBe(`audit: alice code ${entries[0]}`);
  });

  it("are left alone when they are older than the dead run (someone else's), and git's own message is passed on", async () => {
    restore();
    writeFileSync(gitDir("mfavault.lock"), `${deadPid()} ${hostname()} ${Date.now() - 50}`);
    writeFileSync(gitDir("index.lock"), "");
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(gitDir("index.lock"), hourAgo, hourAgo);
    const r = await run(["code", entries[0]!]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/Unable to create '.*\.git\/index\.lock': File exists.*remove the file manually/);
    expect(statSync(gitDir("index.lock")).mtimeMs).toBeLessThan(Date.now() - 3_000_000);
  });

  it("wait for a git that is still at work instead of removing its lock", async () => {
    restore();
    writeFileSync(gitDir("mfavault.lock"), `${deadPid()} ${hostname()} ${Date.now() - 50}`);
    writeFileSync(gitDir("index.lock"), "");
    // A git that holds the index lock for 300 ms more, then lets go, as a child of the killed run would.
    setTimeout(() => rmSync(gitDir("index.lock"), { force: true }), 300);
    const r = await run(["code", entries[0]!]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/removed/);
    expect(w.git(["status", "--porcelain"])).toBe("");
  });
});
