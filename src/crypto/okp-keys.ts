// X25519 and Ed25519 KeyObjects from raw key bytes. Built from a JWK, OpenSSL makes them straight from
// the raw bytes; a DER key goes through OpenSSL's decoder instead, which costs ~0.5 ms a key on the cold
// start of every `mfavault code` (three keys: the identity, its signing key, a stanza's ephemeral share).
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

export type OkpCurve = "X25519" | "Ed25519";

export const PKCS8_PREFIX: Record<OkpCurve, Buffer> = {
  X25519: Buffer.from("302e020100300506032b656e04220420", "hex"),
  Ed25519: Buffer.from("302e020100300506032b657004220420", "hex"),
};
export const SPKI_PREFIX: Record<OkpCurve, Buffer> = {
  X25519: Buffer.from("302a300506032b656e032100", "hex"),
  Ed25519: Buffer.from("302a300506032b6570032100", "hex"),
};

/**
 * The private key for a 32-byte secret (an X25519 scalar or an Ed25519 seed). A JWK private key must
 * carry the public `x` as a string, but Node builds the key from `d` alone and OpenSSL derives the
 * public half itself; should a Node ever insist on a true `x`, the DER route below still works.
 */
export function okpPrivateKey(crv: OkpCurve, secret: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: { kty: "OKP", crv, d: Buffer.from(secret).toString("base64url"), x: "" }, format: "jwk" });
  } catch {
    return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[crv], secret]), format: "der", type: "pkcs8" });
  }
}

/** The public key for 32 raw bytes; throws if OpenSSL refuses them. */
export function okpPublicKey(crv: OkpCurve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error(`${crv} public key: not 32 bytes`);
  return createPublicKey({ key: { kty: "OKP", crv, x: Buffer.from(raw).toString("base64url") }, format: "jwk" });
}

/** The raw 32 bytes of the public half of an X25519 or Ed25519 key. */
export function okpPublicBytes(key: KeyObject): Buffer {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return Buffer.from(pub.export({ format: "jwk" }).x!, "base64url");
}
