// Onboarding from every common export, end to end from the built CLI: every imported entry's parameters
// read back from the vault and its code checked against oathtool; all-or-nothing on bad rows; duplicates;
// dry runs; encrypted backups; one commit and one audit line per import. Every seed here is synthetic.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptedAegis, encryptedTwofas, migrationPayload, migrationUri, pngToJpeg, qrPng } from "../helpers/fixture-makers.js";
import { expectImported, exportedEntries, type Expected } from "../helpers/otp-check.js";
import { runOnPty } from "../helpers/pty.js";
import { teamWorld, type World } from "../helpers/world.js";

const FIX = resolve(import.meta.dirname, "../../fixtures/import");
const fixture = (name: string) => join(FIX, name);

const S1 = "JBSWY3DPEHPK3PXP";
const RFC20 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
const RFC64 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";
const K1 = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ";
const W = "WQIQ25BRKZYCJVYP";
const STEAM = "JRZCL47CMXVOQMNPZR2F7J4RGI";
const PASSWORD = "correct horse battery staple";

const acme: Expected = { name: "acme-co", type: "totp", secret: S1, issuer: "ACME Co", account: "alice@example.com" };
const hotpCorp: Expected = { name: "hotpcorp", type: "hotp", secret: RFC20, issuer: "HotpCorp", account: "bob@example.com", counter: 5 };

let w: World;
beforeAll(async () => {
  w = await teamWorld(["alice", "bob"]);
  writeFileSync(join(w.dir, "password.txt"), `${PASSWORD}\n`);
});
afterAll(() => w.cleanup());

async function importInto(vault: string, file: string, args: string[] = []): Promise<{ stdout: string; stderr: string }> {
  const add = await w.run("alice", ["client", "add", vault]);
  expect(add.exitCode, add.stderr).toBe(0);
  const r = await w.run("alice", ["import", vault, file, ...args]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r;
}

function lastAuditLine(): { action: string; target: string; details?: Record<string, unknown> } {
  const month = new Date().toISOString().slice(0, 7);
  const lines = readFileSync(join(w.repo, `audit/alice/${month}.jsonl`), "utf8").trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!);
}

