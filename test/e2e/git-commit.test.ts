// Commits made without starting git (the audit line of a code read) must be exactly what git would make,
// and no commit of ours may sweep in what the user staged.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsWorld, SEEDS, type World } from "../helpers/world.js";

let w: World;
beforeAll(async () => {
  w = await awsWorld();
});
afterAll(() => w.cleanup());

function assertSound(expectedFiles: string[]) {
  expect(w.git(["status", "--porcelain"])).toBe("");
  expect(w.git(["fsck", "--strict", "--no-dangling"])).toBe("");
  // The tree git computes from the index is the tree we committed.
  expect(w.git(["write-tree"])).toBe(w.git(["rev-parse", "HEAD^{tree}"]));
  expect(w.git(["diff", "--name-only", "HEAD~1", "HEAD"]).split("\n")).toEqual(expectedFiles);
}

describe("the audit commit of a code read", () => {
  it("is a well-formed commit of the audit file alone, with a reflog entry and the configured author", async () => {
    const before = w.git(["rev-parse", "HEAD"]);
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    assertSound([`audit/alice/${new Date().toISOString().slice(0, 7)}.jsonl`]);
    expect(w.git(["rev-parse", "HEAD~1"])).toBe(before);
    expect(w.git(["log", "-1", "--format=%an <%ae>|%s"])).toBe("Test <test@example.invalid>|audit: alice code acme/aws");
    expect(w.git(["reflog", "-1", "--format=%gs"])).toBe("commit: audit: alice code acme/aws");
  });

  it("still commits correctly after git gc packed every object and ref", async () => {
    w.git(["gc", "--quiet", "--aggressive"]);
    w.git(["pack-refs", "--all"]);
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    assertSound([`audit/alice/${new Date().toISOString().slice(0, 7)}.jsonl`]);
  });

  it("leaves what the user staged staged, and out of its commit", async () => {
    writeFileSync(join(w.repo, "NOTES.md"), "mine\n");
    w.git(["add", "NOTES.md"]);
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(w.git(["diff", "--name-only", "HEAD~1", "HEAD"])).toMatch(/^audit\/alice\/.*\.jsonl$/);
    expect(w.git(["diff", "--cached", "--name-only"])).toBe("NOTES.md");
    const add = await w.run("alice", ["add", "acme/gh", "--secret-stdin"], { input: SEEDS.github });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(w.git(["diff", "--name-only", "HEAD~1", "HEAD"]).split("\n")).not.toContain("NOTES.md");
    expect(w.git(["diff", "--cached", "--name-only"])).toBe("NOTES.md");
    w.git(["rm", "-q", "-f", "NOTES.md"]);
  });

  it("stores a month file grown past 64 KB (several stored zlib blocks, one Adler-32), and git reads it back", async () => {
    const month = `audit/alice/${new Date().toISOString().slice(0, 7)}.jsonl`;
    const path = join(w.repo, month);
    const { readFileSync } = await import("node:fs");
    // Filler ahead of the real lines: only the size matters to git here (audit verify is tested elsewhere).
    writeFileSync(path, `${"x".repeat(100)}\n`.repeat(800) + readFileSync(path, "utf8"));
    w.git(["commit", "-q", "-m", "filler", "--", month]);
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    assertSound([month]);
    expect(w.git(["show", `HEAD:${month}`]).split("\n").length).toBeGreaterThan(800);
  });

  it("has git pack its loose objects in the background once objects/17 fills up", async () => {
    // Nine loose objects in objects/17, the directory git samples, made old enough for git to prune.
    const dir = join(w.repo, ".git/objects/17");
    const filler: string[] = [];
    for (let i = 0; filler.length < 9; i++) {
      const body = `filler ${i}\n`;
      const id = createHash("sha1").update(`blob ${body.length}\0${body}`).digest("hex");
      if (!id.startsWith("17")) continue;
      expect(w.git(["hash-object", "-w", "--stdin"], body)).toBe(id);
      filler.push(join(dir, id.slice(2)));
    }
    const monthAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    for (const f of filler) utimesSync(f, monthAgo, monthAgo);
    const looseIds = () =>
      readdirSync(join(w.repo, ".git/objects"))
        .filter((d) => /^[0-9a-f]{2}$/.test(d))
        .flatMap((d) => readdirSync(join(w.repo, ".git/objects", d)).map((f) => d + f));
    expect(looseIds().length).toBeGreaterThan(9);

    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (let waited = 0; filler.some((f) => existsSync(f)) && waited < 20_000; waited += 100) await new Promise((done) => setTimeout(done, 100));
    expect(filler.filter((f) => existsSync(f))).toEqual([]);
    // Everything the history reaches is in a pack now (what stays loose is young and unreachable).
    for (let waited = 0; existsSync(join(w.repo, ".git/gc.pid")) && waited < 20_000; waited += 100) await new Promise((done) => setTimeout(done, 100));
    const reachable = new Set(w.git(["rev-list", "--objects", "--all"]).split("\n").map((l) => l.slice(0, 40)));
    expect(looseIds().filter((id) => reachable.has(id))).toEqual([]);
    expect(Number(/^in-pack: (\d+)/m.exec(w.git(["count-objects", "-v"]))![1])).toBeGreaterThan(0);
    assertSound([`audit/alice/${new Date().toISOString().slice(0, 7)}.jsonl`]);
  });

  it("builds the right trees beside paths that sort around its own, without starting git", async () => {
    // Names just before and after "audit/" and "audit/alice/" in git's byte order, and more vaults.
    for (const v of ["beta", "acme/prod", "zeta"]) expect((await w.run("alice", ["client", "add", v])).exitCode).toBe(0);
    const files = ["audit-notes.md", "audit.md", "audit0/x", "audit/alice-notes/x", "audit/alice.md", "audit/alice0/x", "docs/clients.md"];
    for (const f of files) {
      mkdirSync(join(w.repo, f, ".."), { recursive: true });
      writeFileSync(join(w.repo, f), `${f}\n`);
    }
    w.git(["add", "--", ...files]);
    w.git(["commit", "-q", "-m", "neighbours"]);
    // No git on PATH: the commit must be the in-process one (the git fallback would fail).
    const bin = join(w.dir, "node-only");
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, "node"));
    const r = await w.run("alice", ["code", "acme/aws"], { env: { PATH: bin } });
    expect(r.exitCode, r.stderr).toBe(0);
    assertSound([`audit/alice/${new Date().toISOString().slice(0, 7)}.jsonl`]);
  });

  it("commits on a detached HEAD too (through git)", async () => {
    w.git(["checkout", "-q", "--detach"]);
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(w.git(["log", "-1", "--format=%s"])).toBe("audit: alice code acme/aws");
    w.git(["checkout", "-q", "-B", "main"]);
  });
});
