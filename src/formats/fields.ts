// Reading the fields of one exported record (a JSON object from Aegis, 2FAS, andOTP, Raivo, FreeOTP+)
// strictly: numbers must be whole numbers (or digit strings), types and algorithms must be known, and no
// message ever quotes a secret.
import { checkOtpParams, type OtpParams, type OtpType } from "../core/entry.js";
import { badInput } from "../core/errors.js";
import type { Json } from "../core/guards.js";
import type { OtpAlgorithm } from "../core/otp.js";
import { parseAlgorithm } from "../core/otpauth-uri.js";

export function record(value: unknown, what = "the record"): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badInput(`${what} is not a JSON object`);
  return value as Json;
}

/** A text field; absent or null reads as "". */
export function textField(o: Json, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw badInput(`"${key}" must be text`);
  return v;
}

/** A whole number given as a JSON number or a digit string (Raivo writes every value as a string). */
export function wholeField(o: Json, key: string, fallback?: number): number {
  const v = o[key];
  if (v === undefined || v === null || v === "") {
    if (fallback === undefined) throw badInput(`"${key}" is missing`);
    return fallback;
  }
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === "string" && /^[0-9]{1,15}$/.test(v)) return Number(v);
  throw badInput(`"${key}" must be a whole number`);
}

export function otpType(raw: string, fallback: OtpType = "totp"): OtpType {
  if (raw === "") return fallback;
  const t = raw.toLowerCase();
  if (t === "totp" || t === "hotp" || t === "steam") return t;
  throw badInput(`unsupported OTP type "${raw.slice(0, 12)}" (mfavault takes totp, hotp and steam)`);
}

export function algorithmField(o: Json, key: string): OtpAlgorithm {
  return parseAlgorithm(textField(o, key), `"${key}"`);
}

export interface OtpFieldNames {
  algorithm?: string;
  period?: string;
  /** A missing HOTP counter is an error (Aegis) instead of 0. */
  counterRequired?: boolean;
  /** Added to the stored HOTP counter (FreeOTP+ stores the last used one, not the next). */
  counterOffset?: number;
}

/**
 * The OTP parameters of one export record in the common shape (type, secret, algorithm, digits, period,
 * counter), under the field names a format uses; the secret is passed in when a format keeps it elsewhere.
 */
export function otpFromRecord(o: Json, type: OtpType, names: OtpFieldNames = {}, secret = textField(o, "secret")): OtpParams {
  return otpParams({
    type,
    secret,
    algorithm: algorithmField(o, names.algorithm ?? "algorithm"),
    digits: wholeField(o, "digits", 6),
    period: type === "hotp" ? 30 : wholeField(o, names.period ?? "period", 30),
    counter: type === "hotp" ? wholeField(o, "counter", names.counterRequired ? undefined : 0) + (names.counterOffset ?? 0) : undefined,
  });
}

/** Checks the parameters the way every entry is checked (core/entry.ts), ignoring period/counter where they do not apply. */
export function otpParams(p: { type: OtpType; secret: string; algorithm: OtpAlgorithm; digits: number; period: number; counter?: number }): OtpParams {
  return checkOtpParams({ ...p, counter: p.type === "hotp" ? p.counter ?? 0 : undefined });
}
