// Writing a vault's entries out: mfavault's CSV (re-imports to identical entries; formula cells
// neutralised), a list of otpauth URIs, mfavault's JSON, and a plain Aegis backup for a client's phone.
import { randomUUID } from "node:crypto";
import { formatOtpauthUri } from "../core/otpauth-uri.js";
import { csvField } from "./csv-cells.js";
import { mfavaultJson, type ExportedEntry } from "./mfavault-json.js";

export const EXPORT_FORMATS = ["csv", "otpauth", "json", "aegis"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns `import` reads back; `vault` says where an entry came from and is ignored on import. */
export const CSV_COLUMNS = ["name", "secret", "issuer", "account", "algorithm", "digits", "period", "type", "counter", "notes", "vault"] as const;

function csv(rows: ExportedEntry[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const { vault, name, entry: e } of rows) {
    const cells = [name, e.secret, e.issuer, e.account, e.algorithm, String(e.digits), String(e.period), e.type, e.type === "hotp" ? String(e.counter ?? 0) : "", e.notes, vault];
    lines.push(cells.map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

function aegis(rows: ExportedEntry[]): string {
  const entries = rows.map(({ entry: e }) => ({
    type: e.type,
    uuid: randomUUID(),
    name: e.account,
    issuer: e.issuer,
    note: e.notes,
    favorite: false,
    icon: null,
    icon_mime: null,
    icon_hash: null,
    info: { secret: e.secret, algo: e.algorithm, digits: e.digits, ...(e.type === "hotp" ? { counter: e.counter ?? 0 } : { period: e.period }) },
    groups: [],
  }));
  return `${JSON.stringify({ version: 1, header: { slots: null, params: null }, db: { version: 3, entries, groups: [] } }, null, 2)}\n`;
}

export function exportText(format: ExportFormat, rows: ExportedEntry[], now: Date): string {
  if (format === "csv") return csv(rows);
  if (format === "json") return mfavaultJson(rows, now);
  if (format === "aegis") return aegis(rows);
  return rows.map(({ entry: e }) => `${formatOtpauthUri(e, e.issuer, e.account)}\n`).join("");
}
