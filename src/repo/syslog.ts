// Sending audit lines to a syslog collector over UDP (RFC 5426), TCP (RFC 6587) or TLS (RFC 5425), each
// within one time budget (default 300 ms for all of a command's lines). Loaded only when a line is to be
// forwarded. A line that does not get through is reported on stderr and recorded in the audit trail by a
// follow-up "syslog-undelivered" line; the local line stays the one that counts.
import type { Socket } from "node:net";
import { parseAuditLine } from "../core/audit-line.js";
import { escapeText } from "../core/escape.js";
import { octetCounted, parseSyslogTarget, syslogMessage, type SyslogTarget } from "../core/syslog-message.js";
import type { Io } from "../io.js";
import type { PendingLine } from "./audit-forward.js";

// Each transport loads its own module when used: node:tls alone costs more than a UDP send.
/** node:net is loaded only when a line is forwarded: a code read without syslog never pays for it. */
const isIP = (host: string): number => process.getBuiltinModule("node:net").isIP(host);

function sendUdp(target: SyslogTarget, message: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = process.getBuiltinModule("node:dgram").createSocket(isIP(target.host) === 6 ? "udp6" : "udp4");
    const done = (err?: Error | null) => {
      signal.removeEventListener("abort", onAbort);
      socket.close();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => done(signal.reason as Error);
    signal.addEventListener("abort", onAbort);
    socket.on("error", done);
    socket.send(message, target.port, target.host, done);
  });
}

function sendStream(target: SyslogTarget, message: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const opts = { host: target.host, port: target.port };
    let socket: Socket;
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason as Error);
    };
    const write = () => socket.end(octetCounted(message.toString("utf8")), () => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
    socket =
      target.transport === "tls"
        ? process.getBuiltinModule("node:tls").connect({ ...opts, servername: isIP(target.host) ? undefined : target.host }, write)
        : process.getBuiltinModule("node:net").connect(opts, write);
    signal.addEventListener("abort", onAbort);
    socket.on("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(err);
    });
  });
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return escapeText(err.code ?? err.message ?? String(e)).slice(0, 200);
}

/** Sends queued lines in order, all within the target's time budget; records each one that fails. */
export async function deliverPending(lines: PendingLine[], io: Io): Promise<void> {
  const deadline = Date.now() + (lines[0] ? (safeTarget(lines[0])?.timeoutMs ?? 0) : 0);
  for (const p of lines) {
    const parsed = parseAuditLine(p.append.line, p.append.path);
    let error: string | null = null;
    let target: SyslogTarget | null = null;
    try {
      target = parseSyslogTarget(p.audit);
      if (!target) continue;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no time left within ${target.timeoutMs} ms`);
      const signal = AbortSignal.timeout(left);
      const aborted = () => new Error(`no answer within ${target!.timeoutMs} ms`);
      const message = Buffer.from(syslogMessage(parsed, p.append.line, { pid: process.pid, facility: target.facility }));
      const send = target.transport === "udp" ? sendUdp(target, message, signal) : sendStream(target, message, signal);
      await send.catch((e) => {
        throw signal.aborted ? aborted() : e;
      });
    } catch (e) {
      error = reason(e);
    }
    if (error === null) continue;
    const where = typeof p.audit.syslog === "string" ? escapeText(p.audit.syslog) : "syslog";
    io.err(`mfavault: warning: audit line ${parsed.seq} of ${parsed.engineer} was not forwarded to ${where} (${error}); it is safe in ${p.append.path}\n`);
    try {
      p.record?.({ action: "syslog-undelivered", target: where, details: { seq: parsed.seq, error } }, p.commit);
    } catch (e) {
      io.err(`mfavault: warning: could not record the failed syslog delivery: ${escapeText((e as Error).message)}\n`);
    }
  }
}

function safeTarget(p: PendingLine): SyslogTarget | null {
  try {
    return parseSyslogTarget(p.audit);
  } catch {
    return null;
  }
}
