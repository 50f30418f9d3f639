// Forwarding written audit lines to syslog: lines are queued as they are written and sent once the
// command's work is done (runGuarded settles the queue before exit). This file stays tiny and is on
// the `code` path: without "audit.syslog" in mfavault.json nothing is queued and no socket module loads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AuditFields } from "../core/audit-line.js";
import type { Json } from "../core/guards.js";
import type { Io } from "../io.js";
import { CONFIG_FILE } from "./layout.js";
import type { AuditAppend } from "./transaction.js";

/** Writes a follow-up audit line as the engineer who wrote the forwarded one. */
export type Recorder = (fields: AuditFields, commit: boolean) => void;

export interface PendingLine {
  root: string;
  append: AuditAppend;
  audit: Json;
  commit: boolean;
  record?: Recorder;
}

const pending: PendingLine[] = [];
const recorders = new WeakMap<AuditAppend, Recorder>();
let settling = false;

function auditSettings(root: string): Json {
  try {
    const audit = (JSON.parse(readFileSync(join(root, CONFIG_FILE), "utf8")) as { audit?: unknown }).audit;
    return typeof audit === "object" && audit !== null ? (audit as Json) : {};
  } catch {
    return {};
  }
}

/** Remembers who can record a delivery failure for this line (the session that built it). */
export function rememberRecorder(append: AuditAppend, record: Recorder): void {
  recorders.set(append, record);
}

/** Queues a line that is on disk (and committed, if asked) for syslog, when a target is configured. */
export function forwardAuditLine(root: string, append: AuditAppend, commit: boolean, audit?: Json): void {
  if (settling) return; // the follow-up lines that record a failed delivery stay local
  const settings = audit ?? auditSettings(root);
  if (settings.syslog === undefined) return;
  pending.push({ root, append, audit: settings, commit, record: recorders.get(append) });
}

/** Sends what is queued, within the configured timeout; failures are reported on stderr and recorded. */
export async function settleForwards(io: Io): Promise<void> {
  if (pending.length === 0) return;
  settling = true;
  try {
    const { deliverPending } = await import("./syslog.js");
    await deliverPending(pending.splice(0), io);
  } catch (e) {
    io.err(`mfavault: warning: audit lines were not forwarded to syslog: ${(e as Error).message}\n`);
  } finally {
    settling = false;
  }
}
