// HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard codes. Pure: the key, the counter or the time go in,
// the code comes out.
import { createHmac } from "node:crypto";

export type OtpAlgorithm = "SHA1" | "SHA256" | "SHA512";
export const OTP_ALGORITHMS: readonly OtpAlgorithm[] = ["SHA1", "SHA256", "SHA512"];
const STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY";

/** The 31-bit dynamically truncated HMAC of RFC 4226 §5.3. */
function truncatedHmac(key: Uint8Array, counter: bigint, algorithm: OtpAlgorithm): number {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm.toLowerCase(), key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return mac.readUInt32BE(offset) & 0x7fffffff;
}

export function hotp(key: Uint8Array, counter: bigint, digits = 6, algorithm: OtpAlgorithm = "SHA1"): string {
  const value = truncatedHmac(key, counter, algorithm);
  // 10 digits exceed 2^31, so the modulus is a no-op there and the code is zero-padded.
  return (value % 10 ** Math.min(digits, 10)).toString().padStart(digits, "0");
}

export function totpCounter(unixSeconds: number, period = 30): bigint {
  return BigInt(Math.floor(unixSeconds / period));
}

export function totp(key: Uint8Array, unixSeconds: number, period = 30, digits = 6, algorithm: OtpAlgorithm = "SHA1"): string {
  return hotp(key, totpCounter(unixSeconds, period), digits, algorithm);
}

/** Steam Guard: TOTP/SHA1/30 s, five characters from Steam's own alphabet. */
export function steam(key: Uint8Array, unixSeconds: number): string {
  let value = truncatedHmac(key, totpCounter(unixSeconds, 30), "SHA1");
  let out = "";
  for (let i = 0; i < 5; i++) {
    out += STEAM_ALPHABET[value % STEAM_ALPHABET.length];
    value = Math.floor(value / STEAM_ALPHABET.length);
  }
  return out;
}

/** Seconds left in the current TOTP window. */
export function secondsRemaining(unixSeconds: number, period = 30): number {
  return period - (Math.floor(unixSeconds) % period);
}
