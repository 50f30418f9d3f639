import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeBase32, encodeBase32, normalizeBase32 } from "../../src/core/base32.js";
import { hotp, steam, totp } from "../../src/core/otp.js";
import { isMfaError } from "../../src/core/errors.js";

const ascii = (s: string) => Buffer.from(s, "ascii");

describe("HOTP (RFC 4226 Appendix D)", () => {
  const key = ascii("12345678901234567890");
  const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
  expected.forEach((code, counter) => {
    it(`counter ${counter} gives ${code}`, () => expect(hotp(key, BigInt(counter))).toBe(code));
  });
});

describe("TOTP (RFC 6238 Appendix B, 8 digits)", () => {
  const keys = {
    SHA1: ascii("12345678901234567890"),
    SHA256: ascii("12345678901234567890123456789012"),
    SHA512: ascii("1234567890123456789012345678901234567890123456789012345678901234"),
  } as const;
  const table: [number, string, string, string][] = [
    [59, "94287082", "46119246", "90693936"],
    [1111111109, "07081804", "68084774", "25091201"],
    [1111111111, "14050471", "67062674", "99943326"],
    [1234567890, "89005924", "91819424", "93441116"],
    [2000000000, "69279037", "90698825", "38618901"],
    [20000000000, "65353130", "77737706", "47863826"],
  ];
  for (const [t, sha1, sha256, sha512] of table) {
    it(`T=${t}`, () => {
      expect(totp(keys.SHA1, t, 30, 8, "SHA1")).toBe(sha1);
      expect(totp(keys.SHA256, t, 30, 8, "SHA256")).toBe(sha256);
      expect(totp(keys.SHA512, t, 30, 8, "SHA512")).toBe(sha512);
    });
  }
  it("pads 10-digit codes (the modulus exceeds 31 bits)", () => {
    expect(totp(keys.SHA1, 59, 30, 10)).toMatch(/^\d{10}$/);
  });
});

describe("Steam Guard (shared/reference/OTP-INTERCHANGE.md §4.4)", () => {
  it("matches the Bitwarden SDK published vector", () => {
    expect(steam(decodeBase32("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"), 1672531200)).toBe("7W6CJ");
  });
  it.each([
    [59, "PV9M4"],
    [1111111109, "PY4YB"],
    [1234567890, "VHHQY"],
    [2000000000, "9N776"],
  ])("RFC 20-byte seed at t=%i gives %s", (t, code) => {
    expect(steam(ascii("12345678901234567890"), t)).toBe(code);
  });
  it("matches the Aegis test key", () => {
    expect(steam(decodeBase32("JRZCL47CMXVOQMNPZR2F7J4RGI"), 59)).toBe("9WW3X");
  });
});

describe("extra TOTP vectors (§4.3)", () => {
  it.each([
    ["JBSWY3DPEHPK3PXP", 0, "282760"],
    ["JBSWY3DPEHPK3PXP", 59, "996554"],
    ["JBSWY3DPEHPK3PXP", 1672531200, "082136"],
    ["wqiq25brkzycjvyp", 1672531200, "194506"],
    ["PIUDISEQYA======", 1672531200, "829846"],
    ["JBSWY3DPEHPK3PXPAA", 59, "996554"],
  ])("%s at t=%i gives %s", (seed, t, code) => {
    expect(totp(decodeBase32(seed), t)).toBe(code);
  });
});

describe("base32 seeds", () => {
  it("decodes the RFC 4648 test vectors", () => {
    const vectors: [string, string][] = [["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"]];
    for (const [plain, b32] of vectors.slice(1)) {
      expect(decodeBase32(b32).toString()).toBe(plain);
      expect(encodeBase32(Buffer.from(plain))).toBe(b32);
    }
  });
  it("accepts lowercase, spaces, dashes and padding", () => {
    expect(normalizeBase32("jbsw y3dp-ehpk 3pxp")).toBe("JBSWY3DPEHPK3PXP");
    expect(normalizeBase32("MZXW6YQ=")).toBe("MZXW6YQ");
  });
  it.each([
    ["", /empty seed/],
    ["JBSWY3DPEHPK3PX1", /character 16/],
    ["JBSWY3DPEHPK3PXP=", /padding/],
    ["ABC", /cannot be base32/],
    ["AB=C====", /padding may only appear at the end/],
  ])("refuses %j with a clear error that does not echo it", (input, message) => {
    try {
      normalizeBase32(input);
      expect.unreachable();
    } catch (e) {
      expect(isMfaError(e) && e.kind).toBe("badInput");
      expect((e as Error).message).toMatch(message);
      if (input.length > 3) expect((e as Error).message).not.toContain(input);
    }
  });
  it("round-trips any bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
      expect(decodeBase32(encodeBase32(bytes)).equals(Buffer.from(bytes))).toBe(true);
    }), { numRuns: 500 });
  });
});
