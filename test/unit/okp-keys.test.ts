import { createPrivateKey, createPublicKey, diffieHellman, sign, verify } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { okpPrivateKey, okpPublicBytes, okpPublicKey, PKCS8_PREFIX, SPKI_PREFIX, type OkpCurve } from "../../src/crypto/okp-keys.js";

const der = {
  privateKey: (crv: OkpCurve, secret: Uint8Array) => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[crv], secret]), format: "der", type: "pkcs8" }),
  publicBytes: (crv: OkpCurve, key: ReturnType<typeof createPrivateKey>) => createPublicKey(key).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX[crv].length),
};
const secret = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe("X25519 and Ed25519 keys from raw bytes (the JWK route)", () => {
  it("are the same keys OpenSSL builds from DER, public halves included", () => {
    fc.assert(
      fc.property(secret, secret, (a, b) => {
        for (const crv of ["X25519", "Ed25519"] as const) {
          expect(okpPublicBytes(okpPrivateKey(crv, a)).equals(der.publicBytes(crv, der.privateKey(crv, a)))).toBe(true);
        }
        // The same shared secret both ways, with public keys made from raw bytes.
        const pubB = okpPublicBytes(okpPrivateKey("X25519", b));
        const viaJwk = diffieHellman({ privateKey: okpPrivateKey("X25519", a), publicKey: okpPublicKey("X25519", pubB) });
        const viaDer = diffieHellman({ privateKey: der.privateKey("X25519", a), publicKey: createPublicKey({ key: Buffer.concat([SPKI_PREFIX.X25519, pubB]), format: "der", type: "spki" }) });
        expect(viaJwk.equals(viaDer)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("sign and verify as RFC 8032 says (test 1 of section 7.1)", () => {
    const seed = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
    const pub = Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex");
    const sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    const key = okpPrivateKey("Ed25519", seed);
    expect(okpPublicBytes(key).equals(pub)).toBe(true);
    expect(sign(null, Buffer.alloc(0), key).toString("hex")).toBe(sig);
    expect(verify(null, Buffer.alloc(0), okpPublicKey("Ed25519", pub), Buffer.from(sig, "hex"))).toBe(true);
  });

  it("refuses public keys that are not 32 bytes", () => {
    expect(() => okpPublicKey("X25519", new Uint8Array(31))).toThrow(/32 bytes/);
  });
});
