// Audit lines as CSV (RFC 4180, CRLF) that is safe to open in a spreadsheet: every cell is quoted, and a
// cell that a spreadsheet would run as a formula (= + - @, tab or CR first) is neutralised with a '.
import { canonicalJson } from "../core/canonical-json.js";
import type { AuditLine } from "../core/audit-line.js";

export const AUDIT_CSV_COLUMNS = ["ts", "engineer", "action", "target", "host", "remote", "seq", "details", "prev", "sig"] as const;

/** One cell: neutralised against formula injection (OWASP "CSV injection"), then quoted. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function auditCsvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.map(csvCell).join(",")}\r\n`;
}

export function auditCsvRow(line: AuditLine): string {
  const cells = [line.ts, line.engineer, line.action, line.target, line.host, line.remote ?? "", String(line.seq), line.details ? canonicalJson(line.details) : "", line.prev, line.sig];
  return `${cells.map(csvCell).join(",")}\r\n`;
}
