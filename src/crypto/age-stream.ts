// The age payload: a 16-byte nonce, then ChaCha20-Poly1305 STREAM chunks of 64 KiB (spec §payload).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { badInput } from "../core/errors.js";

const CHUNK = 64 * 1024;
const TAG = 16;

function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", fileKey, nonce, "payload", 32));
}

export function encryptPayload(fileKey: Uint8Array, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(16);
  const key = payloadKey(fileKey, nonce);
  const parts: Buffer[] = [nonce];
  let counter = 0;
  let off = 0;
  do {
    const end = Math.min(off + CHUNK, plaintext.length);
    const last = end === plaintext.length;
    const c = createCipheriv("chacha20-poly1305", key, chunkNonce(counter++, last), { authTagLength: TAG });
    parts.push(c.update(plaintext.subarray(off, end)), c.final(), c.getAuthTag());
    off = end;
  } while (off < plaintext.length);
  return Buffer.concat(parts);
}

export function decryptPayload(fileKey: Uint8Array, payload: Buffer): Buffer {
  if (payload.length < 16 + TAG) throw badInput("age payload: truncated");
  const key = payloadKey(fileKey, payload.subarray(0, 16));
  const out: Buffer[] = [];
  let off = 16;
  let counter = 0;
  for (;;) {
    const remaining = payload.length - off;
    const last = remaining <= CHUNK + TAG;
    const size = last ? remaining : CHUNK + TAG;
    if (size < TAG) throw badInput("age payload: truncated chunk");
    const chunk = payload.subarray(off, off + size);
    const d = createDecipheriv("chacha20-poly1305", key, chunkNonce(counter++, last), { authTagLength: TAG });
    d.setAuthTag(chunk.subarray(size - TAG));
    try {
      out.push(d.update(chunk.subarray(0, size - TAG)), d.final());
    } catch {
      throw badInput("age payload: authentication failed (the file was altered or truncated)");
    }
    if (last) {
      if (size === TAG && counter > 1) throw badInput("age payload: empty final chunk");
      return Buffer.concat(out);
    }
    off += size;
  }
}
