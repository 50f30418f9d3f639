// Export and hand-off, end to end: CSV that re-imports to identical entries with formula cells
// neutralised, age-encrypted hand-offs opened with the real age CLI and a client key from age-keygen,
// plaintext only when asked for, an audit line before any seed leaves, and the offboarding walk.
import { execaSync } from "execa";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectImported, exportedEntries, type Expected } from "../helpers/otp-check.js";
import { teamWorld, type World } from "../helpers/world.js";

const S1 = "JBSWY3DPEHPK3PXP";
const RFC20 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC64 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";
const K1 = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ";
const STEAM = "JRZCL47CMXVOQMNPZR2F7J4RGI";

/** Entries whose text a spreadsheet would run, plus quoting, newlines and every OTP kind. All synthetic. */
const TRICKY: Expected[] = [
  { name: "formula", type: "totp", secret: S1, issuer: "=cmd|' /C calc'!A0", account: "+1 555 0100", notes: "@SUM(A1:A9)" },
  { name: "dash", type: "totp", secret: K1, issuer: "-x", account: "\tindented", notes: "\rcarriage" },
  { name: "quoted", type: "totp", secret: RFC64, issuer: "'=already quoted", account: "''+two", notes: 'a "quote", a comma\nand a newline', algorithm: "SHA512", digits: 8, period: 60 },
  { name: "plain", type: "hotp", secret: RFC20, issuer: "it's fine", account: "o'brien", counter: 12 },
  { name: "steam", type: "steam", secret: STEAM, issuer: "Steam", account: "gamer" },
];

let w: World;
let clientKey: string;
let clientRecipient: string;
let otherKey: string;
let otherRecipient: string;

function clientIdentity(name: string): [string, string] {
  const key = join(w.dir, `${name}.key`);
  execaSync("age-keygen", ["-o", key]);
  return [key, String(execaSync("age-keygen", ["-y", key]).stdout).trim()];
}

/** Fills a vault with TRICKY through mfavault's own JSON export format. */
async function fillVault(vault: string): Promise<void> {
  expect((await w.run("alice", ["client", "add", vault, "--grant", "bob"])).exitCode).toBe(0);
  const entries = TRICKY.map((e) => ({ algorithm: "SHA1", digits: 6, period: 30, notes: "", ...e }));
  const file = join(w.dir, `${vault}.json`);
  writeFileSync(file, JSON.stringify({ format: "mfavault-export", version: 1, entries }));
  const r = await w.run("alice", ["import", vault, file]);
  expect(r.exitCode, r.stderr).toBe(0);
}

