// Telling an export's format from its content (file names lie; `--format` overrides): image magic bytes,
// then JSON keys, then the first line of text (URIs or a CSV header). Also says whether it is encrypted.
import { badInput } from "../core/errors.js";
import { parseJsonText } from "../core/canonical-json.js";
import type { Json } from "../core/guards.js";
import { isEncryptedAegis } from "./aegis.js";
import { isJpeg, isPng } from "./qr-image.js";
import type { ImportFormat } from "./registry.js";
import { textOf } from "./text.js";
import { isEncryptedTwofas } from "./twofas.js";

export interface Detected {
  format: ImportFormat;
  /** An encrypted backup that needs a password (Aegis, 2FAS). */
  encrypted: boolean;
}

const HINT = "pass --format (mfavault import --help lists them)";

function fromJsonObject(o: Json): Detected | null {
  if ("db" in o && "header" in o) return { format: "aegis", encrypted: isEncryptedAegis(o) };
  if ("schemaVersion" in o && ("services" in o || "servicesEncrypted" in o)) return { format: "2fas", encrypted: isEncryptedTwofas(o) };
  if ("items" in o && "encrypted" in o) return { format: "bitwarden", encrypted: false };
  if ("tokens" in o && Array.isArray(o.tokens)) return { format: "freeotp-plus", encrypted: false };
  if ("kdfParams" in o && "encryptedData" in o) return { format: "ente", encrypted: false };
  if (o.format === "mfavault-export") return { format: "mfavault", encrypted: false };
  return null;
}

function fromJsonArray(list: unknown[]): Detected | null {
  const first = list.find((x) => typeof x === "object" && x !== null) as Json | undefined;
  if (!first) return null;
  if ("kind" in first && "timer" in first) return { format: "raivo", encrypted: false };
  if ("secret" in first && ("label" in first || "thumbnail" in first)) return { format: "andotp", encrypted: false };
  return null;
}

function fromHeader(line: string): ImportFormat | null {
  const cells = line.split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, "").toLowerCase().replace(/[^a-z0-9]/g, ""));
  if (cells.includes("logintotp")) return "bitwarden";
  if (cells.includes("otpauth") && cells.includes("title")) return "1password";
  const known = ["secret", "seed", "key", "secretkey", "totpsecret", "otpsecret", "uri", "otpauth", "otpauthuri", "otpuri", "totp", "otp"];
  return cells.some((c) => known.includes(c)) ? "csv" : null;
}

export function detectFormat(input: Buffer, what: string): Detected {
  if (isPng(input) || isJpeg(input)) return { format: "qr", encrypted: false };
  let text: string;
  try {
    text = textOf(input, what);
  } catch {
    throw badInput(`cannot tell the format of ${what}: it is not text, PNG or JPEG (an encrypted andOTP backup? export it unencrypted) — or ${HINT}`);
  }
  const start = text.trimStart();
  if (start === "") throw badInput(`${what} is empty: nothing to import`);
  if (start.startsWith("{") || start.startsWith("[")) {
    const value = parseJsonText(text, what);
    const found = Array.isArray(value) ? fromJsonArray(value) : fromJsonObject(value as Json);
    if (found) return found;
    throw badInput(`cannot tell which app wrote the JSON in ${what}: ${HINT}`);
  }
  const lines = start.split(/\r\n|\n|\r/).filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  if (lines.length === 0) throw badInput(`${what} holds only comments: nothing to import`);
  const first = lines[0]!.trim();
  if (/^otpauth-migration:/i.test(first) && lines.every((l) => /^otpauth-migration:/i.test(l.trim()))) return { format: "google", encrypted: false };
  if (/^(otpauth|otpauth-migration|steam):/i.test(first)) {
    return { format: lines.some((l) => /[?&]codeDisplay=/.test(l)) ? "ente" : "otpauth", encrypted: false };
  }
  const header = fromHeader(/^sep=.$/i.test(first) ? (lines[1] ?? "") : first);
  if (header) return { format: header, encrypted: false };
  throw badInput(`cannot tell the format of ${what}: ${HINT}`);
}

/** Whether an input of this format is an encrypted backup that needs a password before parsing. */
export function isEncryptedExport(format: ImportFormat, input: Buffer): boolean {
  if (format !== "aegis" && format !== "2fas") return false;
  try {
    const o = JSON.parse(textOf(input, "the backup")) as unknown;
    if (typeof o !== "object" || o === null || Array.isArray(o)) return false;
    return format === "aegis" ? isEncryptedAegis(o as Json) : isEncryptedTwofas(o as Json);
  } catch {
    return false;
  }
}
