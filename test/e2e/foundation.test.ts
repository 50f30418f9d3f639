// The first walk, end to end from the built CLI: init → team → client → add → code, against real git,
// the real age CLI and oathtool.
import { execaSync } from "execa";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ageDecrypt, oathtoolTotp, readRepoFile, SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
beforeAll(async () => {
  w = await teamWorld(["alice", "bob", "carol"]);
});
afterAll(() => w.cleanup());

describe("the first walk", () => {
  it("init made a git repo with mfavault.json, alice's card and one commit per change", () => {
    expect(JSON.parse(readRepoFile(w, "mfavault.json")).version).toBe(1);
    const card = JSON.parse(readRepoFile(w, "team/alice.json"));
    expect(card).toMatchObject({ name: "alice", recipient: w.engineers.get("alice")!.recipient, status: "active" });
    expect(card.signingKey).toMatch(/^ed25519:/);
    expect(w.git(["log", "--format=%s"]).split("\n")).toEqual(["team: add carol", "team: add bob", "init: vault repository, first engineer alice"]);
    expect(w.git(["status", "--porcelain"])).toBe("");
  });

  it("creates a client and a scope with recipients, vault.age and a signed manifest", async () => {
    expect((await w.run("alice", ["client", "add", "acme", "--grant", "bob"])).exitCode).toBe(0);
    expect((await w.run("alice", ["client", "add", "acme/prod"])).exitCode).toBe(0);
    for (const f of ["recipients", "vault.age", "manifest.json"]) expect(existsSync(join(w.repo, "clients/acme", f))).toBe(true);
    expect(readRepoFile(w, "clients/acme/recipients")).toMatch(/^alice\nbob\n$/m);
    const manifest = JSON.parse(readRepoFile(w, "clients/acme/manifest.json"));
    expect(manifest).toMatchObject({ vault: "acme", stanzas: 2, writer: "alice" });
    expect(manifest.recipients.map((r: { name: string }) => r.name)).toEqual(["alice", "bob"]);
    expect(readRepoFile(w, "clients/acme/vault.age")).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
  });

  it("adds a seed from stdin and an otpauth URI, never taking a seed from argv", async () => {
    const add = await w.run("alice", ["add", "acme/aws", "--secret-stdin", "--issuer", "Amazon Web Services", "--account", "root@acme"], { input: `${SEEDS.aws}\n` });
    expect(add.exitCode, add.stderr).toBe(0);
    const uri = `otpauth://totp/GitHub:ops%40acme?secret=${SEEDS.github}&issuer=GitHub&digits=8&algorithm=SHA256`;
    const addUri = await w.run("bob", ["add", "acme/github", "--uri-stdin"], { input: uri });
    expect(addUri.exitCode, addUri.stderr).toBe(0);
    expect((await w.run("alice", ["add", "--help"])).stdout).not.toMatch(/--secret </);
  });

  it("prints a code that matches oathtool: bare when piped, full with --json", async () => {
    const json = await w.run("alice", ["code", "acme/aws", "--json"]);
    expect(json.exitCode, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r).toMatchObject({ entry: "acme/aws", period: 30, type: "totp" });
    expect(r.code).toBe(oathtoolTotp(SEEDS.aws, r.at));
    const t = Date.parse(r.at) / 1000;
    expect(r.next).toBe(oathtoolTotp(SEEDS.aws, new Date((t + 30) * 1000).toISOString()));
    expect(r.remaining).toBe(30 - (Math.floor(t) % 30));

    const piped = await w.run("bob", ["code", "acme/github"]);
    expect(piped.stdout).toMatch(/^\d{8}$/);
    expect(piped.stderr).toBe("");
  });

  it("lists entries as JSON without seeds", async () => {
    const list = await w.run("alice", ["list", "acme", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual([
      { path: "acme/aws", name: "aws", issuer: "Amazon Web Services", account: "root@acme", type: "totp" },
      { path: "acme/github", name: "github", issuer: "GitHub", account: "ops@acme", type: "totp" },
    ]);
    expect(list.stdout).not.toContain(SEEDS.aws);
  });

  it("shows metadata, and the seed only with --reveal", async () => {
    const show = await w.run("alice", ["show", "acme/aws"]);
    expect(show.stdout).toContain("Amazon Web Services");
    expect(show.stdout).not.toContain(SEEDS.aws);
    const reveal = await w.run("alice", ["show", "acme/aws", "--reveal", "--json"]);
    expect(JSON.parse(reveal.stdout).secret).toBe(SEEDS.aws);
  });

  it("keeps vault files readable by the plain age CLI, for exactly the declared readers", () => {
    const doc = JSON.parse(ageDecrypt(w, "bob", "clients/acme/vault.age")!);
    expect(doc.vault).toBe("acme");
    expect(doc.entries.aws.secret).toBe(SEEDS.aws);
    expect(ageDecrypt(w, "carol", "clients/acme/vault.age")).toBeNull();
    expect(ageDecrypt(w, "bob", "clients/acme/prod/vault.age")).toBeNull();
  });

  it("reads a vault written by the age CLI from hand-made JSON", async () => {
    const doc = JSON.parse(ageDecrypt(w, "alice", "clients/acme/vault.age")!);
    doc.entries.handmade = { ...doc.entries.aws, issuer: "Hand Made" };
    const plain = join(w.dir, "doc.json");
    writeFileSync(plain, JSON.stringify(doc));
    const out = join(w.repo, "clients/acme/vault.age");
    execaSync("age", ["-e", "-a", "-r", w.engineers.get("alice")!.recipient, "-r", w.engineers.get("bob")!.recipient, "-o", out, plain]);
    const code = await w.run("alice", ["code", "acme/handmade", "--json", "--no-commit"]);
    expect(code.exitCode, code.stderr).toBe(0);
    expect(JSON.parse(code.stdout).code).toBe(oathtoolTotp(SEEDS.aws, JSON.parse(code.stdout).at));
    w.git(["checkout", "--", "clients/acme/vault.age", "audit"]);
  });

  it("refuses engineers who are not recipients, naming who can grant access", async () => {
    const r = await w.run("carol", ["code", "acme/aws"]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/no access to acme: it is encrypted to alice, bob — ask one of them to run "mfavault grant carol acme"/);
    expect(r.stdout).toBe("");
  });

  it("removes and renames entries, each in its own commit, leaving the tree clean", async () => {
    expect((await w.run("alice", ["rm", "acme/github"])).exitCode).toBe(0);
    expect((await w.run("alice", ["mv", "acme/aws", "acme/aws-root"])).exitCode).toBe(0);
    const list = JSON.parse((await w.run("alice", ["list", "acme", "--json"])).stdout);
    expect(list.map((e: { path: string }) => e.path)).toEqual(["acme/aws-root"]);
    expect(w.git(["log", "-2", "--format=%s"]).split("\n")).toEqual(["mv acme/aws acme/aws-root", "rm acme/github"]);
    expect(w.git(["status", "--porcelain"])).toBe("");
  });
});

describe("identities", () => {
  it("identity new writes a 0600 file, refuses to overwrite it, and prints a card", async () => {
    const out = join(w.dir, "new.key");
    const r = await w.run(null, ["identity", "new", "--out", out, "--name", "dave"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: "dave", status: "active" });
    const recipient = String(execaSync("age-keygen", ["-y", out]).stdout).trim();
    expect(JSON.parse(r.stdout).recipient).toBe(recipient);
    const again = await w.run(null, ["identity", "new", "--out", out, "--name", "dave"]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it("identity show prints the recipient and signing key of MFAVAULT_IDENTITY too", async () => {
    const secret = readFileSync(w.engineers.get("bob")!.keyFile, "utf8").split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-"))!;
    const r = await w.run(null, ["identity", "show", "--json"], { env: { MFAVAULT_IDENTITY: secret } });
    expect(JSON.parse(r.stdout).recipient).toBe(w.engineers.get("bob")!.recipient);
  });

  it("refuses an identity file readable by others", async () => {
    const loose = join(w.dir, "loose.key");
    writeFileSync(loose, readFileSync(w.engineers.get("bob")!.keyFile), { mode: 0o644 });
    const r = await w.run(null, ["identity", "show"], { env: { MFAVAULT_IDENTITY_FILE: loose } });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/chmod 600/);
  });
});

describe("post-quantum identities", () => {
  it("walks init → client → add → code with a hybrid age1pq1 identity, also beside an X25519 reader", async () => {
    const { makeWorld } = await import("../helpers/world.js");
    const pw = makeWorld();
    try {
      const key = join(pw.dir, "pat.key");
      const made = await pw.run(null, ["identity", "new", "--pq", "--out", key, "--name", "pat"]);
      expect(made.exitCode, made.stderr).toBe(0);
      expect(JSON.parse(made.stdout).recipient).toMatch(/^age1pq1/);
      const env = { MFAVAULT_IDENTITY_FILE: key };
      expect((await pw.run(null, ["init", pw.repo, "--name", "pat"], { env })).exitCode).toBe(0);
      pw.engineer("bob");
      const bobCard = join(pw.dir, "bob.json");
      writeFileSync(bobCard, (await pw.run("bob", ["identity", "card", "--name", "bob"])).stdout);
      expect((await pw.run(null, ["team", "add", bobCard], { env })).exitCode).toBe(0);
      expect((await pw.run(null, ["client", "add", "acme", "--grant", "bob"], { env })).exitCode).toBe(0);
      expect((await pw.run(null, ["add", "acme/aws", "--secret-stdin"], { env, input: SEEDS.aws })).exitCode).toBe(0);
      const mine = JSON.parse((await pw.run(null, ["code", "acme/aws", "--json"], { env })).stdout);
      expect(mine.code).toBe(oathtoolTotp(SEEDS.aws, mine.at));
      const bobs = JSON.parse((await pw.run("bob", ["code", "acme/aws", "--json"])).stdout);
      expect(bobs.code).toBe(oathtoolTotp(SEEDS.aws, bobs.at));
      expect(JSON.parse(readFileSync(join(pw.repo, "clients/acme/manifest.json"), "utf8")).stanzas).toBe(2);
    } finally {
      pw.cleanup();
    }
  });
});
