// andOTP's plain backup (otp_accounts.json, OTP-INTERCHANGE.md §3.5): a JSON array of accounts with a
// padded base32 secret, `label` as the account, and `issuer` (very old files write "Issuer - Account").
import { badInput } from "../core/errors.js";
import { parseJsonText } from "../core/canonical-json.js";
import { otpFromRecord, otpType, record, textField } from "./fields.js";
import { convertRecords, type ImportResult } from "./imported.js";
import { textOf } from "./text.js";

export function parseAndOtp(input: Buffer | string): ImportResult {
  const what = "the andOTP backup";
  const list = parseJsonText(textOf(input, what), what);
  if (!Array.isArray(list)) throw badInput(`${what} is not a JSON list of accounts`);
  return convertRecords(list, (i) => `entry ${i + 1}`, (value, at) => {
    const e = record(value, "the entry");
    const type = otpType(textField(e, "type"), "totp");
    const params = otpFromRecord(e, type, { counterRequired: true });
    let issuer = textField(e, "issuer");
    let account = textField(e, "label");
    if (e.issuer === undefined && account.includes(" - ")) {
      issuer = account.slice(0, account.indexOf(" - "));
      account = account.slice(account.indexOf(" - ") + 3);
    }
    return { at, params, issuer, account, warnings: [] };
  });
}
