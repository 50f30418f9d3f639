// 1Password 8's CSV export: Title,Url,Username,Password,OTPAuth,… (OTP-INTERCHANGE.md §3.4). Rows with an
// empty OTPAuth are skipped and counted; passwords and notes are never imported.
import { badInput } from "../core/errors.js";
import { columnIndex, readCsv } from "./csv-reader.js";
import { convertRecords, SKIP, type ImportResult } from "./imported.js";
import { otpFieldEntry } from "./otpauth-list.js";

export function parseOnePassword(input: Buffer | string): ImportResult {
  const what = "the 1Password CSV export";
  const table = readCsv(input, what);
  const otp = columnIndex(table, ["otpauth", "one-time password"], what);
  const title = columnIndex(table, ["title"], what);
  const username = columnIndex(table, ["username"], what);
  if (otp < 0) throw badInput(`${what} has no "OTPAuth" column`);
  const out = convertRecords(table.rows, (i) => `line ${table.rows[i]!.line}`, (row, at) => {
    const value = row.cells[otp]!;
    if (value.trim() === "") return SKIP;
    const entry = otpFieldEntry(value, at);
    const name = title < 0 ? "" : row.cells[title]!.trim();
    if (name) {
      entry.name = name;
      entry.issuer ||= name;
    }
    if (username >= 0 && row.cells[username]!) entry.account = row.cells[username]!;
    return entry;
  });
  out.problems.unshift(...table.problems);
  return out;
}