function auditLines(who = "alice"): { action: string; target: string; details?: Record<string, unknown> }[] {
  const month = new Date().toISOString().slice(0, 7);
  return readFileSync(join(w.repo, `audit/${who}/${month}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
}

beforeAll(async () => {
  w = await teamWorld(["alice", "bob", "carol"]);
  [clientKey, clientRecipient] = clientIdentity("client");
  [otherKey, otherRecipient] = clientIdentity("client2");
  await fillVault("acme");
});
afterAll(() => w.cleanup());

describe("CSV export", () => {
  it("neutralises formula cells and re-imports to identical entries", async () => {
    const out = join(w.dir, "acme.csv");
    const r = await w.run("alice", ["export", "acme", "--format", "csv", "--plaintext", "--out", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text.split("\r\n")[0]).toBe("name,secret,issuer,account,algorithm,digits,period,type,counter,notes,vault");
    expect(text).toContain(`formula,${S1},'=cmd|' /C calc'!A0,'+1 555 0100,SHA1,6,30,totp,,'@SUM(A1:A9),acme`);
    expect(text).toContain("dash,");
    expect(text).toContain(",'-x,'\tindented,");
    expect(text).toContain(`"'\rcarriage"`);
    expect(text).toContain(`quoted,${RFC64},''=already quoted,'''+two,SHA512,8,60,totp,,"a ""quote"", a comma\nand a newline",acme`);
    expect(text).toContain(`plain,${RFC20},it's fine,o'brien,SHA1,6,30,hotp,12,,acme`);
    // Every cell a spreadsheet would evaluate now starts with a quote.
    for (const line of text.split("\r\n").slice(1)) for (const cell of line.split(",")) expect(cell).not.toMatch(/^[=+\-@]/);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    expect((await w.run("alice", ["client", "add", "acme-copy"])).exitCode).toBe(0);
    const back = await w.run("alice", ["import", "acme-copy", out]);
    expect(back.exitCode, back.stderr).toBe(0);
    const original = (await exportedEntries(w, "alice", "acme")).map(({ vault: _v, ...e }) => e);
    const copy = (await exportedEntries(w, "alice", "acme-copy")).map(({ vault: _v, ...e }) => e);
    expect(copy).toEqual(original);
    await expectImported(w, "alice", "acme-copy", TRICKY);
  });

  it("writes otpauth URIs that import back with the same parameters", async () => {
    const out = join(w.dir, "acme.txt");
    expect((await w.run("alice", ["export", "acme", "--format", "otpauth", "--plaintext", "--out", out])).exitCode).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.includes("SHA512"))).toBe(
      `otpauth://totp/'%3Dalready%20quoted:''%2Btwo?secret=${RFC64}&issuer='%3Dalready%20quoted&algorithm=SHA512&digits=8&period=60`.replace(/'/g, "%27"),
    );
    expect((await w.run("alice", ["client", "add", "acme-uris"])).exitCode).toBe(0);
    expect((await w.run("alice", ["import", "acme-uris", out, "--on-duplicate", "rename"])).exitCode).toBe(0);
    const rows = await exportedEntries(w, "alice", "acme-uris");
    expect(rows.map((r) => [r.secret, r.type, r.algorithm, r.digits, r.period, r.counter]).sort()).toEqual(
      (await exportedEntries(w, "alice", "acme")).map((r) => [r.secret, r.type, r.algorithm, r.digits, r.period, r.counter]).sort(),
    );
  });

  it("writes a plain Aegis backup that Aegis' format reader (ours) takes back", async () => {
    const out = join(w.dir, "acme-aegis.json");
    expect((await w.run("alice", ["export", "acme", "--format", "aegis", "--plaintext", "--out", out])).exitCode).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc).toMatchObject({ version: 1, header: { slots: null, params: null }, db: { version: 3 } });
    expect(doc.db.entries.find((e: { type: string }) => e.type === "hotp").info).toEqual({ secret: RFC20, algo: "SHA1", digits: 6, counter: 12 });
    expect((await w.run("alice", ["client", "add", "acme-aegis"])).exitCode).toBe(0);
    expect((await w.run("alice", ["import", "acme-aegis", out, "--on-duplicate", "rename"])).exitCode).toBe(0);
  });
});

