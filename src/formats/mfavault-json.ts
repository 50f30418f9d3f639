// mfavault's own JSON export (`mfavault export --format json`): every entry with its name, vault and OTP
// parameters, so a hand-off or a move between repositories re-imports to identical entries.
import { badInput } from "../core/errors.js";
import { parseJsonText } from "../core/canonical-json.js";
import type { Entry } from "../core/entry.js";
import { otpFromRecord, otpType, record, textField } from "./fields.js";
import { convertRecords, type ImportResult } from "./imported.js";
import { textOf } from "./text.js";

export const MFAVAULT_EXPORT = "mfavault-export";

export interface ExportedEntry {
  vault: string;
  name: string;
  entry: Entry;
}

/** The document `export --format json` writes: entry fields minus the vault's bookkeeping dates. */
export function mfavaultJson(entries: ExportedEntry[], exported: Date): string {
  const rows = entries.map(({ vault, name, entry: e }) => ({
    vault,
    name,
    type: e.type,
    secret: e.secret,
    algorithm: e.algorithm,
    digits: e.digits,
    period: e.period,
    ...(e.type === "hotp" ? { counter: e.counter ?? 0 } : {}),
    issuer: e.issuer,
    account: e.account,
    notes: e.notes,
  }));
  return `${JSON.stringify({ format: MFAVAULT_EXPORT, version: 1, exported: exported.toISOString(), entries: rows }, null, 2)}\n`;
}

export function parseMfavaultJson(input: Buffer | string): ImportResult {
  const what = "the mfavault export";
  const top = record(parseJsonText(textOf(input, what), what), what);
  if (top.format !== MFAVAULT_EXPORT) throw badInput(`${what}: "format" is not "${MFAVAULT_EXPORT}"`);
  if (top.version !== 1) throw badInput(`${what} has version ${String(top.version).slice(0, 8)}: upgrade mfavault to read it`);
  if (!Array.isArray(top.entries)) throw badInput(`${what} has no "entries" list`);
  return convertRecords(top.entries, (i) => `entry ${i + 1}`, (value, at) => {
    const e = record(value, "the entry");
    const type = otpType(textField(e, "type"), "totp");
    const params = otpFromRecord(e, type);
    const name = textField(e, "name");
    const notes = textField(e, "notes");
    return { at, params, issuer: textField(e, "issuer"), account: textField(e, "account"), ...(name ? { name, exactName: true } : {}), ...(notes ? { notes } : {}), warnings: [] };
  });
}
