// Malicious repository content, as a pull request could bring it: symbolic links pointing outside the
// repository (folders and files, for reading and for writing), named pipes and huge files where small
// ones belong, and names with "..", NUL, terminal escapes or look-alike letters. Each is refused (or,
// for free text, escaped); nothing is read or written outside the repository; nothing hangs.
import { execaSync } from "execa";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
let head: string;
let outside: string;

beforeAll(async () => {
  w = await teamWorld(["alice", "bob"]);
  await w.run("alice", ["client", "add", "acme", "--grant", "bob"]);
  await w.run("alice", ["add", "acme/aws", "--secret-stdin"], { input: SEEDS.aws });
  head = w.git(["rev-parse", "HEAD"]);
  outside = join(w.dir, "outside");
  mkdirSync(outside);
});
afterAll(() => w.cleanup());

/** Restores the repository to the last commit, removing anything a test planted. */
function reset() {
  w.git(["reset", "-q", "--hard", head]);
  w.git(["clean", "-qfdx"]);
  expect(w.git(["status", "--porcelain", "--untracked-files=all"])).toBe("");
}

function refusedCleanly(r: { exitCode: number; stdout: string; stderr: string }, exit: number, message: RegExp) {
  expect(r.exitCode, r.stderr).toBe(exit);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at |unexpected error/);
  expect(r.stdout + r.stderr).not.toContain("\u001b");
  expect(r.stdout + r.stderr).not.toContain(SEEDS.aws);
  expect(w.git(["rev-parse", "HEAD"])).toBe(head);
}

describe("symbolic links pointing outside the repository", () => {
  it("a client folder that is a link: nothing is written through it, nothing read", async () => {
    const target = join(outside, "evil-dir");
    mkdirSync(target);
    // Committed, as a merged pull request would bring it.
    symlinkSync(target, join(w.repo, "clients/evil"));
    w.git(["add", "clients/evil"]);
    w.git(["commit", "-qm", "a link"]);
    const start = head;
    head = w.git(["rev-parse", "HEAD"]);
    const add = await w.run("alice", ["client", "add", "evil"]);
    refusedCleanly(add, 5, /clients\/evil is a symbolic link: mfavault writes no file through a link/);
    expect(readdirSync(target)).toEqual([]);
    // With a copy of a real vault behind it, reads are refused too, and listings do not show it.
    for (const f of ["vault.age", "manifest.json", "recipients"]) cpSync(join(w.repo, "clients/acme", f), join(target, f));
    refusedCleanly(await w.run("alice", ["code", "evil/aws"]), 5, /clients\/evil\/vault\.age is a symbolic link \(or lies under one\)/);
    const list = await w.run("alice", ["client", "list", "--json"]);
    expect(JSON.parse(list.stdout).map((r: { vault: string }) => r.vault)).toEqual(["acme"]);
    const revoke = await w.run("alice", ["revoke", "bob", "--all"]);
    expect(revoke.exitCode, revoke.stderr).toBe(0);
    expect(readFileSync(join(target, "recipients"), "utf8")).toContain("bob");
    head = start;
    reset();
  });

  it("an audit folder that is a link: no line written there, so no code", async () => {
    const target = join(outside, "audit-alice");
    renameSync(join(w.repo, "audit/alice"), target);
    symlinkSync(target, join(w.repo, "audit/alice"));
    const before = readdirSync(target).map((f) => readFileSync(join(target, f), "utf8")).join("");
    const r = await w.run("alice", ["code", "acme/aws"]);
    refusedCleanly(r, 5, /audit\/alice is a symbolic link/);
    expect(r.stdout).toBe("");
    expect(readdirSync(target).map((f) => readFileSync(join(target, f), "utf8")).join("")).toBe(before);
    const add = await w.run("alice", ["add", "acme/new", "--secret-stdin"], { input: SEEDS.github });
    refusedCleanly(add, 5, /audit\/alice is a symbolic link/);
    rmSync(join(w.repo, "audit/alice"));
    renameSync(target, join(w.repo, "audit/alice"));
    reset();
  });

  it("a vault.age that links to a named pipe or a device: refused at once, never waited on", async () => {
    const fifo = join(outside, "pipe");
    execaSync("mkfifo", [fifo]);
    for (const target of [fifo, "/dev/zero"]) {
      rmSync(join(w.repo, "clients/acme/vault.age"));
      symlinkSync(target, join(w.repo, "clients/acme/vault.age"));
      const t0 = Date.now();
      refusedCleanly(await w.run("alice", ["code", "acme/aws"]), 5, /clients\/acme\/vault\.age is a symbolic link/);
      expect(Date.now() - t0).toBeLessThan(5000);
    }
    reset();
  });

  it("a card or the repository settings linking to a secret outside: refused, the secret never printed", async () => {
    const secret = join(w.home, "id_fake");
    writeFileSync(secret, '{"name":"mallory","secret":"AGE-SECRET-KEY-1NOTREALBUTSECRET"}\n');
    symlinkSync(secret, join(w.repo, "team/mallory.json"));
    const r = await w.run("alice", ["team", "list"]);
    refusedCleanly(r, 5, /team\/mallory\.json is a symbolic link/);
    expect(r.stdout + r.stderr).not.toContain("NOTREALBUTSECRET");
    rmSync(join(w.repo, "team/mallory.json"));
    renameSync(join(w.repo, "mfavault.json"), join(outside, "mfavault.json"));
    symlinkSync(join(outside, "mfavault.json"), join(w.repo, "mfavault.json"));
    refusedCleanly(await w.run("alice", ["code", "acme/aws"]), 5, /mfavault\.json is a symbolic link/);
    rmSync(join(w.repo, "mfavault.json"));
    renameSync(join(outside, "mfavault.json"), join(w.repo, "mfavault.json"));
    reset();
  });

  it("export --out naming a link (even a dangling one) is refused before anything is audited", async () => {
    const link = join(w.dir, "out.csv");
    symlinkSync(join(outside, "where-the-link-points.csv"), link);
    const r = await w.run("alice", ["export", "acme", "--format", "csv", "--plaintext", "--out", link]);
    refusedCleanly(r, 1, /out\.csv is a symbolic link: seeds are never written through a link/);
    expect(existsSync(join(outside, "where-the-link-points.csv"))).toBe(false);
    rmSync(link);
    reset();
  });
});

