import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAegis } from "../../../src/formats/aegis.js";
import { parseAndOtp } from "../../../src/formats/andotp.js";
import { parseBitwardenJson } from "../../../src/formats/bitwarden.js";
import { parseFreeOtpPlus } from "../../../src/formats/freeotp-plus.js";
import { parseMfavaultJson } from "../../../src/formats/mfavault-json.js";
import { parseRaivo } from "../../../src/formats/raivo.js";
import { parseTwofas } from "../../../src/formats/twofas.js";
import { encryptedAegis, encryptedTwofas } from "../../helpers/fixture-makers.js";
import { badInputMessage } from "./expect-bad-input.js";

const FIX = resolve(import.meta.dirname, "../../../fixtures/import");
const fixture = (name: string) => readFileSync(resolve(FIX, name));
const SEED = "JBSWY3DPEHPK3PXP";

describe("Aegis", () => {
  const plain = JSON.parse(fixture("aegis-plain.json").toString());

  it("reads every entry kind of the plain backup", () => {
    const r = parseAegis(fixture("aegis-plain.json"));
    expect(r.problems).toEqual([]);
    expect(r.entries.map((e) => [e.at, e.params.type, e.issuer, e.account])).toEqual([
      ["entry 1", "totp", "ACME Co", "alice@example.com"],
      ["entry 2", "hotp", "HotpCorp", "bob@example.com"],
      ["entry 3", "totp", "Sha256 Corp", "dave"],
      ["entry 4", "steam", "Steam", "gamer"],
    ]);
    expect(r.entries[1]!.params.counter).toBe(5);
  });

  it("decrypts an encrypted backup with the password, and refuses a wrong or missing one", async () => {
    const file = encryptedAegis(plain.db, "pw");
    expect(parseAegis(file, { password: "pw" }).entries).toHaveLength(4);
    expect(await badInputMessage(() => parseAegis(file, { password: "nope" }))).toMatch(/wrong password/);
    expect(await badInputMessage(() => parseAegis(file))).toMatch(/is encrypted: give its password/);
    const tampered = JSON.parse(file);
    tampered.db = Buffer.from("x".repeat(40)).toString("base64");
    expect(await badInputMessage(() => parseAegis(JSON.stringify(tampered), { password: "pw" }))).toMatch(/does not decrypt/);
    tampered.header.slots[0].n = 2 ** 30;
    expect(await badInputMessage(() => parseAegis(JSON.stringify(tampered), { password: "pw" }))).toMatch(/scrypt parameters out of range/);
  });

  it("reports bad entries by number: unknown type, MD5, missing HOTP counter, bad secret, non-integer digits", () => {
    const entries = [
      { type: "yandex", name: "a", issuer: "", info: { secret: SEED, algo: "SHA256", digits: 6, period: 30 } },
      { type: "totp", name: "b", issuer: "", info: { secret: SEED, algo: "MD5", digits: 6, period: 30 } },
      { type: "hotp", name: "c", issuer: "", info: { secret: SEED, algo: "SHA1", digits: 6 } },
      { type: "totp", name: "d", issuer: "", info: { secret: "JBSWY3DP!HPK3PXP", algo: "SHA1", digits: 6, period: 30 } },
      { type: "totp", name: "e", issuer: "", info: { secret: SEED, algo: "SHA1", digits: 6.5, period: 30 } },
      { type: "totp", name: "f", issuer: "", info: { secret: SEED, algo: "SHA1", digits: 6, period: 30 } },
    ];
    const r = parseAegis(JSON.stringify({ version: 1, header: { slots: null, params: null }, db: { version: 3, entries } }));
    expect(r.entries.map((e) => e.account)).toEqual(["f"]);
    expect(r.problems.map((p) => `${p.at}: ${p.problem}`)).toEqual([
      'entry 1: unsupported OTP type "yandex" (mfavault takes totp, hotp and steam)',
      'entry 2: "algo": unsupported algorithm "MD5" (SHA1, SHA256 or SHA512)',
      'entry 3: "counter" is missing',
      "entry 4: invalid base32 seed: character 9 is not in A-Z or 2-7",
      'entry 5: "digits" must be a whole number',
    ]);
  });

  it("refuses newer formats and non-JSON without quoting the file", async () => {
    expect(await badInputMessage(() => parseAegis('{"version":2,"header":{},"db":{}}'))).toMatch(/format version 2/);
    expect(await badInputMessage(() => parseAegis('{"version":1,"header":{"slots":null},"db":{"version":4,"entries":[]}}'))).toMatch(/vault version 4 is newer/);
    const broken = await badInputMessage(() => parseAegis(`{"version":1,"db":{"entries":[{"info":{"secret":${SEED}}}]}}`));
    expect(broken).toBe("the Aegis backup: not valid JSON at line 1, column 49");
  });
});

