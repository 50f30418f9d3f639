import { describe, expect, it } from "vitest";
import { batchProblems, migrationData, parseGoogleMigration, parseMigrationUri } from "../../../src/formats/google-migration.js";
import { readFields } from "../../../src/formats/protobuf-reader.js";
import { migrationPayload, migrationUri } from "../../helpers/fixture-makers.js";
import { badInputMessage } from "./expect-bad-input.js";

const REFERENCE = "otpauth-migration://offline?data=CjYKCkhlbGxvId6tvu8SGUFDTUUgQ286YWxpY2VAZXhhbXBsZS5jb20aB0FDTUUgQ28gASgBMAIKOQoUMTIzNDU2Nzg5MDEyMzQ1Njc4OTASD2JvYkBleGFtcGxlLmNvbRoISG90cENvcnAgASgBMAE4BRABGAEgACiVmu86";
const KEY = Buffer.from("abcdefghij");

describe("Google Authenticator migration payloads", () => {
  it("decodes the reference payload: TOTP and HOTP counter 5, issuer prefix stripped from the name", () => {
    const { result, batch } = parseMigrationUri(REFERENCE, "line 1");
    expect(result.problems).toEqual([]);
    expect(result.entries.map((e) => [e.issuer, e.account, e.params])).toEqual([
      ["ACME Co", "alice@example.com", { type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30 }],
      ["HotpCorp", "bob@example.com", { type: "hotp", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", algorithm: "SHA1", digits: 6, period: 30, counter: 5 }],
    ]);
    expect(batch).toMatchObject({ batchId: 123456789, batchSize: 1, batchIndex: 0 });
  });

  it("reads enum values as enums: digits 2 is eight, type 0 is TOTP, algorithm 3 is SHA512", () => {
    const uri = migrationUri(migrationPayload([{ secret: KEY, name: "x", digits: 2, type: 0, algorithm: 3 }]));
    expect(parseMigrationUri(uri, "l").result.entries[0]!.params).toMatchObject({ type: "totp", digits: 8, algorithm: "SHA512" });
  });

  it("splits an issuer out of the name when the issuer field is absent", () => {
    const uri = migrationUri(migrationPayload([{ secret: KEY, name: "Demo Issuer: Demo Account" }]));
    expect(parseMigrationUri(uri, "l").result.entries[0]).toMatchObject({ issuer: "Demo Issuer", account: "Demo Account" });
  });

  it("repairs base64 that went through a form decoder (+ as space), URL-safe alphabets and missing padding", () => {
    const payload = migrationPayload([{ secret: Buffer.from([0xfb, 0xff, 0xbf, 0xfe, 1, 2, 3, 4, 5, 6]), name: "x" }]);
    const b64 = payload.toString("base64");
    expect(b64).toMatch(/[+/]/);
    for (const data of [b64.replace(/\+/g, " "), b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")]) {
      expect(migrationData(`otpauth-migration://offline?data=${data}`)).toEqual(payload);
    }
  });

  it("decodes several batches and checks them complete", () => {
    const text = [0, 1, 2].map((i) => migrationUri(migrationPayload([{ secret: KEY, name: `n${i}` }], { size: 3, index: i, id: 7 }))).join("\r\n");
    const result = parseGoogleMigration(text);
    expect(result.problems).toEqual([]);
    expect(result.entries.map((e) => e.account)).toEqual(["n0", "n1", "n2"]);
  });

  it("names missing and repeated QR codes of a batch", () => {
    const b = (index: number, at: string) => ({ at, batchId: 9, batchSize: 4, batchIndex: index });
    expect(batchProblems([b(0, "line 1"), b(2, "line 2"), b(2, "line 3")])).toEqual([
      { at: "line 3", problem: "QR code 3 of 4 appears twice (also line 2)" },
      { at: "batch 9", problem: "QR codes 2, 4 of 4 missing: export or scan every QR code of the batch" },
    ]);
  });

  it("decodes a negative batch id written as a 10-byte varint", () => {
    const uri = migrationUri(migrationPayload([{ secret: KEY, name: "x" }], { size: 1, index: 0, id: -123 }));
    expect(parseMigrationUri(uri, "l").batch.batchId).toBe(-123);
  });

  it.each([
    ["algorithm 4 (MD5)", { algorithm: 4 }, /algorithm MD5 is not supported/],
    ["an unknown algorithm", { algorithm: 9 }, /unknown algorithm value 9/],
    ["an unknown digit count", { digits: 3 }, /unknown digit count value 3/],
    ["an unknown OTP type", { type: 5 }, /unknown OTP type value 5/],
    ["a negative counter", { type: 1, counter: -1n }, /counter is negative/],
    ["an empty secret", { secret: Buffer.alloc(0) }, /empty secret/],
  ])("refuses %s as a bad row, keeping the other rows", (_, patch, message) => {
    const uri = migrationUri(migrationPayload([{ secret: KEY, name: "good" }, { secret: KEY, name: "bad", ...patch }]));
    const { result } = parseMigrationUri(uri, "line 3");
    expect(result.entries.map((e) => e.account)).toEqual(["good"]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.at).toBe("line 3, account 2");
    expect(result.problems[0]!.problem).toMatch(message);
  });

  it("refuses truncated payloads at every cut as typed bad input, never as a crash", async () => {
    const payload = migrationPayload([{ secret: KEY, name: "Issuer:account", issuer: "Issuer", type: 1, counter: 300 }], { size: 1, index: 0, id: 5 });
    let refused = 0;
    for (let cut = 1; cut < payload.length; cut++) {
      const file = parseGoogleMigration(migrationUri(payload.subarray(0, cut)));
      if (file.problems.length > 0) refused++;
      for (const p of file.problems) expect(p.problem).not.toContain("abcdefghij");
    }
    // Every cut inside the OTP message or a varint is caught; cuts that land exactly between fields are
    // well-formed shorter messages and decode (as the wire format intends).
    expect(refused).toBeGreaterThan(payload.length / 2);
    expect(await badInputMessage(() => readFields(Buffer.from([0x0a, 0x05, 0x01]), "payload"))).toMatch(/truncated/);
    expect(await badInputMessage(() => readFields(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), "payload"))).toMatch(/longer than 10 bytes/);
    expect(await badInputMessage(() => readFields(Buffer.from([0x0b]), "payload"))).toMatch(/wire type 3/);
    expect(await badInputMessage(() => readFields(Buffer.from([0x00, 0x01]), "payload"))).toMatch(/invalid field number/);
  });

  it("refuses a field with the wrong wire type, a second data parameter and non-base64 data", async () => {
    const wrongWire = Buffer.from([0x08, 0x01]); // field 1 as a varint
    expect(parseGoogleMigration(migrationUri(wrongWire)).problems[0]!.problem).toMatch(/wrong wire type/);
    expect(await badInputMessage(() => migrationData("otpauth-migration://offline?data=AA&data=BB"))).toMatch(/appears twice/);
    expect(await badInputMessage(() => migrationData("otpauth-migration://offline?data=%%%"))).toMatch(/percent-escape/);
    expect(await badInputMessage(() => migrationData("otpauth-migration://offline?data=ab*cd"))).toMatch(/not base64/);
    expect(await badInputMessage(() => migrationData("otpauth-migration://online?data=AA"))).toMatch(/not a Google Authenticator export URI/);
  });
});
