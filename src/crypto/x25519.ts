// The age X25519 recipient type (spec §X25519), on node:crypto: wrapping and unwrapping the file key.
import { createCipheriv, createDecipheriv, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from "node:crypto";
import { badInput } from "../core/errors.js";
import { decodeB64NoPad, encodeB64NoPad, type Stanza } from "./age-header.js";
import { okpPrivateKey, okpPublicBytes, okpPublicKey, SPKI_PREFIX } from "./okp-keys.js";

const LABEL = "age-encryption.org/v1/X25519";
const ZERO_NONCE = Buffer.alloc(12);

const keyObjects = new WeakMap<Uint8Array, KeyObject>();

/** The KeyObject for a secret scalar, made once per secret. */
export function x25519PrivateKey(secret: Uint8Array): KeyObject {
  let key = keyObjects.get(secret);
  if (!key) {
    key = okpPrivateKey("X25519", secret);
    keyObjects.set(secret, key);
  }
  return key;
}

function x25519PublicKey(raw: Uint8Array): KeyObject {
  return okpPublicKey("X25519", raw);
}

// A re-key of a thousand vaults wraps to the same few recipients thousands of times; parse each once.
const recipientKeys = new Map<string, KeyObject>();

function recipientPublicKey(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString("base64");
  let key = recipientKeys.get(id);
  if (!key) {
    if (recipientKeys.size >= 1024) recipientKeys.clear();
    key = x25519PublicKey(raw);
    recipientKeys.set(id, key);
  }
  return key;
}

export function x25519PublicBytes(secret: Uint8Array): Buffer {
  return okpPublicBytes(x25519PrivateKey(secret));
}

function sharedSecret(privateKey: KeyObject, peer: Uint8Array | KeyObject): Buffer {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey: peer instanceof Uint8Array ? x25519PublicKey(peer) : peer });
  } catch {
    throw badInput("age X25519 stanza: invalid ephemeral share");
  }
  if (shared.every((b) => b === 0)) throw badInput("age X25519 stanza: low-order ephemeral share");
  return shared;
}

function wrapKey(shared: Buffer, share: Uint8Array, recipient: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.concat([share, recipient]), LABEL, 32));
}

export function wrapX25519(fileKey: Uint8Array, recipient: Uint8Array): Stanza {
  // The public half comes back DER-encoded from the same native call (cheaper than a KeyObject export);
  // Node's typings only model both halves encoded or neither.
  const pair = generateKeyPairSync("x25519", { publicKeyEncoding: { type: "spki", format: "der" } } as object) as unknown as { privateKey: KeyObject; publicKey: Buffer };
  const { privateKey } = pair;
  const share = pair.publicKey.subarray(SPKI_PREFIX.X25519.length);
  const key = wrapKey(sharedSecret(privateKey, recipientPublicKey(recipient)), share, recipient);
  const c = createCipheriv("chacha20-poly1305", key, ZERO_NONCE, { authTagLength: 16 });
  const body = Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()]);
  return { args: ["X25519", encodeB64NoPad(share)], body };
}

/** The file key if this stanza was made for `secret`, null if it was made for someone else. */
export function unwrapX25519(stanza: Stanza, secret: Uint8Array, ourPublic: Uint8Array): Buffer | null {
  if (stanza.args[0] !== "X25519") return null;
  if (stanza.args.length !== 2) throw badInput("age X25519 stanza: wrong number of arguments");
  const share = decodeB64NoPad(stanza.args[1]!, "X25519 share");
  if (share.length !== 32) throw badInput("age X25519 stanza: share is not 32 bytes");
  if (stanza.body.length !== 32) throw badInput("age X25519 stanza: body is not 32 bytes");
  const key = wrapKey(sharedSecret(x25519PrivateKey(secret), share), share, ourPublic);
  const d = createDecipheriv("chacha20-poly1305", key, ZERO_NONCE, { authTagLength: 16 });
  d.setAuthTag(stanza.body.subarray(16));
  try {
    return Buffer.concat([d.update(stanza.body.subarray(0, 16)), d.final()]);
  } catch {
    return null;
  }
}
