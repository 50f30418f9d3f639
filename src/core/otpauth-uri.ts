// otpauth:// Key URIs (the Google Authenticator "Key Uri Format" plus the extensions real apps emit):
// parsing into entry parameters, and writing the canonical form back. Rules follow
// shared/reference/OTP-INTERCHANGE.md §1: label resolution, Steam variants, strict numbers.
import { badInput } from "./errors.js";
import { checkOtpParams, type OtpParams, type OtpType } from "./entry.js";
import type { OtpAlgorithm } from "./otp.js";

export interface ParsedUri {
  params: OtpParams;
  issuer: string;
  account: string;
  warnings: string[];
}

/**
 * Whether a value from a URI is safe to quote in an error: short and plain. A damaged URI can run the
 * secret into a neighbouring field, and an error message must never carry a seed.
 */
function quotable(value: string): boolean {
  return /^[A-Za-z0-9.-]{1,10}$/.test(value);
}

function decodeComponent(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badInput(`otpauth URI: ${what} has an invalid percent-escape`);
  }
}

function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = decodeComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, " "), "a parameter name").toLowerCase();
    const value = eq < 0 ? "" : decodeComponent(part.slice(eq + 1).replace(/\+/g, " "), `parameter "${key}"`);
    if (out.has(key)) throw badInput(`otpauth URI: parameter "${key}" appears twice`);
    out.set(key, value);
  }
  return out;
}

/** A whole number written as digits only: `Number()` would take "0x8", "1e1" and " 30 " (§1.3). */
export function strictInt(value: string, what: string, where = "otpauth URI"): number {
  if (!/^[0-9]{1,15}$/.test(value)) throw badInput(`${where ? `${where}: ` : ""}${what} must be a whole number`);
  return Number(value);
}

/** SHA1/SHA256/SHA512 from the spellings real apps write (sha256, SHA-256, HmacSHA256, Algorithm.sha256). */
export function parseAlgorithm(raw: string | undefined, where = "otpauth URI"): OtpAlgorithm {
  if (raw === undefined || raw === "") return "SHA1";
  const a = raw.replace(/^Algorithm\./i, "").replace(/^hmac/i, "").toUpperCase().replace("-", "");
  if (a === "SHA1" || a === "SHA256" || a === "SHA512") return a;
  throw badInput(`${where ? `${where}: ` : ""}unsupported algorithm${quotable(raw) ? ` "${raw}"` : ""} (SHA1, SHA256 or SHA512)`);
}

export function parseOtpauthUri(input: string): ParsedUri {
  const uri = input.trim();
  const warnings: string[] = [];
  if (/^steam:\/\//i.test(uri)) {
    const params = checkOtpParams({ type: "steam", secret: uri.slice(8), algorithm: "SHA1", digits: 5, period: 30 });
    return { params, issuer: "Steam", account: "", warnings };
  }
  const m = /^otpauth:\/\/([A-Za-z]+)\/([^?#]*)(?:\?([^#]*))?(#.*)?$/.exec(uri);
  if (!m) {
    if (/^otpauth:\/\/[^?]*#/i.test(uri)) throw badInput("otpauth URI: the label holds an unencoded '#': encode it as %23");
    throw badInput("not an otpauth URI: expected otpauth://totp/LABEL?secret=…");
  }
  if (m[4]) throw badInput("otpauth URI: unexpected '#' fragment (an unencoded '#' in the label?)");
  let type = m[1]!.toLowerCase() as OtpType;
  if (type !== "totp" && type !== "hotp" && type !== "steam") throw badInput(`otpauth URI: unknown type${quotable(m[1]!) ? ` "${m[1]}"` : ""} (totp, hotp or steam)`);
  const q = parseQuery(m[3] ?? "");
  const label = decodeComponent(m[2]!, "the label");

  // Label resolution (§1.2): issuer parameter wins; strip "<issuer>:" when present; else split at first colon.
  const issuerParam = q.get("issuer");
  let prefix: string | undefined;
  let account = label;
  if (issuerParam !== undefined && label.startsWith(`${issuerParam}:`)) {
    account = label.slice(issuerParam.length + 1);
  } else if (label.includes(":")) {
    prefix = label.slice(0, label.indexOf(":"));
    account = label.slice(label.indexOf(":") + 1);
  }
  account = account.replace(/^\s+/, "");
  const issuer = issuerParam ?? prefix ?? "";
  if (issuerParam !== undefined && prefix !== undefined && prefix !== issuerParam) {
    warnings.push(`label issuer "${prefix}" differs from the issuer parameter "${issuerParam}"; kept the parameter`);
  }

  const secret = q.get("secret");
  if (secret === undefined) throw badInput("otpauth URI: no secret parameter");
  const digitsRaw = q.get("digits");
  if (q.get("encoder")?.toLowerCase() === "steam") type = "steam";
  if (type === "totp" && issuer.toLowerCase() === "steam" && digitsRaw === undefined) {
    type = "steam";
    warnings.push("issuer is Steam and no digits are given: imported as a Steam Guard code");
  }
  const params = checkOtpParams({
    type,
    secret,
    algorithm: parseAlgorithm(q.get("algorithm")),
    digits: digitsRaw === undefined ? 6 : strictInt(digitsRaw, "digits"),
    period: q.get("period") === undefined ? 30 : strictInt(q.get("period")!, "period"),
    counter: type === "hotp" ? (q.get("counter") === undefined ? 0 : strictInt(q.get("counter")!, "counter")) : undefined,
  });
  return { params, issuer, account, warnings };
}

function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical form to emit (§1.1): issuer in label and parameter, %20 for spaces, upper-case secret. */
export function formatOtpauthUri(p: OtpParams, issuer: string, account: string): string {
  const label = issuer ? `${enc(issuer)}:${enc(account)}` : enc(account);
  if (p.type === "steam") {
    return `otpauth://totp/${label}?secret=${p.secret}${issuer ? `&issuer=${enc(issuer)}` : ""}&algorithm=SHA1&digits=5&period=30&encoder=steam`;
  }
  const tail = p.type === "hotp" ? `counter=${p.counter ?? 0}` : `period=${p.period}`;
  return `otpauth://${p.type}/${label}?secret=${p.secret}${issuer ? `&issuer=${enc(issuer)}` : ""}&algorithm=${p.algorithm}&digits=${p.digits}&${tail}`;
}
