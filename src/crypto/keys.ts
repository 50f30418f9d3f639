// Age identities and recipients as strings (bech32), and the Ed25519 signing key derived from an identity.
import { hkdfSync, sign, verify, type KeyObject } from "node:crypto";
import { badInput } from "../core/errors.js";
import { decodeBech32, encodeBech32 } from "./bech32.js";
import { okpPrivateKey, okpPublicBytes, okpPublicKey } from "./okp-keys.js";
import { x25519PublicBytes } from "./x25519.js";

export type IdentityKind = "x25519" | "pq";

export interface AgeIdentity {
  kind: IdentityKind;
  /** The AGE-SECRET-KEY-… string: the whole secret, kept only in memory. */
  encoded: string;
  /** Raw secret bytes: the X25519 scalar, or the hybrid identity's seed. */
  secret: Uint8Array;
  recipient: string;
  /** X25519 only: the public key bytes, computed once with the recipient. */
  publicBytes?: Uint8Array;
}

const X25519_SECRET_HRP = "age-secret-key-";
const PQ_SECRET_HRP = "age-secret-key-pq-";

/**
 * Domain-separated derivation of the engineer's Ed25519 signing key from their age secret, so the one
 * age identity is the whole backup. HKDF-SHA256, empty salt, this info label; the 32 output bytes are the
 * Ed25519 seed (RFC 8032 private key).
 */
export const SIGNING_KEY_LABEL = "mfavault.v1 ed25519 signing key";

export function parseIdentity(s: string): AgeIdentity {
  const encoded = s.trim();
  const upper = encoded.toUpperCase();
  if (!upper.startsWith("AGE-SECRET-KEY-")) throw badInput("not an age identity: expected AGE-SECRET-KEY-1…");
  let decoded: { prefix: string; bytes: Uint8Array };
  try {
    decoded = decodeBech32(encoded.toLowerCase());
  } catch {
    throw badInput("not a valid age identity: bad bech32 encoding");
  }
  if (decoded.prefix === X25519_SECRET_HRP) {
    if (decoded.bytes.length !== 32) throw badInput("not a valid age identity: wrong key length");
    const publicBytes = x25519PublicBytes(decoded.bytes);
    const recipient = encodeBech32("age", publicBytes);
    return { kind: "x25519", encoded: upper, secret: decoded.bytes, recipient, publicBytes };
  }
  if (decoded.prefix === PQ_SECRET_HRP) {
    // The hybrid recipient is computed by typage (ML-KEM-768 + X25519), loaded lazily: see pq.ts.
    return { kind: "pq", encoded: upper, secret: decoded.bytes, recipient: "" };
  }
  throw badInput(`unsupported age identity type "${decoded.prefix}"`);
}

export function encodeX25519Identity(secret: Uint8Array): string {
  return encodeBech32(X25519_SECRET_HRP, secret).toUpperCase();
}

/** Parses an age-keygen file: comments and blank lines allowed, one or more identities. */
export function parseIdentityFile(text: string): AgeIdentity[] {
  const ids: AgeIdentity[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    ids.push(parseIdentity(line));
  }
  if (ids.length === 0) throw badInput("no age identity in the identity file");
  return ids;
}

export type RecipientKind = "x25519" | "pq";

export function recipientKind(recipient: string): RecipientKind {
  if (/^age1pq1[02-9ac-hj-np-z]+$/.test(recipient)) return "pq";
  if (/^age1[02-9ac-hj-np-z]{58}$/.test(recipient)) return "x25519";
  throw badInput(`not an age recipient: "${recipient.slice(0, 80)}"`);
}

export function x25519RecipientBytes(recipient: string): Uint8Array {
  try {
    const { prefix, bytes } = decodeBech32(recipient);
    if (prefix === "age" && bytes.length === 32) return bytes;
  } catch {
    // fall through to the error below
  }
  throw badInput(`not a valid X25519 age recipient: "${recipient.slice(0, 80)}"`);
}

export interface SigningKey {
  privateKey: KeyObject;
  /** "ed25519:" + base64 of the raw 32-byte public key, as written on team cards. */
  publicKey: string;
}

export function deriveSigningKey(identity: AgeIdentity): SigningKey {
  const seed = Buffer.from(hkdfSync("sha256", identity.secret, Buffer.alloc(0), SIGNING_KEY_LABEL, 32));
  const privateKey = okpPrivateKey("Ed25519", seed);
  const raw = okpPublicBytes(privateKey);
  return { privateKey, publicKey: `ed25519:${raw.toString("base64")}` };
}

export function signBytes(key: SigningKey, message: Uint8Array): string {
  return sign(null, message, key.privateKey).toString("base64");
}

// Parsed public keys by their card string: verifying a long audit chain re-uses one key per engineer,
// and parsing it again for every line would double the cost of `audit verify`.
const publicKeys = new Map<string, KeyObject>();

/** False for any malformed key or signature: callers report a finding, never crash. */
export function verifySignature(publicKey: string, message: Uint8Array, signature: string): boolean {
  const m = /^ed25519:([A-Za-z0-9+/]{43}=)$/.exec(publicKey);
  if (!m || !/^[A-Za-z0-9+/]{86}==$/.test(signature)) return false;
  try {
    let key = publicKeys.get(publicKey);
    if (!key) {
      key = okpPublicKey("Ed25519", Buffer.from(m[1]!, "base64"));
      publicKeys.set(publicKey, key);
    }
    return verify(null, message, key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

export function isSigningKey(s: string): boolean {
  return /^ed25519:[A-Za-z0-9+/]{43}=$/.test(s);
}
