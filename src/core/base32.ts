// RFC 4648 base32 for OTP seeds. Lenient where real exports are (lowercase, spaces, dashes, missing
// padding), strict where leniency would silently change the key (foreign characters, impossible lengths).
import { badInput } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Normalises a seed to upper-case base32 without padding, or throws a message that never echoes it. */
export function normalizeBase32(input: string): string {
  let s = input.replace(/[\s-]/g, "").toUpperCase();
  const pad = s.indexOf("=");
  if (pad >= 0) {
    if (!/^=+$/.test(s.slice(pad))) throw badInput("invalid base32 seed: '=' padding may only appear at the end");
    if (s.length % 8 !== 0) throw badInput("invalid base32 seed: padding does not fill an 8-character group");
    s = s.slice(0, pad);
  }
  if (s === "") throw badInput("empty seed: a TOTP/HOTP secret is required");
  for (let i = 0; i < s.length; i++) {
    if (!ALPHABET.includes(s[i]!)) {
      throw badInput(`invalid base32 seed: character ${i + 1} is not in A-Z or 2-7`);
    }
  }
  if ([1, 3, 6].includes(s.length % 8)) {
    throw badInput(`invalid base32 seed: ${s.length} characters cannot be base32 (length mod 8 is ${s.length % 8})`);
  }
  return s;
}

export function decodeBase32(input: string): Buffer {
  const s = normalizeBase32(input);
  const out = Buffer.alloc(Math.floor((s.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const ch of s) {
    value = (value << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out[o++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

export function encodeBase32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
