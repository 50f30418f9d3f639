import { describe, expect, it } from "vitest";
import { parseEnte } from "../../../src/formats/ente.js";
import { otpFieldEntry, parseOtpauthList } from "../../../src/formats/otpauth-list.js";
import { badInputMessage } from "./expect-bad-input.js";

const SEED = "JBSWY3DPEHPK3PXP";

describe("otpauth URI lists", () => {
  it("skips blank lines and comments and numbers lines as the file does (CRLF, CR)", () => {
    const r = parseOtpauthList(`# comment\r\n\r\notpauth://totp/A:a?secret=${SEED}\rotpauth://hotp/B:b?secret=${SEED}&counter=3\n`);
    expect(r.problems).toEqual([]);
    expect(r.entries.map((e) => [e.at, e.issuer, e.params.type])).toEqual([
      ["line 3", "A", "totp"],
      ["line 4", "B", "hotp"],
    ]);
  });

  it.each([
    [`otpauth://totp/%FF?secret=${SEED}`, /invalid percent-escape/],
    [`otpauth://totp/%E2%82?secret=${SEED}`, /invalid percent-escape/],
    [`otpauth://totp/x?secret=${SEED}&issuer=%ZZ`, /invalid percent-escape/],
    [`otpauth://totp/x?secret=${SEED}&secret=${SEED}`, /appears twice/],
    [`otpauth://totp/x?secret=${SEED}&digits=6&digits=8`, /appears twice/],
    ["otpauth://totp/x?secret=JBSWY3DPEHPK3PX1", /invalid base32 seed: character 16/],
    ["otpauth://totp/x?secret=JBSW=Y3DPEHPK3PXP", /padding may only appear at the end/],
    ["otpauth://totp/x?secret=", /empty seed/],
    ["otpauth://totp/x?issuer=X", /no secret/],
    [`otpauth://totp/x?secret=${SEED}&digits=1e1`, /whole number/],
    [`otpauth://totp/x?secret=${SEED}&period=0`, /period must be/],
    [`otpauth://hotp/x?secret=${SEED}&counter=-1`, /whole number/],
    [`otpauth://motp/x?secret=${SEED}`, /unknown type "motp"/],
    [`otpauth://totp/x?secret=${SEED}&algorithm=SHA3-256`, /unsupported algorithm/],
    [`http://example.com/?secret=${SEED}`, /not an otpauth URI/],
  ])("reports %s as a bad line without echoing the seed", (uri, message) => {
    const r = parseOtpauthList(`otpauth://totp/ok?secret=${SEED}\n${uri}\n`);
    expect(r.entries).toHaveLength(1);
    expect(r.problems).toEqual([{ at: "line 2", problem: expect.stringMatching(message) }]);
    expect(r.problems[0]!.problem).not.toContain(SEED);
  });

  it("sends otpauth-migration lines to the Google decoder in the same list", () => {
    const migration = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";
    const r = parseOtpauthList(`otpauth://totp/A:a?secret=${SEED}\n${migration}\n`);
    expect(r.entries.map((e) => [e.at, e.issuer, e.account])).toEqual([
      ["line 1", "A", "a"],
      ["line 2, account 1", "Example", "alice@google.com"],
    ]);
  });

  it("reads a password manager's TOTP field as a URI, steam:// or a bare base32 secret", async () => {
    expect(otpFieldEntry("jbsw y3dp ehpk 3pxp", "x").params).toEqual({ type: "totp", secret: SEED, algorithm: "SHA1", digits: 6, period: 30 });
    expect(otpFieldEntry(`steam://${SEED}`, "x").params.type).toBe("steam");
    expect(await badInputMessage(() => otpFieldEntry("PIUD1IS!EQYA", "x"))).toMatch(/invalid base32 seed: character 5/);
  });
});

describe("Ente plain export", () => {
  it("leaves trashed codes out (counted), keeps notes, reads Algorithm.sha256", () => {
    const display = (o: object) => encodeURIComponent(JSON.stringify(o));
    const r = parseEnte(
      `otpauth://totp/A:a?secret=${SEED}&algorithm=Algorithm.sha256&codeDisplay=${display({ trashed: false, note: "n" })}\n` +
        `otpauth://totp/B:b?secret=${SEED}&codeDisplay=${display({ trashed: true })}\n`,
    );
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]).toMatchObject({ notes: "n", params: { algorithm: "SHA256" } });
    expect(r.skipped).toBe(1);
    expect(r.notes[0]).toMatch(/line 2: left out a code that is in Ente's trash/);
  });

  it("refuses the encrypted export with the way round it", async () => {
    expect(await badInputMessage(() => parseEnte('{"version":1,"kdfParams":{"memLimit":1},"encryptedData":"x","encryptionNonce":"y"}'))).toMatch(
      /encrypted Ente export: export again .* Plain text/,
    );
  });

  it("reports codeDisplay that is not JSON as a bad line", () => {
    expect(parseEnte(`otpauth://totp/A:a?secret=${SEED}&codeDisplay=%7Bnope\n`).problems[0]).toMatchObject({ at: "line 1", problem: expect.stringMatching(/codeDisplay/) });
  });
});
