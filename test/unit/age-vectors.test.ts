// age's own test vectors (C2SP CCTV, the cctv-age package) against our node:crypto X25519 implementation.
import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import * as cctv from "cctv-age";
import { decryptWithIdentity } from "../../src/crypto/age-file.js";
import { parseIdentity } from "../../src/crypto/keys.js";
import { isMfaError } from "../../src/core/errors.js";

interface Vector {
  expect: string;
  payload?: string;
  identities: string[];
  armored: boolean;
  passphrase: boolean;
  body: Buffer;
}

function parseVector(bytes: Uint8Array): Vector {
  const buf = Buffer.from(bytes);
  const split = buf.indexOf("\n\n");
  const headers = buf.subarray(0, split).toString("latin1").split("\n");
  let body = buf.subarray(split + 2);
  const v: Vector = { expect: "", identities: [], armored: false, passphrase: false, body };
  for (const h of headers) {
    const [key, ...rest] = h.split(": ");
    const value = rest.join(": ");
    if (key === "expect") v.expect = value;
    if (key === "payload") v.payload = value;
    if (key === "identity") v.identities.push(value);
    if (key === "passphrase") v.passphrase = true;
    if (key === "armored") v.armored = value === "yes";
    if (key === "compressed" && value === "zlib") body = inflateSync(body);
  }
  v.body = body;
  return v;
}

const all = Object.entries(cctv as unknown as Record<string, Uint8Array>).filter(([, b]) => b instanceof Uint8Array).map(([name, bytes]) => [name, parseVector(bytes)] as const);
// Our native path handles X25519 identities; scrypt and hybrid identities are typage's (tested upstream).
const x25519Only = all.filter(([, v]) => !v.passphrase && v.identities.length > 0 && v.identities.every((i) => i.startsWith("AGE-SECRET-KEY-1")));

async function tryDecrypt(v: Vector): Promise<{ plaintext?: Buffer; error?: unknown; noMatch?: boolean }> {
  try {
    for (const id of v.identities) {
      const out = await decryptWithIdentity(v.body, parseIdentity(id));
      if (out) return { plaintext: out };
    }
    return { noMatch: true };
  } catch (error) {
    return { error };
  }
}

describe("age CCTV vectors (X25519)", () => {
  it("covers the X25519, header, HMAC, stanza, stream and armor vectors", () => {
    expect(x25519Only.length).toBeGreaterThan(90);
  });
  for (const [name, v] of x25519Only) {
    it(`${name}: ${v.expect}`, async () => {
      const r = await tryDecrypt(v);
      if (v.expect === "success") {
        expect(r.error).toBeUndefined();
        expect(r.plaintext).toBeDefined();
        expect(createHash("sha256").update(r.plaintext!).digest("hex")).toBe(v.payload);
      } else if (v.expect === "no match") {
        expect(r.plaintext).toBeUndefined();
      } else {
        expect(r.plaintext).toBeUndefined();
        if (r.error !== undefined) expect(isMfaError(r.error)).toBe(true);
        else expect(r.noMatch).toBe(true);
      }
    });
  }
});
