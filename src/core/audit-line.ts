// One audit line: a signed, hash-chained JSON object. Each line carries the SHA-256 of the line before
// it (the chain runs across month files) and an Ed25519 signature over its canonical form.
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import { badInput } from "./errors.js";
import { asObject, int, isoDate, str, type Json } from "./guards.js";
import { signBytes, verifySignature, type SigningKey } from "../crypto/keys.js";

export const GENESIS = "0".repeat(64);
const DOMAIN = "mfavault.v1 audit\n";

export interface AuditFields {
  action: string;
  target: string;
  /** Extra facts the action records (a count, a ticket, a reason); never a secret. */
  details?: Json;
}

export interface AuditLine extends AuditFields {
  v: 1;
  seq: number;
  ts: string;
  engineer: string;
  host: string;
  remote?: string;
  prev: string;
  sig: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS };

export function hashLine(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The bytes a line's signature covers: the domain and the canonical line without `sig`. */
export function signedBytes(line: Omit<AuditLine, "sig">): Buffer {
  return Buffer.from(DOMAIN + canonicalJson(line));
}

export function buildAuditLine(
  fields: AuditFields,
  ctx: { engineer: string; host: string; remote?: string; now: Date; head: ChainHead },
  key: SigningKey,
): { line: AuditLine; text: string } {
  const unsigned: Omit<AuditLine, "sig"> = {
    v: 1,
    seq: ctx.head.seq + 1,
    ts: ctx.now.toISOString(),
    engineer: ctx.engineer,
    action: fields.action,
    target: fields.target,
    host: ctx.host,
    prev: ctx.head.hash,
  };
  if (ctx.remote) unsigned.remote = ctx.remote;
  if (fields.details && Object.keys(fields.details).length > 0) unsigned.details = fields.details;
  const line: AuditLine = { ...unsigned, sig: signBytes(key, signedBytes(unsigned)) };
  return { line, text: canonicalJson(line) };
}

export function parseAuditLine(text: string, what: string): AuditLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badInput(`${what}: not a JSON line`);
  }
  const o = asObject(value, what);
  const line: AuditLine = {
    v: int(o, "v", what, 1, 1) as 1,
    seq: int(o, "seq", what, 1, Number.MAX_SAFE_INTEGER),
    ts: isoDate(o, "ts", what),
    engineer: str(o, "engineer", what),
    action: str(o, "action", what),
    target: str(o, "target", what),
    host: str(o, "host", what),
    prev: str(o, "prev", what),
    sig: str(o, "sig", what),
  };
  if (o.remote !== undefined) line.remote = str(o, "remote", what);
  if (o.details !== undefined) line.details = asObject(o.details, `${what} details`);
  return line;
}

export function auditSignatureValid(line: AuditLine, signingKey: string): boolean {
  const { sig, ...unsigned } = line;
  return verifySignature(signingKey, signedBytes(unsigned), sig);
}

/** Where an engineer's line goes: one file per engineer per UTC month, so engineers never conflict in git. */
export function auditFileFor(engineer: string, when: Date): string {
  return `audit/${engineer}/${when.toISOString().slice(0, 7)}.jsonl`;
}