describe("hand-off", () => {
  it("encrypts to the client's age key with --to; the age CLI opens it; never plaintext on disk", async () => {
    const out = join(w.dir, "handoff.age");
    const r = await w.run("alice", ["export", "acme", "--format", "aegis", "--to", clientRecipient, "--to", otherRecipient, "--out", out, "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ vault: "acme", format: "aegis", count: 5, encryptedTo: [clientRecipient, otherRecipient] });
    const armored = readFileSync(out, "utf8");
    expect(armored).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    for (const seed of [S1, K1, RFC20, RFC64, STEAM]) expect(armored).not.toContain(seed);
    for (const key of [clientKey, otherKey]) {
      const plain = JSON.parse(String(execaSync("age", ["-d", "-i", key, out]).stdout));
      expect(plain.db.entries.map((e: { info: { secret: string } }) => e.info.secret).sort()).toEqual([S1, K1, RFC20, RFC64, STEAM].sort());
    }
    expect(execaSync("age", ["-d", "-i", w.engineers.get("carol")!.keyFile, out], { reject: false }).exitCode).not.toBe(0);
  });

  it("takes recipients from --to-file and writes armored age to stdout without --out", async () => {
    const list = join(w.dir, "client-recipients.txt");
    writeFileSync(list, `# the client's keys\n${clientRecipient}\n\n${otherRecipient}  # backup key\n`);
    const r = await w.run("alice", ["export", "acme", "--format", "csv", "--to-file", list]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(r.stderr).toMatch(/exported 5 entries of acme \(csv, encrypted to 2 recipients\)/);
    const file = join(w.dir, "stdout.age");
    writeFileSync(file, r.stdout);
    expect(String(execaSync("age", ["-d", "-i", otherKey, file]).stdout)).toMatch(/^name,secret,issuer/);
  });

  it("records an export audit line naming the format, count and recipients, and commits it", async () => {
    const head = w.git(["rev-parse", "HEAD"]);
    const out = join(w.dir, "audited.age");
    expect((await w.run("alice", ["export", "acme", "--format", "json", "--to", clientRecipient, "--out", out])).exitCode).toBe(0);
    expect(auditLines().pop()).toMatchObject({ action: "export", target: "acme", details: { format: "json", count: 5, encryptedTo: [clientRecipient] } });
    expect(w.git(["rev-parse", "HEAD~1"])).toBe(head);
    expect(w.git(["log", "-1", "--format=%s"])).toBe("audit: alice export acme");
    expect(w.git(["status", "--porcelain"])).toBe("");
  });
});

describe("plaintext needs consent", () => {
  it("refuses plaintext without --plaintext when there is no terminal, writing and auditing nothing", async () => {
    const head = w.git(["rev-parse", "HEAD"]);
    const lines = auditLines().length;
    const out = join(w.dir, "refused.csv");
    const r = await w.run("alice", ["export", "acme", "--format", "csv", "--out", out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/refusing to write plaintext seeds without --plaintext/);
    const toStdout = await w.run("alice", ["export", "acme", "--format", "otpauth"]);
    expect(toStdout.exitCode).toBe(2);
    expect(toStdout.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
    expect(auditLines()).toHaveLength(lines);
    expect(w.git(["rev-parse", "HEAD"])).toBe(head);
  });

  it("refuses a bad recipient, an existing --out file and an unknown format before auditing", async () => {
    const lines = auditLines().length;
    expect((await w.run("alice", ["export", "acme", "--format", "csv", "--to", "age1notakey"])).exitCode).toBe(5);
    const badList = join(w.dir, "bad-recipients.txt");
    writeFileSync(badList, `${clientRecipient}\nssh-ed25519 AAAA\n`);
    const fromFile = await w.run("alice", ["export", "acme", "--format", "csv", "--to-file", badList]);
    expect(fromFile.exitCode).toBe(5);
    expect(fromFile.stderr).toMatch(/bad-recipients\.txt:2: not an age recipient/);
    const taken = join(w.dir, "taken.age");
    writeFileSync(taken, "keep me");
    const r = await w.run("alice", ["export", "acme", "--format", "csv", "--to", clientRecipient, "--out", taken]);
    expect(r.exitCode).toBe(1);
    expect(readFileSync(taken, "utf8")).toBe("keep me");
    const nowhere = await w.run("alice", ["export", "acme", "--format", "csv", "--to", clientRecipient, "--out", join(w.dir, "no/such/dir/x.age")]);
    expect(nowhere.exitCode).toBe(3);
    expect(nowhere.stderr).toMatch(/directory of .* does not exist/);
    expect((await w.run("alice", ["export", "acme", "--format", "xml", "--plaintext"])).exitCode).toBe(2);
    expect((await w.run("alice", ["export", "acme", "--format", "csv", "--plaintext", "--to", clientRecipient])).exitCode).toBe(2);
    expect(auditLines()).toHaveLength(lines);
  });

  it("refuses engineers who cannot read the vault", async () => {
    const r = await w.run("carol", ["export", "acme", "--format", "csv", "--to", clientRecipient]);
    expect(r.exitCode).toBe(4);
  });
});

describe("offboarding a client", () => {
  beforeAll(async () => {
    await fillVault("hooli");
    expect((await w.run("alice", ["client", "add", "hooli/prod"])).exitCode).toBe(0);
    const add = await w.run("alice", ["add", "hooli/prod/root", "--secret-stdin", "--issuer", "Hooli Cloud", "--account", "root"], { input: K1 });
    expect(add.exitCode, add.stderr).toBe(0);
  });

  it("refuses while scopes remain, a hand-off without --to, and a non-reader", async () => {
    const head = w.git(["rev-parse", "HEAD"]);
    const scoped = await w.run("alice", ["client", "remove", "hooli"]);
    expect(scoped.exitCode).toBe(1);
    expect(scoped.stderr).toMatch(/hooli still has scopes \(hooli\/prod\): remove them first, or pass --recursive/);
    const noTo = await w.run("alice", ["client", "remove", "hooli", "--recursive", "--export", join(w.dir, "x.age")]);
    expect(noTo.exitCode).toBe(2);
    expect(noTo.stderr).toMatch(/--export needs --to/);
    const bob = await w.run("bob", ["client", "remove", "hooli", "--recursive"]);
    expect(bob.exitCode).toBe(4);
    expect(bob.stderr).toMatch(/only a reader of hooli\/prod can remove it/);
    expect(existsSync(join(w.dir, "x.age"))).toBe(false);
    expect(w.git(["rev-parse", "HEAD"])).toBe(head);
  });

  it("hands the seeds off encrypted, removes the vault and its scopes in one commit, and audits both", async () => {
    const head = w.git(["rev-parse", "HEAD"]);
    const out = join(w.dir, "hooli-handoff.age");
    const r = await w.run("alice", ["client", "remove", "hooli", "--recursive", "--export", out, "--to", clientRecipient, "--format", "json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed hooli, hooli\/prod \(6 entries\); the hand-off is in/);

    expect(w.git(["rev-parse", "HEAD~1"])).toBe(head);
    expect(w.git(["log", "-1", "--format=%s"])).toBe("client: remove hooli and 1 scope (6 entries)");
    expect(w.git(["show", "--name-status", "--format=", "HEAD"]).trim().split("\n").sort()).toEqual(
      [
        `M\taudit/alice/${new Date().toISOString().slice(0, 7)}.jsonl`,
        "D\tclients/hooli/manifest.json",
        "D\tclients/hooli/prod/manifest.json",
        "D\tclients/hooli/prod/recipients",
        "D\tclients/hooli/prod/vault.age",
        "D\tclients/hooli/recipients",
        "D\tclients/hooli/vault.age",
      ].sort(),
    );
    expect(existsSync(join(w.repo, "clients/hooli"))).toBe(false);
    expect(w.git(["status", "--porcelain"])).toBe("");
    const [exportLine, removeLine] = auditLines().slice(-2);
    expect(exportLine).toMatchObject({ action: "export", target: "hooli", details: { count: 6, encryptedTo: [clientRecipient], vaults: ["hooli", "hooli/prod"] } });
    expect(removeLine).toMatchObject({ action: "client-remove", target: "hooli", details: { vaults: ["hooli", "hooli/prod"], entries: 6, exported: true } });
    const list = JSON.parse((await w.run("alice", ["client", "list", "--json"])).stdout);
    expect(list.map((v: { vault: string }) => v.vault)).not.toContain("hooli");

    // The client opens the hand-off with their own key and the plain age CLI; every code matches oathtool.
    const handoff = JSON.parse(String(execaSync("age", ["-d", "-i", clientKey, out]).stdout));
    expect(handoff.format).toBe("mfavault-export");
    expect(handoff.entries.map((e: { vault: string; name: string }) => `${e.vault}/${e.name}`)).toEqual([
      "hooli/dash",
      "hooli/formula",
      "hooli/plain",
      "hooli/quoted",
      "hooli/steam",
      "hooli/prod/root",
    ]);
    expect((await w.run("alice", ["client", "add", "restored"])).exitCode).toBe(0);
    const plainFile = join(w.dir, "hooli-handoff.json");
    writeFileSync(plainFile, JSON.stringify(handoff));
    expect((await w.run("alice", ["import", "restored", plainFile])).exitCode).toBe(0);
    await expectImported(w, "alice", "restored", [...TRICKY, { name: "root", type: "totp", secret: K1, issuer: "Hooli Cloud", account: "root" }]);
  });

  it("removes a client without scopes and without a hand-off", async () => {
    expect((await w.run("alice", ["client", "add", "initech"])).exitCode).toBe(0);
    const r = await w.run("alice", ["client", "remove", "initech", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ removed: "initech", vaults: ["initech"], entries: 0, export: null });
    expect(existsSync(join(w.repo, "clients/initech"))).toBe(false);
    expect((await w.run("alice", ["client", "remove", "initech"])).exitCode).toBe(3);
  });
});
