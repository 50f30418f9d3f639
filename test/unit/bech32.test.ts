import { execFileSync } from "node:child_process";
import { bech32 } from "@scure/base";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBech32, decodeBech32Words, encodeBech32 } from "../../src/crypto/bech32.js";
import { x25519PublicBytes } from "../../src/crypto/x25519.js";

// BIP 173's test vectors (https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki#test-vectors).
const VALID = [
  "A12UEL5L",
  "a12uel5l",
  "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
  "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
  `11${"q".repeat(82)}c8247j`,
  "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
  "?1ezyfcl",
];
const INVALID: [string, string][] = [
  ["\x201nwldj5", "prefix character out of range"],
  ["\x7f1axkwrx", "prefix character out of range"],
  ["\x801eym55h", "prefix character out of range"],
  ["pzry9x0s0muk", "no separator"],
  ["1pzry9x0s0muk", "empty prefix"],
  ["x1b4n0q5v", "invalid data character"],
  ["li1dgmt3", "checksum too short"],
  ["de1lg7wt\xff", "invalid character in checksum"],
  ["A1G7SGD8", "checksum computed with an uppercase prefix"],
  ["10a06t8", "empty prefix"],
  ["1qzzfhee", "empty prefix"],
];

describe("bech32", () => {
  it.each(VALID)("accepts the BIP 173 vector %s", (s) => {
    const { prefix, words } = decodeBech32Words(s);
    expect(prefix).toBe(s.slice(0, s.lastIndexOf("1")).toLowerCase());
    expect(words.length).toBe(s.length - prefix.length - 1 - 6);
  });

  it.each(INVALID)("refuses the BIP 173 vector %j (%s)", (s) => {
    expect(() => decodeBech32Words(s)).toThrow(/bech32/);
  });

  it("refuses mixed case and a changed character", () => {
    expect(() => decodeBech32Words("A12uEL5L")).toThrow(/mixed case/);
    expect(() => decodeBech32Words("a12uel5m")).toThrow(/checksum/);
  });

  it("refuses padding that is too long or not zero when turning words into bytes", () => {
    expect(() => decodeBech32(bech32.encode("x", [1]))).toThrow(/padding/); // 5 bits: not a whole byte
    expect(() => decodeBech32(bech32.encode("x", [0, 1]))).toThrow(/padding/); // one byte, then bits 01
    expect(decodeBech32(bech32.encode("x", [0, 0])).bytes).toEqual(new Uint8Array([0]));
  });

  it("encodes and decodes exactly as @scure/base does, for any prefix and bytes", () => {
    const prefix = fc.stringMatching(/^[a-z0-9-]{1,20}$/).filter((p) => !p.includes("1"));
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 1200 }), (p, bytes) => {
        const ours = encodeBech32(p, bytes);
        expect(ours).toBe(bech32.encode(p, bech32.toWords(bytes), false));
        const back = decodeBech32(ours);
        expect(back.prefix).toBe(p);
        expect(Buffer.from(back.bytes).equals(Buffer.from(bytes))).toBe(true);
        expect(decodeBech32(ours.toUpperCase()).bytes).toEqual(back.bytes);
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with age-keygen on the recipient of a fresh identity", () => {
    const out = execFileSync("age-keygen", { encoding: "utf8" });
    const recipient = /# public key: (age1\S+)/.exec(out)![1]!;
    const secret = /^(AGE-SECRET-KEY-1\S+)$/m.exec(out)![1]!;
    const { prefix, bytes } = decodeBech32(secret);
    expect(prefix).toBe("age-secret-key-");
    expect(encodeBech32("age", x25519PublicBytes(bytes))).toBe(recipient);
  });
});
