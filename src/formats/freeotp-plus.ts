// FreeOTP+'s JSON backup (OTP-INTERCHANGE.md §3.7): `tokens[]` with the secret as a list of signed Java
// bytes, and an HOTP counter one behind the otpauth meaning (FreeOTP stores counter − 1): we add 1.
import { encodeBase32 } from "../core/base32.js";
import { badInput } from "../core/errors.js";
import { parseJsonText } from "../core/canonical-json.js";
import type { Json } from "../core/guards.js";
import { otpFromRecord, otpType, record, textField } from "./fields.js";
import { convertRecords, type ImportResult } from "./imported.js";
import { textOf } from "./text.js";

function javaBytes(o: Json, key: string): string {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0) throw badInput(`"${key}" must be a non-empty list of bytes`);
  if (!v.every((b) => Number.isInteger(b) && (b as number) >= -128 && (b as number) <= 255)) throw badInput(`"${key}" holds a value that is not a byte`);
  return encodeBase32(Uint8Array.from(v as number[], (b) => b & 0xff));
}

export function parseFreeOtpPlus(input: Buffer | string): ImportResult {
  const what = "the FreeOTP+ backup";
  const top = record(parseJsonText(textOf(input, what), what), what);
  if (!Array.isArray(top.tokens)) throw badInput(`${what} has no "tokens" list`);
  return convertRecords(top.tokens, (i) => `token ${i + 1}`, (value, at) => {
    const t = record(value, "the token");
    const issuerExt = textField(t, "issuerExt");
    const type = issuerExt.toLowerCase() === "steam" ? "steam" : otpType(textField(t, "type"), "totp");
    const params = otpFromRecord(t, type, { algorithm: "algo", counterOffset: 1 }, javaBytes(t, "secret"));
    return { at, params, issuer: textField(t, "issuerInt") || issuerExt, account: textField(t, "label"), warnings: [] };
  });
}
