// Syslog forwarding of audit lines, the pure part: the target from mfavault.json (`udp://`, `tcp://`,
// `tls://host:port`), the RFC 5424 message for a line, and RFC 6587 octet-counting framing for streams.
import type { AuditLine } from "./audit-line.js";
import { isBreakGlassLine } from "./break-glass.js";
import { badInput } from "./errors.js";
import { escapeText } from "./escape.js";
import type { Json } from "./guards.js";

export type SyslogTransport = "udp" | "tcp" | "tls";

export interface SyslogTarget {
  transport: SyslogTransport;
  host: string;
  port: number;
  /** The whole budget for sending a command's lines; a target that is down costs at most this. */
  timeoutMs: number;
  facility: number;
}

export const DEFAULT_SYSLOG_TIMEOUT_MS = 300;
/** RFC 5424 facility 13, "log audit". */
export const DEFAULT_SYSLOG_FACILITY = 13;
const DEFAULT_PORTS: Record<SyslogTransport, number> = { udp: 514, tcp: 514, tls: 6514 };
/** Structured-data ID: 32473 is the example enterprise number of RFC 5612, as RFC 5424 uses it. */
export const SD_ID = "mfavault@32473";

function boundedInt(audit: Json, key: string, min: number, max: number, fallback: number): number {
  const v = audit[key];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw badInput(`mfavault.json: audit.${key} must be a whole number from ${min} to ${max}`);
  return v;
}

/** The syslog target of `mfavault.json`'s audit settings, or null when none is configured. */
export function parseSyslogTarget(audit: Json): SyslogTarget | null {
  const raw = audit.syslog;
  if (raw === undefined || raw === null || raw === "") return null;
  const hint = 'expected "udp://host:port", "tcp://host:port" or "tls://host:port"';
  if (typeof raw !== "string") throw badInput(`mfavault.json: audit.syslog must be a string: ${hint}`);
  const m = /^(udp|tcp|tls):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?\/?$/.exec(raw);
  if (!m) throw badInput(`mfavault.json: audit.syslog "${escapeText(raw)}" is not a syslog target: ${hint}`);
  const transport = m[1] as SyslogTransport;
  const port = m[3] === undefined ? DEFAULT_PORTS[transport] : Number(m[3]);
  if (port < 1 || port > 65535) throw badInput(`mfavault.json: audit.syslog port ${port} is out of range`);
  return {
    transport,
    host: m[2]!.replace(/^\[|\]$/g, ""),
    port,
    timeoutMs: boundedInt(audit, "syslogTimeoutMs", 10, 10_000, DEFAULT_SYSLOG_TIMEOUT_MS),
    facility: boundedInt(audit, "syslogFacility", 0, 23, DEFAULT_SYSLOG_FACILITY),
  };
}

/** RFC 5424 header fields are printable US-ASCII without spaces, bounded; "-" stands for none. */
function headerField(value: string, max: number): string {
  const v = value.replace(/[^\x21-\x7e]/g, "_").slice(0, max);
  return v === "" ? "-" : v;
}

/** RFC 5424 §6.3.3: in a PARAM-VALUE, '"', '\' and ']' are escaped with a backslash. */
export function sdParamValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

/**
 * The severity comes from the line: a break-glass opening is an alert (1), someone must look now; reads
 * of codes are informational (6); reveals, exports and every change are notices (5).
 */
export function severityOf(line: Pick<AuditLine, "action" | "details">): number {
  if (isBreakGlassLine(line)) return 1;
  return line.action === "code" ? 6 : 5;
}

/**
 * `<PRI>1 TIMESTAMP HOSTNAME mfavault PROCID MSGID [mfavault@32473 ...] MSG`: the timestamp and host are
 * the line's own, MSGID is the action, and MSG is the signed line exactly as written (JSON, no BOM), so
 * a SIEM can check its signature and chain.
 */
export function syslogMessage(line: AuditLine, text: string, opts: { pid: number; facility: number }): string {
  const pri = opts.facility * 8 + severityOf(line);
  const sd = `[${SD_ID} engineer="${sdParamValue(line.engineer)}" seq="${line.seq}" action="${sdParamValue(line.action)}" target="${sdParamValue(line.target)}"]`;
  return `<${pri}>1 ${line.ts} ${headerField(line.host, 255)} mfavault ${opts.pid} ${headerField(line.action, 32)} ${sd} ${text}`;
}

/** RFC 6587 §3.4.1 octet counting (also RFC 5425 for TLS): `MSG-LEN SP SYSLOG-MSG`. */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, "utf8");
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}