describe("2FAS", () => {
  const plain = JSON.parse(fixture("twofas.2fas").toString());

  it("reads services, with the service name as the entry's name", () => {
    const r = parseTwofas(fixture("twofas.2fas"));
    expect(r.entries.map((e) => [e.name, e.issuer, e.account, e.params.type])).toEqual([
      ["ACME Co", "ACME Co", "alice@example.com", "totp"],
      ["HotpCorp", "HotpCorp", "bob@example.com", "hotp"],
      ["Sha512 Co", "Sha512 Co", "erin", "totp"],
    ]);
  });

  it("decrypts servicesEncrypted, and refuses a wrong password, a newer schema and a tampered blob", async () => {
    const file = encryptedTwofas(plain, "pw");
    expect(parseTwofas(file, { password: "pw" }).entries).toHaveLength(3);
    expect(await badInputMessage(() => parseTwofas(file, { password: "PW" }))).toMatch(/wrong password/);
    expect(await badInputMessage(() => parseTwofas(JSON.stringify({ ...plain, schemaVersion: 5 })))).toMatch(/schema version 5/);
    expect(await badInputMessage(() => parseTwofas(JSON.stringify({ ...plain, services: [], servicesEncrypted: "abc" }), { password: "pw" }))).toMatch(/three base64 parts/);
  });

  it("treats a service without tokenType as TOTP", () => {
    const r = parseTwofas(JSON.stringify({ schemaVersion: 2, services: [{ name: "Old", secret: SEED, otp: { account: "me" } }] }));
    expect(r.entries[0]!.params).toEqual({ type: "totp", secret: SEED, algorithm: "SHA1", digits: 6, period: 30 });
  });
});

describe("Bitwarden JSON", () => {
  it("skips items without TOTP and never imports passwords or notes", () => {
    const r = parseBitwardenJson(fixture("bitwarden.json"));
    expect(r.skipped).toBe(2);
    expect(r.entries.map((e) => [e.name, e.account, e.notes])).toEqual([
      ["ACME Co", "alice@example.com", undefined],
      ["Bare secret example", "carol", undefined],
    ]);
    expect(JSON.stringify(r)).not.toContain("not-a-real-password");
  });

  it("refuses encrypted exports instead of importing nothing", async () => {
    expect(await badInputMessage(() => parseBitwardenJson('{"encrypted":true,"passwordProtected":true,"data":"x"}'))).toMatch(/encrypted: export again/);
  });
});

describe("andOTP, FreeOTP+, Raivo and mfavault JSON", () => {
  it("andOTP: strips padding; splits old 'Issuer - Account' labels", () => {
    const r = parseAndOtp(fixture("andotp.json"));
    expect(r.entries[2]).toMatchObject({ issuer: "OldCorp", account: "frank", params: { secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ" } });
  });

  it("FreeOTP+: signed bytes to base32, HOTP counter + 1, Steam from issuerExt, bytes out of range refused", () => {
    const r = parseFreeOtpPlus(fixture("freeotpplus.json"));
    expect(r.entries.map((e) => e.params)).toEqual([
      { type: "totp", secret: SEED, algorithm: "SHA1", digits: 6, period: 30 },
      { type: "hotp", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", algorithm: "SHA1", digits: 6, period: 30, counter: 5 },
    ]);
    const odd = parseFreeOtpPlus(
      JSON.stringify({
        tokens: [
          { type: "TOTP", issuerExt: "Steam", label: "me", secret: [72, 101, 108, 108, 111, 33, -34, -83, -66, -17], digits: 5, period: 30, algo: "SHA1" },
          { type: "TOTP", label: "x", secret: [1, 2, 999], digits: 6, period: 30, algo: "SHA1" },
          { type: "TOTP", label: "y", secret: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], digits: 6, period: 30, algo: "SHA224" },
        ],
      }),
    );
    expect(odd.entries[0]!.params.type).toBe("steam");
    expect(odd.problems.map((p) => p.problem)).toEqual(['"secret" holds a value that is not a byte', '"algo": unsupported algorithm "SHA224" (SHA1, SHA256 or SHA512)']);
  });

  it("Raivo: string values, strictly whole numbers", () => {
    const list = JSON.parse(fixture("raivo-otp-export.json").toString());
    list[0].digits = "6.0";
    list[1].counter = "0x5";
    const r = parseRaivo(JSON.stringify(list));
    expect(r.problems).toEqual([
      { at: "entry 1", problem: '"digits" must be a whole number' },
      { at: "entry 2", problem: '"counter" must be a whole number' },
    ]);
    expect(r.entries[0]!.params).toMatchObject({ algorithm: "SHA512", digits: 7 });
  });

  it("mfavault JSON: exact names, and a wrong format marker refused", async () => {
    const r = parseMfavaultJson(JSON.stringify({ format: "mfavault-export", version: 1, entries: [{ name: "aws", type: "hotp", secret: SEED, counter: 9, issuer: "AWS", account: "", notes: "n" }] }));
    expect(r.entries[0]).toMatchObject({ name: "aws", exactName: true, notes: "n", params: { type: "hotp", counter: 9 } });
    expect(await badInputMessage(() => parseMfavaultJson('{"format":"other"}'))).toMatch(/"format" is not/);
  });
});