describe("import from every format: exact parameters, codes equal to oathtool", () => {
  it("mfavault CSV: BOM, CRLF, header synonyms, quoted commas and newlines, a URI column", async () => {
    const r = await importInto("csv", fixture("mfavault.csv"));
    expect(r.stdout).toBe("imported 5 entries into csv from mfavault.csv (csv)");
    await expectImported(w, "alice", "csv", [
      { name: "aws", type: "totp", secret: K1, issuer: "Amazon Web Services", account: "root@acme", notes: 'break-glass, see "runbook"\r\nsecond line' },
      { name: "github", type: "totp", secret: RFC32, issuer: "GitHub", account: "ops@acme", algorithm: "SHA256", digits: 8, period: 60 },
      { name: "vpn", type: "hotp", secret: RFC20, issuer: "Acme VPN", account: "", counter: 7 },
      { name: "steam", type: "steam", secret: STEAM, issuer: "Steam", account: "gamer" },
      { name: "azure", type: "totp", secret: RFC64, issuer: "Microsoft", account: "ops@acme", algorithm: "SHA512", digits: 7 },
    ]);
  });

  it("a list of otpauth URIs, with + in the label kept and a mismatched label issuer warned about", async () => {
    const r = await importInto("uris", fixture("uris.txt"));
    expect(r.stderr).toMatch(/warning: line 4: label issuer "Air\+Canada" differs/);
    await expectImported(w, "alice", "uris", [
      acme,
      { name: "air-canada", type: "totp", secret: W, issuer: "Air Canada", account: "a+b@x.com", algorithm: "SHA256", period: 60 },
      { name: "hotpcorp", type: "hotp", secret: RFC20, issuer: "HotpCorp", account: "bob@example.com", counter: 42, digits: 8 },
      { name: "corp", type: "totp", secret: RFC64, issuer: "Corp", account: "Team:carol", algorithm: "SHA512", digits: 7 },
      { name: "steam", type: "steam", secret: STEAM, issuer: "Steam", account: "" },
    ]);
  });

  it("Google Authenticator export (the reference payload)", async () => {
    await importInto("google", fixture("google-migration.txt"));
    await expectImported(w, "alice", "google", [acme, hotpCorp]);
  });

  it("Google Authenticator export in two batches, with 8 digits, SHA256, a 13-byte secret and a negative batch id", async () => {
    const odd = Buffer.from("0123456789abc");
    const lines = [
      migrationUri(migrationPayload([{ secret: Buffer.from("12345678901234567890123456789012"), name: "Sha Co:mia", issuer: "Sha Co", algorithm: 2, digits: 2, type: 2 }], { size: 2, index: 0, id: -5 })),
      migrationUri(migrationPayload([{ secret: odd, name: "NoIssuer:noah", type: 1, counter: 9 }], { size: 2, index: 1, id: -5 })),
    ];
    const file = join(w.dir, "google-batches.txt");
    writeFileSync(file, `${lines.join("\n")}\n`);
    await importInto("google2", file);
    await expectImported(w, "alice", "google2", [
      { name: "sha-co", type: "totp", secret: RFC32, issuer: "Sha Co", account: "mia", algorithm: "SHA256", digits: 8 },
      { name: "noissuer", type: "hotp", secret: "GAYTEMZUGU3DOOBZMFRGG", issuer: "NoIssuer", account: "noah", counter: 9 },
    ]);
  });

  it("Aegis plain backup", async () => {
    await importInto("aegis", fixture("aegis-plain.json"));
    await expectImported(w, "alice", "aegis", [
      { ...acme, notes: "synthetic" },
      hotpCorp,
      { name: "sha256-corp", type: "totp", secret: RFC32, issuer: "Sha256 Corp", account: "dave", algorithm: "SHA256", digits: 8, period: 60 },
      { name: "steam", type: "steam", secret: STEAM, issuer: "Steam", account: "gamer" },
    ]);
  });

  it("Aegis encrypted backup, password from --password-file", async () => {
    const plain = JSON.parse(readFileSync(fixture("aegis-plain.json"), "utf8"));
    const file = join(w.dir, "aegis-encrypted.json");
    writeFileSync(file, encryptedAegis(plain.db, PASSWORD));
    expect(readFileSync(file, "utf8")).not.toContain(S1);
    await importInto("aegisenc", file, ["--password-file", join(w.dir, "password.txt")]);
    const rows = await exportedEntries(w, "alice", "aegisenc");
    expect(rows.map((e) => [e.name, e.secret])).toEqual([
      ["acme-co", S1],
      ["hotpcorp", RFC20],
      ["sha256-corp", RFC32],
      ["steam", STEAM],
    ]);
  });

  it("2FAS backup", async () => {
    await importInto("twofas", fixture("twofas.2fas"));
    await expectImported(w, "alice", "twofas", [
      acme,
      hotpCorp,
      { name: "sha512-co", type: "totp", secret: RFC64, issuer: "Sha512 Co", account: "erin", algorithm: "SHA512", digits: 8 },
    ]);
  });

  it("2FAS encrypted backup", async () => {
    const file = join(w.dir, "encrypted.2fas");
    writeFileSync(file, encryptedTwofas(JSON.parse(readFileSync(fixture("twofas.2fas"), "utf8")), PASSWORD));
    await importInto("twofasenc", file, ["--password-file", join(w.dir, "password.txt")]);
    await expectImported(w, "alice", "twofasenc", [
      acme,
      hotpCorp,
      { name: "sha512-co", type: "totp", secret: RFC64, issuer: "Sha512 Co", account: "erin", algorithm: "SHA512", digits: 8 },
    ]);
  });

  it("Bitwarden JSON: a URI and a bare secret; items without TOTP skipped and counted", async () => {
    const r = await importInto("bwjson", fixture("bitwarden.json"));
    expect(r.stdout).toMatch(/imported 2 entries .*; 2 without an OTP skipped/);
    await expectImported(w, "alice", "bwjson", [acme, { name: "bare-secret-example", type: "totp", secret: S1, issuer: "Bare secret example", account: "carol" }]);
  });

  it("Bitwarden CSV: steam:// and a multi-line note; note rows and logins without TOTP skipped", async () => {
    const r = await importInto("bwcsv", fixture("bitwarden.csv"));
    expect(r.stdout).toMatch(/; 2 without an OTP skipped/);
    await expectImported(w, "alice", "bwcsv", [acme, { name: "steam", type: "steam", secret: S1, issuer: "Steam", account: "gamer" }]);
  });

  it("andOTP: padded secret and an old 'Issuer - Account' label", async () => {
    await importInto("andotp", fixture("andotp.json"));
    await expectImported(w, "alice", "andotp", [acme, hotpCorp, { name: "oldcorp", type: "totp", secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ", issuer: "OldCorp", account: "frank" }]);
  });

  it("FreeOTP+: byte-array secret, HOTP counter carried as the next counter (stored + 1)", async () => {
    await importInto("freeotp", fixture("freeotpplus.json"));
    await expectImported(w, "alice", "freeotp", [acme, hotpCorp]);
  });

  it("Raivo: string-valued fields, SHA512 with 7 digits", async () => {
    await importInto("raivo", fixture("raivo-otp-export.json"));
    await expectImported(w, "alice", "raivo", [acme, hotpCorp, { name: "seven", type: "totp", secret: RFC64, issuer: "Seven", account: "grace", algorithm: "SHA512", digits: 7 }]);
  });

  it("Ente plain text: notes kept, trashed codes left out", async () => {
    const r = await importInto("ente", fixture("ente_plain.txt"));
    expect(r.stderr).toMatch(/left out a code that is in Ente's trash/);
    await expectImported(w, "alice", "ente", [acme, hotpCorp, { name: "noted", type: "totp", secret: K1, issuer: "Noted", account: "henry", algorithm: "SHA256", notes: "synthetic note" }]);
  });

  it("1Password 8 CSV: rows without OTPAuth skipped", async () => {
    const r = await importInto("onepw", fixture("onepassword8.csv"));
    expect(r.stdout).toMatch(/imported 2 entries .*; 1 without an OTP skipped/);
    await expectImported(w, "alice", "onepw", [acme, { name: "multi-line", type: "totp", secret: W, issuer: "ML", account: "judy" }]);
  });

  it("QR code images: PNG with an otpauth URI, JPEG with one, PNG with a Google export", async () => {
    const png = join(w.dir, "qr.png");
    qrPng(`otpauth://totp/QR%20Corp:kim?secret=${K1}&issuer=QR%20Corp&digits=8`, png);
    await importInto("qrpng", png);
    await expectImported(w, "alice", "qrpng", [{ name: "qr-corp", type: "totp", secret: K1, issuer: "QR Corp", account: "kim", digits: 8 }]);

    const jpgSource = join(w.dir, "qr-for-jpeg.png");
    qrPng(`otpauth://hotp/JpegCo:lee?secret=${RFC20}&issuer=JpegCo&counter=3`, jpgSource);
    const jpg = join(w.dir, "qr.jpg");
    pngToJpeg(jpgSource, jpg);
    await importInto("qrjpeg", jpg);
    await expectImported(w, "alice", "qrjpeg", [{ name: "jpegco", type: "hotp", secret: RFC20, issuer: "JpegCo", account: "lee", counter: 3 }]);

    const migration = join(w.dir, "qr-migration.png");
    qrPng(migrationUri(migrationPayload([{ secret: Buffer.from("Hello!\xde\xad\xbe\xef", "latin1"), name: "ACME Co:alice@example.com", issuer: "ACME Co", type: 2 }])), migration);
    await importInto("qrgoogle", migration);
    await expectImported(w, "alice", "qrgoogle", [acme]);
  });

  it("reads stdin with -", async () => {
    await w.run("alice", ["client", "add", "stdin"]);
    const r = await w.run("alice", ["import", "stdin", "-"], { input: readFileSync(fixture("uris.txt"), "utf8") });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported 5 entries into stdin from stdin \(otpauth/);
  });
});

describe("one import, one commit, one audit line", () => {
  it("commits the vault and the audit line naming the count, and leaves the tree clean", async () => {
    const before = Number(w.git(["rev-list", "--count", "HEAD"]));
    await importInto("audited", fixture("aegis-plain.json"));
    expect(Number(w.git(["rev-list", "--count", "HEAD"]))).toBe(before + 2);
    expect(w.git(["log", "-1", "--format=%s"])).toBe("import: 4 entries into audited (aegis)");
    expect(w.git(["show", "--name-only", "--format=", "HEAD"]).split("\n").sort()).toEqual(
      ["audit/alice/" + new Date().toISOString().slice(0, 7) + ".jsonl", "clients/audited/manifest.json", "clients/audited/vault.age"].sort(),
    );
    expect(lastAuditLine()).toMatchObject({ action: "import", target: "audited", details: { count: 4, format: "aegis", skipped: 0 } });
    expect(w.git(["status", "--porcelain"])).toBe("");
  });
});

describe("all or nothing", () => {
  let head: string;
  beforeAll(async () => {
    await w.run("alice", ["client", "add", "strict"]);
    head = w.git(["rev-parse", "HEAD"]);
  });
  const unchanged = () => {
    expect(w.git(["rev-parse", "HEAD"])).toBe(head);
    expect(w.git(["status", "--porcelain"])).toBe("");
  };

  it("names every bad row by line and what is wrong, never echoing a seed, and imports nothing", async () => {
    const r = await w.run("alice", ["import", "strict", fixture("bad-rows.csv")]);
    expect(r.exitCode).toBe(5);
    const expected: [number, RegExp][] = [
      [3, /invalid base32 seed: character 16 is not in A-Z or 2-7/],
      [4, /digits must be 6 to 10/],
      [5, /period must be 1 to 86400/],
      [6, /the algorithm column: unsupported algorithm "MD5"/],
      [7, /has 3 fields but the header has 9/],
      [8, /the counter column must be a whole number/],
      [9, /the digits column must be a whole number/],
      [10, /unsupported OTP type "motp"/],
      [11, /duplicate name "good": line 2 also becomes "good"/],
      [12, /invalid base32 seed: 17 characters cannot be base32/],
      [13, /the secret is empty/],
    ];
    for (const [line, message] of expected) expect(r.stderr).toMatch(new RegExp(`  line ${line}: ${message.source}`));
    expect(r.stderr).not.toMatch(/line 2:/);
    expect(r.stderr).toMatch(/mfavault: bad-rows\.csv: 11 bad rows \(listed above\); nothing was imported/);
    for (const seed of ["MFRGGZDFMZTWQ2L", "JBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ"]) {
      expect(r.stderr).not.toContain(seed);
      expect(r.stdout).not.toContain(seed);
    }
    unchanged();
    expect(JSON.parse((await w.run("alice", ["list", "strict", "--json"])).stdout)).toEqual([]);
  });

  it("refuses a truncated Google Authenticator payload and bad enums, naming the line", async () => {
    const good = migrationPayload([{ secret: Buffer.from("abcdefghij"), name: "A:b", type: 2 }]);
    const badEnum = migrationPayload([{ secret: Buffer.from("abcdefghij"), name: "C:d", algorithm: 4, type: 2 }]);
    const file = join(w.dir, "bad-google.txt");
    writeFileSync(file, `${migrationUri(good.subarray(0, good.length - 14))}\n${migrationUri(badEnum)}\n`);
    const r = await w.run("alice", ["import", "strict", file]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/line 1: Google Authenticator data: truncated/);
    expect(r.stderr).toMatch(/line 2, account 1: algorithm MD5 is not supported/);
    unchanged();
  });

  it("refuses an incomplete Google batch, naming the missing QR code", async () => {
    const file = join(w.dir, "half-batch.txt");
    writeFileSync(file, migrationUri(migrationPayload([{ secret: Buffer.from("abcdefghij"), name: "A:b" }], { size: 3, index: 1, id: 42 })));
    const r = await w.run("alice", ["import", "strict", file]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/batch 42: QR codes 1, 3 of 3 missing/);
    unchanged();
  });

  it("asks for an encrypted backup's password with a hidden prompt on a terminal", async () => {
    const plain = JSON.parse(readFileSync(fixture("aegis-plain.json"), "utf8"));
    const file = join(w.dir, "aegis-prompted.json");
    writeFileSync(file, encryptedAegis(plain.db, PASSWORD));
    await w.run("alice", ["client", "add", "prompted"]);
    const r = await runOnPty(w.home, ["import", "prompted", file], {
      env: { MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile },
      steps: [{ expect: /Password of the encrypted backup/, send: `${PASSWORD}\r` }],
    });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/imported 4 entries into prompted/);
    expect(r.output).not.toContain(PASSWORD);
    head = w.git(["rev-parse", "HEAD"]);
  });

  it("refuses an encrypted backup with the wrong password, or with no password and no terminal", async () => {
    const plain = JSON.parse(readFileSync(fixture("aegis-plain.json"), "utf8"));
    const file = join(w.dir, "aegis-wrong.json");
    writeFileSync(file, encryptedAegis(plain.db, PASSWORD));
    const wrong = join(w.dir, "wrong.txt");
    writeFileSync(wrong, "Tr0ub4dor&3\n");
    const r = await w.run("alice", ["import", "strict", file, "--password-file", wrong]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/wrong password/);
    expect(r.stderr).not.toContain("Tr0ub4dor");
    const noTty = await w.run("alice", ["import", "strict", file]);
    expect(noTty.exitCode).toBe(2);
    expect(noTty.stderr).toMatch(/--password-file/);
    unchanged();
  });

  it("refuses a file with no OTP at all, an unknown format and a non-UTF-8 file", async () => {
    const none = join(w.dir, "no-otp.csv");
    writeFileSync(none, "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n,,login,Mail,,,0,,x,y,\n");
    const r = await w.run("alice", ["import", "strict", none]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/holds no OTP entries \(1 records without one were skipped\)/);
    const odd = join(w.dir, "odd.txt");
    writeFileSync(odd, "hello world\n");
    expect((await w.run("alice", ["import", "strict", odd])).stderr).toMatch(/cannot tell the format of odd\.txt: pass --format/);
    const latin = join(w.dir, "latin1.csv");
    writeFileSync(latin, Buffer.from("name,secret,issuer\nx,JBSWY3DPEHPK3PXP,Caf\xe9\n", "latin1"));
    const l = await w.run("alice", ["import", "strict", latin, "--format", "csv"]);
    expect(l.exitCode).toBe(5);
    expect(l.stderr).toMatch(/not UTF-8 text/);
    unchanged();
  });

  it("refuses bad flags with usage errors", async () => {
    expect((await w.run("alice", ["import", "strict", fixture("uris.txt"), "--format", "nope"])).exitCode).toBe(2);
    expect((await w.run("alice", ["import", "strict", fixture("uris.txt"), "--on-duplicate", "merge"])).exitCode).toBe(2);
    expect((await w.run("alice", ["import", "nope", fixture("uris.txt")])).exitCode).toBe(3);
    expect((await w.run("alice", ["import", "strict", join(w.dir, "missing.csv")])).exitCode).toBe(3);
    unchanged();
  });
});

describe("duplicates", () => {
  const csv = (rows: string[]) => {
    const file = join(w.dir, `dup-${rows.length}-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(file, `name,secret,issuer,account\n${rows.join("\n")}\n`);
    return file;
  };

  it("qualifies entries of one file that share an issuer with their account, instead of calling them duplicates", async () => {
    const file = join(w.dir, "two-googles.txt");
    writeFileSync(file, `otpauth://totp/Google:admin%40acme.com?secret=${S1}&issuer=Google\notpauth://totp/Google:ops%40acme.com?secret=${K1}&issuer=Google\n`);
    await importInto("qualified", file);
    const list = JSON.parse((await w.run("alice", ["list", "qualified", "--json"])).stdout);
    expect(list.map((e: { name: string }) => e.name)).toEqual(["google-admin-acme.com", "google-ops-acme.com"]);
  });

  it("fails on a name already in the vault, and skip, rename and replace do what they say", async () => {
    await importInto("dups", csv([`aws,${S1},AWS,root`, `github,${RFC20},GitHub,ops`]));
    const again = csv([`aws,${K1},AWS,other`, `new,${W},New,x`]);
    const head = w.git(["rev-parse", "HEAD"]);
    const fail = await w.run("alice", ["import", "dups", again]);
    expect(fail.exitCode).toBe(5);
    expect(fail.stderr).toMatch(/line 2: duplicate name "aws": the vault already has an entry "aws"/);
    expect(w.git(["rev-parse", "HEAD"])).toBe(head);

    const skip = await w.run("alice", ["import", "dups", again, "--on-duplicate", "skip"]);
    expect(skip.exitCode, skip.stderr).toBe(0);
    expect(skip.stdout).toMatch(/imported 1 entry .*1 duplicates left out/);
    let rows = await exportedEntries(w, "alice", "dups");
    expect(rows.map((r) => [r.name, r.secret])).toEqual([["aws", S1], ["github", RFC20], ["new", W]]);

    const twice = csv([`aws,${K1},AWS,other`, `gcp,${RFC32},GCP,a`, `gcp,${RFC64},GCP,b`]);
    const rename = await w.run("alice", ["import", "dups", twice]);
    expect(rename.exitCode).toBe(5);
    expect(rename.stderr).toMatch(/line 2: duplicate name "aws": the vault already has an entry "aws"\n.*line 4: duplicate name "gcp": line 3 also becomes "gcp"/);
    const renamed = await w.run("alice", ["import", "dups", twice, "--on-duplicate", "rename"]);
    expect(renamed.exitCode, renamed.stderr).toBe(0);
    rows = await exportedEntries(w, "alice", "dups");
    expect(rows.map((r) => [r.name, r.secret])).toEqual([["aws", S1], ["aws-2", K1], ["gcp", RFC32], ["gcp-2", RFC64], ["github", RFC20], ["new", W]]);

    const replace = await w.run("alice", ["import", "dups", csv([`github,${K1},GitHub,new-ops`]), "--on-duplicate", "replace"]);
    expect(replace.exitCode, replace.stderr).toBe(0);
    expect(replace.stderr).toMatch(/replaces the vault's entry "github"/);
    rows = await exportedEntries(w, "alice", "dups");
    expect(rows.find((r) => r.name === "github")).toMatchObject({ secret: K1, account: "new-ops" });
    const month = new Date().toISOString().slice(0, 7);
    const lines = readFileSync(join(w.repo, `audit/alice/${month}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.action === "import" && l.target === "dups").pop().details).toMatchObject({ count: 1, replaced: 1 });
  });
});

describe("dry run", () => {
  it("prints names, issuers and types (never seeds) and writes nothing", async () => {
    await w.run("alice", ["client", "add", "dry"]);
    const head = w.git(["rev-parse", "HEAD"]);
    const r = await w.run("alice", ["import", "dry", fixture("mfavault.csv"), "--dry-run"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^aws +totp +Amazon Web Services — root@acme$/m);
    expect(r.stdout).toMatch(/^steam +steam +Steam — gamer$/m);
    expect(r.stdout).toMatch(/dry run: would import 5 into dry \(csv\); nothing was written/);
    for (const seed of [K1, RFC32, RFC20, STEAM, RFC64, RFC32.toLowerCase()]) expect(r.stdout + r.stderr).not.toContain(seed);
    const json = JSON.parse((await w.run("alice", ["import", "dry", fixture("mfavault.csv"), "--dry-run", "--json"])).stdout);
    expect(json).toMatchObject({ dryRun: true, imported: 5, format: "csv" });
    expect(json.entries[0]).toEqual({ name: "aws", type: "totp", issuer: "Amazon Web Services", account: "root@acme", from: "line 2", replaces: false });
    expect(JSON.stringify(json)).not.toContain(K1);
    expect(w.git(["rev-parse", "HEAD"])).toBe(head);
    expect(w.git(["status", "--porcelain"])).toBe("");
  });
});

describe("free text from files", () => {
  it("stores issuers and accounts with terminal escapes as they are, and never prints them raw", async () => {
    const file = join(w.dir, "evil.csv");
    writeFileSync(file, `name,secret,issuer,account\nevil,${S1},"Evil\u001b]0;pwned\u0007Co","bob\u001b[31m"\n`);
    await w.run("alice", ["client", "add", "evil"]);
    const dry = await w.run("alice", ["import", "evil", file, "--dry-run"]);
    expect(dry.stdout).toContain("Evil\\x1b]0;pwned\\x07Co — bob\\x1b[31m");
    expect(dry.stdout + dry.stderr).not.toContain("\u001b");
    const r = await w.run("alice", ["import", "evil", file]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = await exportedEntries(w, "alice", "evil");
    expect(rows[0]).toMatchObject({ issuer: "Evil\u001b]0;pwned\u0007Co", account: "bob\u001b[31m" });
    expect((await w.run("alice", ["list", "evil"])).stdout).not.toContain("\u001b");
  });
});

describe("progress", () => {
  const bigCsv = () => {
    const file = join(w.dir, "big.csv");
    const rows = Array.from({ length: 1200 }, (_, i) => `svc-${i},${i % 2 ? S1 : K1},Service ${i},user${i}`);
    writeFileSync(file, `name,secret,issuer,account\n${rows.join("\n")}\n`);
    return file;
  };

  it("prints nothing but the result when stdout and stderr are pipes", async () => {
    const file = bigCsv();
    await w.run("alice", ["client", "add", "big"]);
    const r = await w.run("alice", ["import", "big", file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("imported 1200 entries into big from big.csv (csv)");
    expect(r.stderr).toBe("");
  });

  it("shows progress on stderr when it is a terminal", async () => {
    const file = bigCsv();
    await w.run("alice", ["client", "add", "bigtty"]);
    const r = await runOnPty(w.home, ["import", "bigtty", file], {
      env: { MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile },
    });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/read 1200 entries from big\.csv \(csv\)/);
    expect(r.output).toMatch(/encrypting bigtty \(1200 entries\) and committing/);
  });
});
