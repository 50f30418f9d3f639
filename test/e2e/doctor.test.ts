// `mfavault doctor` on a healthy repository and on one broken in every way it checks; `--fix` repairs
// what it can (merge driver, .gitattributes, identity file mode) and reports the rest with a hint.
import { execaSync } from "execa";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDS, teamWorld, type World } from "../helpers/world.js";

interface Check {
  check: string;
  status: string;
  message: string;
  fix?: string;
}
const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.check, c]));

describe("doctor on a healthy repository", () => {
  let w: World;
  beforeAll(async () => {
    w = await teamWorld(["alice", "bob"]);
    expect((await w.run("alice", ["client", "add", "acme", "--grant", "bob"])).exitCode).toBe(0);
    expect((await w.run("alice", ["add", "acme/aws", "--secret-stdin"], { input: SEEDS.aws })).exitCode).toBe(0);
  });
  afterAll(() => w.cleanup());

  it("passes every check (the keychain is only a warning here: no session bus) and exits 0", async () => {
    const r = await w.run("bob", ["doctor", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    const c = byName(report.checks);
    expect(Object.keys(c)).toEqual(["git", "repository", "identity", "keychain", "merge driver", "vaults", "audit", "syslog"]);
    for (const name of ["git", "repository", "identity", "merge driver", "vaults", "audit"]) expect(c[name]!.status, name).toBe("ok");
    expect(c.identity!.message).toBe("bob (active), from MFAVAULT_IDENTITY_FILE");
    expect(c.vaults!.message).toBe("you can read 1 of 1 vault: acme");
    expect(c.keychain).toMatchObject({ status: "warn", message: expect.stringMatching(/no D-Bus session bus/) });
    expect(c.syslog!.status).toBe("skip");
  });

  it("reaches a configured syslog collector (TCP)", async () => {
    const server = createServer((sock) => sock.destroy());
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const port = (server.address() as { port: number }).port;
    const configPath = join(w.repo, "mfavault.json");
    const before = readFileSync(configPath, "utf8");
    writeFileSync(configPath, JSON.stringify({ ...JSON.parse(before), audit: { syslog: `tcp://127.0.0.1:${port}` } }));
    try {
      const r = await w.run("alice", ["doctor", "--json"]);
      expect(byName(JSON.parse(r.stdout).checks).syslog).toMatchObject({ status: "ok", message: `tcp://127.0.0.1:${port} answers` });
    } finally {
      writeFileSync(configPath, before);
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it("prints a readable report", async () => {
    const r = await w.run("alice", ["doctor"]);
    expect(r.stdout).toMatch(/^ok {4}merge driver {2}registered in \.git\/config and declared in \.gitattributes$/m);
    expect(r.stdout).toMatch(/^warn {2}keychain/m);
  });
});

describe("doctor on a broken repository", () => {
  let w: World;
  let looseKey: string;
  beforeAll(async () => {
    w = await teamWorld(["alice", "bob", "carol"]);
    expect((await w.run("alice", ["client", "add", "acme", "--grant", "bob"])).exitCode).toBe(0);
    // Broken: the merge driver is neither registered nor declared.
    w.git(["config", "--unset", "merge.mfavault.driver"]);
    writeFileSync(join(w.repo, ".gitattributes"), "*.age binary\n");
    // Broken: syslog forwarding points at a port nothing listens on.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const config = JSON.parse(readFileSync(join(w.repo, "mfavault.json"), "utf8"));
    writeFileSync(join(w.repo, "mfavault.json"), JSON.stringify({ ...config, audit: { syslog: `tcp://127.0.0.1:${port}` } }, null, 2));
    // Broken: acme says bob reads it, but its vault.age was re-encrypted (by hand) to alice only.
    execaSync("age", ["-e", "-a", "-r", w.engineers.get("alice")!.recipient, "-o", join(w.repo, "clients/acme/vault.age")], { input: '{"version":1,"vault":"acme","entries":{}}' });
    w.git(["add", "-A"]);
    w.git(["commit", "-q", "-m", "break things"]);
    // Broken: bob's identity file is readable by others.
    looseKey = join(w.dir, "bob-loose.key");
    copyFileSync(w.engineers.get("bob")!.keyFile, looseKey);
    chmodSync(looseKey, 0o644);
  });
  afterAll(() => w.cleanup());

  it("fails (exit 6) and names every problem with a fix", async () => {
    const r = await w.run(null, ["doctor", "--json"], { env: { MFAVAULT_IDENTITY_FILE: looseKey } });
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toMatch(/checks failed: identity, merge driver, syslog/);
    const c = byName(JSON.parse(r.stdout).checks);
    expect(c.identity).toMatchObject({ status: "fail", message: expect.stringMatching(/chmod 600/), fix: expect.stringMatching(/doctor --fix/) });
    expect(c["merge driver"]).toMatchObject({ status: "fail", message: expect.stringMatching(/not registered in \.git\/config/), fix: "mfavault doctor --fix" });
    expect(c.syslog).toMatchObject({ status: "fail", message: expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+: connection refused$/) });
    // Without an identity the vault and audit checks cannot run.
    expect(c.vaults!.status).toBe("skip");
  });

  it("--fix repairs the identity mode, the driver registration and declaration, and reports the rest", async () => {
    const r = await w.run(null, ["doctor", "--fix", "--json"], { env: { MFAVAULT_IDENTITY_FILE: looseKey } });
    expect(r.exitCode, r.stderr).toBe(6);
    const report = JSON.parse(r.stdout);
    expect(report.fixed).toEqual([`chmod 600 ${looseKey}`, "registered the merge driver in .git/config", "declared the merge driver in .gitattributes (committed)"]);
    expect(statSync(looseKey).mode & 0o777).toBe(0o600);
    expect(w.git(["config", "--get", "merge.mfavault.driver"])).toMatch(/merge-driver %O %A %B %P$/);
    expect(readFileSync(join(w.repo, ".gitattributes"), "utf8")).toMatch(/^clients\/\*\*\/vault\.age merge=mfavault$/m);
    // (the syslog collector here is down, so the audit feature follows the fix's line with a syslog-undelivered one)
    expect(w.git(["log", "-2", "--format=%s"]).split("\n")).toContain("doctor: declare the mfavault merge driver in .gitattributes");
    expect(w.git(["status", "--porcelain"])).toBe("");
    const c = byName(report.checks);
    expect(c.identity!.status).toBe("ok");
    expect(c["merge driver"]!.status).toBe("ok");
    expect(c.vaults).toMatchObject({ status: "fail", message: "cannot open acme (not encrypted to you)" });
    expect(c.audit!.status).toBe("ok");
    expect(c.syslog!.status).toBe("fail");
  });

  it("fails the audit check when bob's audit lines cannot be written (no line, no code)", async () => {
    rmSync(join(w.repo, "audit/bob"), { recursive: true, force: true });
    mkdirSync(join(w.repo, "audit"), { recursive: true });
    writeFileSync(join(w.repo, "audit/bob"), "not a directory\n");
    const r = await w.run("bob", ["doctor", "--json"]);
    expect(byName(JSON.parse(r.stdout).checks).audit).toMatchObject({ status: "fail", message: expect.stringMatching(/audit\/bob is not a directory/) });
    rmSync(join(w.repo, "audit/bob"));
    w.git(["checkout", "--", "audit"]);
  });

  it("fails the identity check for an identity that matches no card, pointing to join", async () => {
    const r = await w.run("alice", ["doctor", "--json"], { env: { MFAVAULT_IDENTITY_FILE: join(w.dir, "stranger.key") } });
    expect(r.exitCode).toBe(6);
    execaSync("age-keygen", ["-o", join(w.dir, "stranger.key")]);
    const s = await w.run(null, ["doctor", "--json"], { env: { MFAVAULT_IDENTITY_FILE: join(w.dir, "stranger.key") } });
    expect(byName(JSON.parse(s.stdout).checks).identity).toMatchObject({ status: "fail", message: expect.stringMatching(/matches no card in team\//), fix: expect.stringMatching(/mfavault join --name/) });
  });

  it("fails the repository check on a format this mfavault does not read", async () => {
    writeFileSync(join(w.repo, "mfavault.json"), JSON.stringify({ version: 2 }));
    const r = await w.run("alice", ["doctor", "--json"]);
    expect(r.exitCode).toBe(6);
    expect(byName(JSON.parse(r.stdout).checks).repository).toMatchObject({ status: "fail", message: expect.stringMatching(/repository format 2 is not supported/) });
    rmSync(join(w.repo, "mfavault.json"));
    w.git(["checkout", "--", "mfavault.json"]);
  });
});
