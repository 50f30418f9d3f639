// Raivo OTP's export JSON (raivo-otp-export.json inside its ZIP, OTP-INTERCHANGE.md §3.8): an array in
// which every value is a string — digits "6", timer "30", kind "TOTP"/"HOTP".
import { badInput } from "../core/errors.js";
import { parseJsonText } from "../core/canonical-json.js";
import { otpFromRecord, otpType, record, textField } from "./fields.js";
import { convertRecords, type ImportResult } from "./imported.js";
import { textOf } from "./text.js";

export function parseRaivo(input: Buffer | string): ImportResult {
  const what = "the Raivo export";
  const list = parseJsonText(textOf(input, what), what);
  if (!Array.isArray(list)) throw badInput(`${what} is not a JSON list (unzip raivo-otp-export.zip and import raivo-otp-export.json)`);
  return convertRecords(list, (i) => `entry ${i + 1}`, (value, at) => {
    const e = record(value, "the entry");
    const type = otpType(textField(e, "kind"), "totp");
    const params = otpFromRecord(e, type, { period: "timer" });
    return { at, params, issuer: textField(e, "issuer"), account: textField(e, "account"), warnings: [] };
  });
}
