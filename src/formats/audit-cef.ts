// Audit lines as ArcSight Common Event Format (CEF:0) for a SIEM: one event a line,
// `CEF:0|mfavault|mfavault|version|action|name|severity|extension`, escaped as the CEF spec says.
import { canonicalJson } from "../core/canonical-json.js";
import { hashLine, type AuditLine } from "../core/audit-line.js";

/** Header fields: backslash and pipe are escaped; a header has no way to carry a newline, so it becomes a space. */
export function cefHeaderValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]/g, " ");
}

/** Extension values: backslash and equals are escaped, newlines written as \n and \r. */
export function cefExtensionValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/=/g, "\\=").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

const EVENTS: Record<string, { name: string; severity: number }> = {
  init: { name: "vault repository created", severity: 3 },
  code: { name: "code read", severity: 3 },
  add: { name: "seed added", severity: 3 },
  rm: { name: "seed removed", severity: 3 },
  mv: { name: "seed moved", severity: 3 },
  "client-add": { name: "vault created", severity: 3 },
  "client-remove": { name: "vault removed", severity: 5 },
  reveal: { name: "seed revealed", severity: 7 },
  export: { name: "seeds exported", severity: 7 },
  grant: { name: "access granted", severity: 5 },
  revoke: { name: "access revoked", severity: 5 },
  rekey: { name: "vault re-encrypted", severity: 5 },
  rotate: { name: "seed rotated", severity: 5 },
  import: { name: "seeds imported", severity: 5 },
  "team-add": { name: "engineer added", severity: 5 },
  "team-remove": { name: "engineer removed", severity: 5 },
  "syslog-undelivered": { name: "audit line not forwarded to syslog", severity: 4 },
};

/** One CEF event (no newline) for an audit line and its exact text (whose SHA-256 the next line's prev holds). */
export function auditCefEvent(line: AuditLine, text: string, version: string): string {
  const event = EVENTS[line.action] ?? { name: line.action, severity: 3 };
  const ext: [string, string][] = [
    ["rt", String(Date.parse(line.ts))],
    ["suser", line.engineer],
    ["shost", line.host],
    ["act", line.action],
    ["cs1Label", "target"],
    ["cs1", line.target],
    ["cn1Label", "seq"],
    ["cn1", String(line.seq)],
  ];
  if (line.remote) ext.push(["cs2Label", "remote"], ["cs2", line.remote]);
  if (line.details) ext.push(["cs3Label", "details"], ["cs3", canonicalJson(line.details)]);
  ext.push(["cs4Label", "lineSha256"], ["cs4", hashLine(text)], ["cs5Label", "prev"], ["cs5", line.prev]);
  const header = ["CEF:0", "mfavault", "mfavault", version, line.action, event.name, String(event.severity)].map((v, i) => (i === 0 ? v : cefHeaderValue(v)));
  return `${header.join("|")}|${ext.map(([k, v]) => `${k}=${cefExtensionValue(v)}`).join(" ")}`;
}
