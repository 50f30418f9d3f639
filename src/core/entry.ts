// One OTP entry inside a vault document: its parameters, metadata and rotation state.
import { normalizeBase32, decodeBase32 } from "./base32.js";
import { badInput } from "./errors.js";
import { asObject, int, isoDate, oneOf, optStr, str, type Json } from "./guards.js";
import { checkName } from "./names.js";
import { hotp, OTP_ALGORITHMS, steam, totp, type OtpAlgorithm } from "./otp.js";
import { checkTier, intervalDays, spanMs, type RotationPolicy } from "./schedule.js";

export type OtpType = "totp" | "hotp" | "steam";
export const OTP_TYPES: readonly OtpType[] = ["totp", "hotp", "steam"];

export interface RotationMark {
  since: string;
  reason: string;
  /** The engineer whose loss of access (or other event) made the rotation due. */
  engineer?: string;
  /** Set when a break-glass opening made the rotation due (the opener is in the reason and the trail). */
  breakGlass?: true;
}

/** A seed taken over from a previous provider: treated as compromised until rotated within `window`. */
export interface Inherited {
  since: string;
  /** "48h", "7d": how long after `since` it must be rotated. */
  window: string;
}

/**
 * Set by a merge when two clones rotated the same entry to different seeds: both seeds are kept, the
 * other one under `with`, until someone removes the wrong one.
 */
export interface ConflictMark {
  since: string;
  /** The name of the entry holding the other seed. */
  with: string;
  reason: string;
}

export interface Entry {
  type: OtpType;
  secret: string;
  algorithm: OtpAlgorithm;
  digits: number;
  period: number;
  counter?: number;
  issuer: string;
  account: string;
  notes: string;
  created: string;
  updated: string;
  rotated?: string;
  rotationDue?: RotationMark[];
  conflict?: ConflictMark;
  /** This entry's own schedule; what it leaves out comes from its vault, then the repository. */
  rotation?: RotationPolicy;
  inherited?: Inherited;
}

export type OtpParams = Pick<Entry, "type" | "secret" | "algorithm" | "digits" | "period" | "counter">;

const MAX_TEXT = 1024;
export const MIN_SEED_BYTES = 10;

/** Validates OTP parameters; returns them normalised (upper-case unpadded secret, Steam's fixed shape). */
export function checkOtpParams(p: OtpParams): OtpParams {
  const secret = normalizeBase32(p.secret);
  if (!OTP_TYPES.includes(p.type)) throw badInput(`unknown OTP type "${String(p.type)}": use totp, hotp or steam`);
  if (!OTP_ALGORITHMS.includes(p.algorithm)) throw badInput(`unknown algorithm "${String(p.algorithm)}": use SHA1, SHA256 or SHA512`);
  if (p.type === "steam") return { type: "steam", secret, algorithm: "SHA1", digits: 5, period: 30 };
  if (!Number.isInteger(p.digits) || p.digits < 6 || p.digits > 10) throw badInput(`digits must be 6 to 10 (got ${p.digits})`);
  if (!Number.isInteger(p.period) || p.period < 1 || p.period > 86400) throw badInput(`period must be 1 to 86400 seconds (got ${p.period})`);
  const out: OtpParams = { type: p.type, secret, algorithm: p.algorithm, digits: p.digits, period: p.period };
  if (p.type === "hotp") {
    const c = p.counter ?? 0;
    if (!Number.isSafeInteger(c) || c < 0) throw badInput("counter must be a non-negative integer");
    out.counter = c;
  }
  return out;
}

/** A warning to show, or null: short seeds are legal but weak (RFC 4226 asks for 128 bits, 160 recommended). */
export function seedWarning(secret: string): string | null {
  const bytes = decodeBase32(secret).length;
  return bytes < MIN_SEED_BYTES ? `the seed is only ${bytes * 8} bits; RFC 4226 requires at least 128 (80 is the common minimum)` : null;
}

export function checkFreeText(value: string, what: string): string {
  if (value.length > MAX_TEXT) throw badInput(`${what} is longer than ${MAX_TEXT} characters`);
  return value;
}

export function parseEntry(value: unknown, what: string): Entry {
  const o = asObject(value, what);
  const params = checkOtpParams({
    type: oneOf(o, "type", what, OTP_TYPES),
    secret: str(o, "secret", what),
    algorithm: oneOf(o, "algorithm", what, OTP_ALGORITHMS),
    digits: int(o, "digits", what, 5, 10),
    period: int(o, "period", what, 1, 86400),
    counter: o.counter === undefined ? undefined : int(o, "counter", what, 0, Number.MAX_SAFE_INTEGER),
  });
  const entry: Entry = {
    ...params,
    issuer: checkFreeText(optStr(o, "issuer", what) ?? "", `${what} issuer`),
    account: checkFreeText(optStr(o, "account", what) ?? "", `${what} account`),
    notes: checkFreeText(optStr(o, "notes", what) ?? "", `${what} notes`),
    created: isoDate(o, "created", what),
    updated: isoDate(o, "updated", what),
  };
  if (o.rotated !== undefined) entry.rotated = isoDate(o, "rotated", what);
  if (o.rotationDue !== undefined) {
    if (!Array.isArray(o.rotationDue)) throw badInput(`${what}: "rotationDue" must be a list`);
    entry.rotationDue = o.rotationDue.map((m, i) => parseRotationMark(m, `${what} rotationDue[${i}]`));
  }
  if (o.conflict !== undefined) {
    const c = asObject(o.conflict, `${what} conflict`);
    entry.conflict = { since: isoDate(c, "since", `${what} conflict`), with: checkName(str(c, "with", `${what} conflict`), "entry name"), reason: str(c, "reason", `${what} conflict`) };
  }
  if (o.rotation !== undefined) entry.rotation = parseRotationPolicy(o.rotation, `${what} rotation`);
  if (o.inherited !== undefined) {
    const i = asObject(o.inherited, `${what} inherited`);
    const window = str(i, "window", `${what} inherited`);
    spanMs(window);
    entry.inherited = { since: isoDate(i, "since", `${what} inherited`), window };
  }
  return entry;
}

/** `{"interval": "90d", "tier": "high"}`, either key optional; used by entries and vault settings alike. */
export function parseRotationPolicy(value: unknown, what: string): RotationPolicy {
  const o = asObject(value, what);
  const out: RotationPolicy = {};
  const interval = optStr(o, "interval", what);
  if (interval !== undefined) {
    intervalDays(interval);
    out.interval = interval;
  }
  const tier = optStr(o, "tier", what);
  if (tier !== undefined) out.tier = checkTier(tier);
  return out;
}

function parseRotationMark(value: unknown, what: string): RotationMark {
  const o: Json = asObject(value, what);
  const mark: RotationMark = { since: isoDate(o, "since", what), reason: str(o, "reason", what) };
  const engineer = optStr(o, "engineer", what);
  if (engineer !== undefined) mark.engineer = engineer;
  if (o.breakGlass === true) mark.breakGlass = true;
  return mark;
}

export interface CodeAt {
  code: string;
  /** Seconds the code stays valid (TOTP/Steam); undefined for HOTP. */
  remaining?: number;
}

/** The code for an entry at a time (TOTP/Steam) or at its stored counter (HOTP). */
export function entryCode(e: OtpParams, unixSeconds: number): string {
  const key = decodeBase32(e.secret);
  if (e.type === "steam") return steam(key, unixSeconds);
  if (e.type === "hotp") return hotp(key, BigInt(e.counter ?? 0), e.digits, e.algorithm);
  return totp(key, unixSeconds, e.period, e.digits, e.algorithm);
}
