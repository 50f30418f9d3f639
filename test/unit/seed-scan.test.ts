// The plaintext-seed scan: every common export and seed notation is caught; mfavault's own files,
// ciphertext and encrypted exports never are.
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAuditLine, EMPTY_CHAIN, hashLine } from "../../src/core/audit-line.js";
import { serializeCard } from "../../src/core/card.js";
import { serializeManifest, signManifest } from "../../src/core/manifest.js";
import { serializeRecipientsFile } from "../../src/core/recipients-file.js";
import { looksLikeSeed, scanForSeed, seedFinding } from "../../src/core/seed-scan.js";
import { serializeVaultDoc } from "../../src/core/vault-doc.js";
import { armor } from "../../src/crypto/age-header.js";
import { encryptToRecipients } from "../../src/crypto/age-file.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity } from "../../src/crypto/keys.js";

// The synthetic exports the importer reads (fixtures/README.md): every one of them must be caught.
const FIXTURES = join(import.meta.dirname, "../../fixtures/import");
const SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

function newIdentity() {
  return parseIdentity(encodeX25519Identity(randomBytes(32)));
}

describe("seed scan: what it catches", () => {
  it.each(readdirSync(FIXTURES))("flags the unencrypted export %s", (name) => {
    const hit = scanForSeed(readFileSync(join(FIXTURES, name)));
    expect(hit, name).not.toBeNull();
    expect(hit!.line).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["an otpauth URI in notes", `Acme AWS root MFA\notpauth://totp/AWS:root?secret=${SEED}&issuer=AWS\n`, 2],
    ["an otpauth URI with a lower-case, grouped secret", "otpauth://totp/x?secret=gezd%20gnbv%20gy3t%20qojq&issuer=X", 1],
    ["a Google Authenticator migration URI", "otpauth-migration://offline?data=CjYKCkhlbGxvId6tvu8SGUFDTUUgQ286YWxp", 1],
    ["a steam:// seed", "login_totp\nsteam://JBSWY3DPEHPK3PXP\n", 2],
    ["an .env line", `AWS_REGION=eu-west-1\nAWS_ROOT_TOTP_SECRET=${SEED}\n`, 2],
    ["a YAML field", `client: acme\nmfa:\n  seed: "${SEED}"\n`, 3],
    ["a text note with a grouped seed", "Registrar 2FA\nSecret key: jbsw y3dp ehpk 3pxp\n", 2],
    ["a JSON field named totp", `{"name":"ACME","login":{"totp":"${SEED}"}}`, 1],
    ["a decrypted vault document", serializeVaultDoc({ version: 1, vault: "acme", entries: { aws: { type: "totp", secret: SEED, algorithm: "SHA1", digits: 6, period: 30, issuer: "AWS", account: "root", notes: "", created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z" } } }), 7],
    ["a CSV with a secret column", `name,issuer,secret\naws,Amazon,${SEED}\n`, 2],
    ["a semicolon CSV with a TOTP column", `Title;User;TOTP\n"AWS";"root";"JBSW Y3DP EHPK 3PXP"\n`, 2],
    ["a LastPass CSV", `url,username,password,totp,extra,name,grouping,fav\nhttps://x,root,,${SEED},,AWS,,0\n`, 2],
    ["a seed in a source file", `const otpSecret = '${SEED}';\n`, 1],
    ["a field whose name is two words", `{"TOTP Secret": "${SEED}"}`, 1],
  ])("flags %s", (_label, text, line) => {
    const hit = scanForSeed(text);
    expect(hit).not.toBeNull();
    expect(hit!.line).toBe(line);
  });

  it("names the file and line in its finding, never the seed", () => {
    const f = seedFinding("notes/aws.txt", `x\nsecret: ${SEED}\n`)!;
    expect(f).toMatchObject({ file: "notes/aws.txt", line: 2, check: "plaintext-seed" });
    expect(f.message).toMatch(/plaintext MFA seed \(a field named "secret" holding a base32 seed\)/);
    expect(f.message).not.toContain(SEED);
    expect(f.vault).toBeUndefined();
  });
});

describe("seed scan: what it leaves alone", () => {
  it("never flags mfavault's own files: vault.age, manifest, card, recipients", async () => {
    const alice = newIdentity();
    const key = deriveSigningKey(alice);
    const doc = serializeVaultDoc({ version: 1, vault: "acme", entries: {} }).replace('"entries": {}', `"entries": {"otp": {"secret": "${SEED}"}}`);
    expect(scanForSeed(doc)).not.toBeNull();
    const armored = await encryptToRecipients(Buffer.from(doc), [alice.recipient]);
    expect(scanForSeed(armored)).toBeNull();
    const manifest = signManifest(
      { version: 1, vault: "acme/otp-seed", recipients: [{ name: "otp-admin", recipient: alice.recipient }], stanzas: 1, sha256: "a".repeat(64), writer: "otp-admin", written: "2026-01-01T00:00:00Z" },
      key,
    );
    expect(scanForSeed(serializeManifest(manifest))).toBeNull();
    expect(scanForSeed(serializeCard({ name: "seed", recipient: alice.recipient, signingKey: key.publicKey, status: "active", created: "2026-01-01T00:00:00Z" }))).toBeNull();
    expect(scanForSeed(serializeRecipientsFile("otp", ["otp-admin", "secret-keeper", "seedling"]))).toBeNull();
  });

  it("never flags audit lines, however many and whatever they name", () => {
    const key = deriveSigningKey(newIdentity());
    let head = EMPTY_CHAIN;
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const { line, text } = buildAuditLine(
        { action: i % 2 ? "code" : "reveal", target: `acme/otp-${i}/totp-secret-seed`, details: { secretRevealed: true, seed: i } },
        { engineer: "otp", host: "seed-host", now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), head },
        key,
      );
      lines.push(text);
      head = { seq: line.seq, hash: hashLine(text) };
    }
    expect(scanForSeed(`${lines.join("\n")}\n`)).toBeNull();
  });

  it("never flags armored or base64 ciphertext of any content", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4096 }), (bytes) => {
        expect(scanForSeed(armor(bytes))).toBeNull();
        expect(scanForSeed(`{"sig":"${Buffer.from(bytes).toString("base64")}"}`)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["an encrypted Aegis export", '{"version":1,"header":{"slots":[{"type":1,"key":"491d4e"}],"params":{"nonce":"0a","tag":"0b"}},"db":"q3Vh2V1otpcXNlY3JldA=="}'],
    ["an encrypted 2FAS export", '{"services":[],"servicesEncrypted":"c2VjcmV0:c2VlZA==:b3Rw","reference":"eA==:eQ==:eg==","schemaVersion":4}'],
    ["an encrypted Bitwarden export", '{"encrypted":true,"items":[{"login":{"totp":"2.AAAAAAAAAAAAAAAAAAAAAA==|BBBBBBBBBBBBBBBBBBBBBBBB|CCCC="}}]}'],
    ["README placeholders", 'echo "otpauth://totp/GitHub:ops?secret=…&issuer=GitHub" | mfavault add acme/github --uri-stdin\nsecret: <your seed>\n'],
    ["a password in a field named secret", '{"client_secret":"CorrectHorseBatteryStaple"}'],
    ["an English word in a field named secret", "secret = supercalifragilistic\n"],
    ["a placeholder without digits", "TOTP_SECRET=YOURSECRETGOESHERE\n"],
    ["hex in a field named sha256", `{"sha256":"${"ab".repeat(32)}","seed_count":12}`],
    ["a CSV whose secret column is empty", "name,secret\naws,\ngithub,\n"],
    ["steam browser links", "steam://run/440\n"],
    ["prose that mentions a secret", "The secret of this repository is that it holds none: see SECURITY.md for the seed policy.\n"],
    ["a binary file", Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(`secret=${SEED}`)])],
  ])("does not flag %s", (_label, content) => {
    expect(scanForSeed(content)).toBeNull();
  });
});

describe("looksLikeSeed", () => {
  it("wants 16+ single-case base32 characters of a valid length, with a digit unless relaxed", () => {
    expect(looksLikeSeed("JBSWY3DPEHPK3PXP")).toBe(true);
    expect(looksLikeSeed("jbsw-y3dp-ehpk-3pxp")).toBe(true);
    expect(looksLikeSeed("JBSWY3DPEHPK3PX")).toBe(false); // 15 characters
    expect(looksLikeSeed("JbswY3DPEHPK3PXP")).toBe(false); // mixed case
    expect(looksLikeSeed("ABCDEFGHIJKLMNOP")).toBe(false);
    expect(looksLikeSeed("ABCDEFGHIJKLMNOP", false)).toBe(true);
    expect(looksLikeSeed("JBSWY3DPEHPK3PXP1")).toBe(false); // 1 is not base32
    expect(looksLikeSeed("JBSWY3DPEHPK3PXPA")).toBe(false); // 17 characters cannot be base32
  });
});
