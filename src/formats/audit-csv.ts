// Audit lines as CSV (RFC 4180, CRLF) that is safe to open in a spreadsheet: cells are neutralised
// against formulas and quoted by csv-cells.ts, the same way the seed export does it.
import { canonicalJson } from "../core/canonical-json.js";
import type { AuditLine } from "../core/audit-line.js";
import { csvField } from "./csv-cells.js";

export const AUDIT_CSV_COLUMNS = ["ts", "engineer", "action", "target", "host", "remote", "seq", "details", "prev", "sig"] as const;

export function auditCsvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.join(",")}\r\n`;
}

export function auditCsvRow(line: AuditLine): string {
  const cells = [line.ts, line.engineer, line.action, line.target, line.host, line.remote ?? "", String(line.seq), line.details ? canonicalJson(line.details) : "", line.prev, line.sig];
  return `${cells.map(csvField).join(",")}\r\n`;
}
