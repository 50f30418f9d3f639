// Bad input gets a clear error with the documented exit code, and changes nothing.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
let head: string;
beforeAll(async () => {
  w = await teamWorld(["alice", "bob"]);
  await w.run("alice", ["client", "add", "acme"]);
  await w.run("alice", ["add", "acme/aws", "--secret-stdin"], { input: SEEDS.aws });
  head = w.git(["rev-parse", "HEAD"]);
});
afterAll(() => w.cleanup());

function unchanged() {
  expect(w.git(["rev-parse", "HEAD"])).toBe(head);
  expect(w.git(["status", "--porcelain"])).toBe("");
}

describe("bad input", () => {
  it.each([
    [["add", "acme/x", "--secret-stdin"], "JBSWY3DPEHPK3PX1", 5, /invalid base32 seed: character 16/],
    [["add", "acme/x", "--secret-stdin"], "", 5, /no seed on stdin/],
    [["add", "../etc/x", "--secret-stdin"], SEEDS.aws, 5, /invalid vault/],
    [["add", "acme/../x", "--secret-stdin"], SEEDS.aws, 5, /must not contain/],
    [["add", "acme/Bad\u001b[31m", "--secret-stdin"], SEEDS.aws, 5, /\\x1b/],
    [["add", "acme/x", "--secret-stdin", "--digits", "5"], SEEDS.aws, 5, /digits must be 6 to 10/],
    [["add", "acme/aws", "--secret-stdin"], SEEDS.aws, 1, /already exists/],
    [["add", "nope/x", "--secret-stdin"], SEEDS.aws, 3, /no vault "nope"/],
    [["code", "acme/nope"], "", 3, /no entry "nope"/],
    [["code", "acme"], "", 5, /not an entry address/],
    [["client", "add", "/abs"], "", 5, /absolute/],
    [["frobnicate"], "", 2, /unknown command/],
    [["add", "acme/x", "--secret", "JBSWY3DPEHPK3PXP"], "", 2, /unknown option/],
  ])("%j → exit %i", async (args, input, exit, message) => {
    const r = await w.run("alice", args as string[], { input: input as string });
    expect(r.exitCode).toBe(exit);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).not.toContain("JBSWY3DPEHPK3PX1");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain("\u001b");
    unchanged();
  });

  it("refuses a vault file that is not age, naming the file and the way back", async () => {
    const path = join(w.repo, "clients/acme/vault.age");
    writeFileSync(path, "not an age file\n");
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/clients\/acme\/vault.age: not an age file.*git checkout/);
    w.git(["checkout", "--", "clients/acme/vault.age"]);
    unchanged();
  });

  it("refuses a foreign age file (encrypted to someone else) with the no-access code", async () => {
    const { execaSync } = await import("execa");
    const path = join(w.repo, "clients/acme/vault.age");
    execaSync("age", ["-e", "-a", "-r", w.engineers.get("bob")!.recipient, "-o", path], { input: "{}" });
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode).toBe(4);
    w.git(["checkout", "--", "clients/acme/vault.age"]);
    unchanged();
  });

  it("says what to do when no identity is configured", async () => {
    const r = await w.run(null, ["code", "acme/aws"]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/no age identity: set MFAVAULT_IDENTITY_FILE/);
    unchanged();
  });

  it("refuses to run outside a vault repository", async () => {
    const r = await w.run("alice", ["list"], { env: { MFAVAULT_DIR: w.dir } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/not a vault repository/);
  });

  it("never prints terminal escapes from free text", async () => {
    const r = await w.run("alice", ["add", "acme/esc", "--secret-stdin", "--issuer", "Evil\u001b]0;pwned\u0007Co"], { input: SEEDS.aws });
    expect(r.exitCode).toBe(0);
    const list = await w.run("alice", ["list", "acme"]);
    expect(list.stdout).toContain("Evil\\x1b]0;pwned\\x07Co");
    expect(list.stdout).not.toContain("\u001b");
    head = w.git(["rev-parse", "HEAD"]);
  });
});

describe("a dirty tree", () => {
  it("refuses to write over uncommitted changes in the files it would touch, and loses nothing", async () => {
    const { execaSync } = await import("execa");
    const { readFileSync } = await import("node:fs");
    const path = join(w.repo, "clients/acme/vault.age");
    const plain = (await w.run("alice", ["show", "acme/aws", "--json"])).stdout;
    expect(plain).toContain("acme/aws");
    head = w.git(["rev-parse", "HEAD"]);
    // A valid but uncommitted re-encryption, as someone might make by hand.
    const doc = execaSync("age", ["-d", "-i", w.engineers.get("alice")!.keyFile, path]).stdout;
    execaSync("age", ["-e", "-a", "-r", w.engineers.get("alice")!.recipient, "-o", path], { input: doc });
    const mine = readFileSync(path, "utf8");
    const r = await w.run("alice", ["add", "acme/new", "--secret-stdin"], { input: SEEDS.github });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/uncommitted changes in clients\/acme\/vault.age/);
    expect(readFileSync(path, "utf8")).toBe(mine);
    expect(w.git(["rev-parse", "HEAD"])).toBe(head);
    w.git(["checkout", "--", "clients/acme/vault.age"]);
  });
});

describe("hostile repository content", () => {
  it("refuses to read a team card through a symbolic link pointing outside the repository", async () => {
    const { symlinkSync, renameSync } = await import("node:fs");
    const outside = join(w.dir, "outside.json");
    writeFileSync(outside, readFileSync(join(w.repo, "team/bob.json"), "utf8"));
    renameSync(join(w.repo, "team/bob.json"), join(w.dir, "bob.json.bak"));
    symlinkSync(outside, join(w.repo, "team/bob.json"));
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/team\/bob.json is a symbolic link/);
    w.git(["checkout", "--", "team/bob.json"]);
  });

  it("refuses a huge vault.age at once instead of reading it into memory", async () => {
    const { truncateSync } = await import("node:fs");
    const path = join(w.repo, "clients/acme/vault.age");
    truncateSync(path, 500 << 20);
    const t0 = Date.now();
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/clients\/acme\/vault.age is 500.0 MB, over the 64 MB limit/);
    expect(Date.now() - t0).toBeLessThan(5000);
    w.git(["checkout", "--", "clients/acme/vault.age"]);
  });
});