describe("huge files where small ones belong", () => {
  it.each([
    ["clients/acme/manifest.json", ["add", "acme/new", "--secret-stdin"], /clients\/acme\/manifest\.json is 300\.0 MB, over the 1 MB limit/],
    ["team/bob.json", ["code", "acme/aws"], /team\/bob\.json is 300\.0 MB, over the 1 MB limit/],
    ["mfavault.json", ["code", "acme/aws"], /mfavault\.json is 300\.0 MB, over the 1 MB limit/],
    ["clients/acme/recipients", ["add", "acme/new", "--secret-stdin"], /clients\/acme\/recipients is 300\.0 MB, over the 1 MB limit/],
  ])("%s of 300 MB is refused at once", async (file, args, message) => {
    truncateSync(join(w.repo, file), 300 << 20);
    const t0 = Date.now();
    const r = await w.run("alice", args as string[], { input: SEEDS.github });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.exitCode, r.stderr).toBe(5);
    expect(r.stderr).toMatch(message as RegExp);
    reset();
  });

  it("an audit month file of 300 MB without a line end: no code, a clear message, quickly; audit verify reports it", async () => {
    const file = readdirSync(join(w.repo, "audit/alice"))[0]!;
    truncateSync(join(w.repo, "audit/alice", file), 300 << 20);
    const t0 = Date.now();
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.exitCode).toBe(5);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/audit\/alice\/.*\.jsonl: its last 32 MB hold no complete audit line/);
    const verify = await w.run("alice", ["audit", "verify"]);
    expect(verify.exitCode).toBe(6);
    expect(verify.stdout + verify.stderr).toMatch(/over the 64 MB limit/);
    reset();
  });
});

describe("hostile names", () => {
  it.each([
    [["client", "add", "../escape"], /invalid vault "\.\.\/escape"/],
    [["client", "add", "acme/.."], /must not contain "\.\."/],
    [["add", "acme/..", "--secret-stdin"], /must not contain "\.\."/],
    [["client", "add", "\u0430cme"], /invalid vault "\u0430cme"/], // Cyrillic а, a look-alike of acme
    [["client", "add", "x", "--grant", "b\u043eb"], /invalid engineer name "b\u043eb"/], // Cyrillic о
    [["client", "add", "evil\u001b[2J"], /invalid vault "evil\\x1b\[2J"/],
    [["add", "acme/\u202egnp.exe", "--secret-stdin"], /invalid entry name "\\u202egnp\.exe"/],
    [["code", "acme/aws\u0007"], /invalid entry name "aws\\x07"/],
  ])("%j is refused, and shown escaped", async (args, message) => {
    const r = await w.run("alice", args as string[], { input: SEEDS.github });
    refusedCleanly(r, 5, message as RegExp);
    expect(existsSync(join(w.dir, "escape"))).toBe(false);
  });

  it("folders and card files a pull request named with escapes or look-alikes are no vaults and no cards", async () => {
    for (const name of ["evil\u001b]0;pwned\u0007", "\u0430cme", "UPPER"]) {
      mkdirSync(join(w.repo, "clients", name));
      for (const f of ["vault.age", "manifest.json", "recipients"]) cpSync(join(w.repo, "clients/acme", f), join(w.repo, "clients", name, f));
      writeFileSync(join(w.repo, "team", `${name}.json`), readFileSync(join(w.repo, "team/bob.json")));
    }
    for (const args of [["client", "list"], ["team", "list"], ["status"], ["list"], ["revoke", "bob", "--all"]]) {
      const r = await w.run("alice", args);
      expect(r.exitCode, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr).not.toContain("\u001b");
      expect(r.stdout + r.stderr).not.toContain("\u0430cme");
      expect(r.stdout + r.stderr).not.toContain("UPPER");
    }
    reset();
  });

  it("a recipients file with NUL and escapes is refused with the line named and the bytes shown escaped", async () => {
    writeFileSync(join(w.repo, "clients/acme/recipients"), "alice\nbob\u0000\u001b[31m\n");
    const r = await w.run("alice", ["add", "acme/new", "--secret-stdin"], { input: SEEDS.github });
    refusedCleanly(r, 5, /clients\/acme\/recipients:2: invalid engineer name "bob\\x00\\x1b\[31m"/);
    reset();
  });
});
