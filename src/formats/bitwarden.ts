// Bitwarden's unencrypted exports, JSON and CSV (OTP-INTERCHANGE.md §3.3). Only login items with a TOTP
// become entries; every other item is skipped and counted. Passwords and notes are never imported: they
// are not MFA data and do not belong in an MFA vault.
import { badInput } from "../core/errors.js";
import { parseJsonText } from "../core/canonical-json.js";
import { columnIndex, readCsv } from "./csv-reader.js";
import { record, textField } from "./fields.js";
import { convertRecords, SKIP, type ImportResult, type ImportedEntry } from "./imported.js";
import { otpFieldEntry } from "./otpauth-list.js";
import { textOf } from "./text.js";

function loginEntry(totp: string, itemName: string, username: string, at: string): ImportedEntry | typeof SKIP {
  if (totp.trim() === "") return SKIP;
  const entry = otpFieldEntry(totp, at);
  entry.issuer ||= itemName;
  entry.account = username || entry.account;
  if (itemName) entry.name = itemName;
  return entry;
}

export function parseBitwardenJson(input: Buffer | string): ImportResult {
  const what = "the Bitwarden export";
  const doc = record(parseJsonText(textOf(input, what), what), what);
  if (doc.encrypted === true) {
    throw badInput('this Bitwarden export is encrypted: export again choosing "File format: .json" (not "encrypted")');
  }
  if (!Array.isArray(doc.items)) throw badInput(`${what} has no "items" list`);
  return convertRecords(doc.items, (i) => `item ${i + 1}`, (value, at) => {
    const item = record(value, "the item");
    if (item.type !== 1 || item.login === null || item.login === undefined) return SKIP;
    const login = record(item.login, '"login"');
    return loginEntry(textField(login, "totp"), textField(item, "name"), textField(login, "username"), at);
  });
}

export function parseBitwardenCsv(input: Buffer | string): ImportResult {
  const what = "the Bitwarden CSV export";
  const table = readCsv(input, what);
  const col = (name: string) => columnIndex(table, [name], what);
  const [totp, name, username, type] = [col("login_totp"), col("name"), col("login_username"), col("type")];
  if (totp < 0) throw badInput(`${what} has no "login_totp" column`);
  const out = convertRecords(table.rows, (i) => `line ${table.rows[i]!.line}`, (row, at) => {
    if (type >= 0 && row.cells[type]!.trim() !== "" && row.cells[type]!.trim() !== "login") return SKIP;
    const cell = (i: number) => (i < 0 ? "" : row.cells[i]!);
    return loginEntry(cell(totp), cell(name), cell(username), at);
  });
  out.problems.unshift(...table.problems);
  return out;
}

/** Bitwarden JSON or CSV, told apart by the first character. */
export function parseBitwarden(input: Buffer | string): ImportResult {
  return /^\s*\{/.test(textOf(input, "the Bitwarden export")) ? parseBitwardenJson(input) : parseBitwardenCsv(input);
}
