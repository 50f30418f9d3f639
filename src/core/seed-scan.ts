// Does a file look like a plaintext MFA seed? Pure and cheap: one keyword pass finds the few places worth
// a closer look (otpauth URIs, fields and columns named secret/seed/otp), each of which must then hold a
// value shaped like a real seed. Ciphertext, base64 signatures and mfavault's own metadata never qualify.
import { normalizeBase32 } from "./base32.js";
import { escapeText } from "./escape.js";
import type { Finding } from "./finding.js";

export interface SeedHit {
  /** 1-based line of the first hit. */
  line: number;
  /** What was seen, for people; never the seed itself. */
  reason: string;
}

const MIN_SEED_CHARS = 16; // 80 bits of base32, the smallest seed worth keeping
const BINARY_PROBE = 8192;
const MAX_CSV_ROWS = 10_000;
const CSV_PROBE = 1 << 20;
const KEYWORDS = /otpauth-migration:\/\/|otpauth:\/\/|steam:\/\/|otp|secret|seed/gi;
const FIELD_NAME = /secret|seed|otp/i;
const IDENT = /[A-Za-z0-9_.-]/;
/** Markers of authenticator exports and decrypted vault documents: their "secret" fields need no extra proof. */
const EXPORT_MARKERS = /"(?:db|entries|services|thumbnail|used_frequency|tokenOrder|issuerExt|timer|kind|algo|info|encrypted)"\s*:/;

/**
 * True when a value is shaped like a base32 seed: at least 16 characters of one case, a valid base32
 * length, and (unless the context already says "authenticator export") a digit 2-7, which random seeds
 * nearly always have and words and placeholders ("CHANGEMEPLEASE…") do not.
 */
export function looksLikeSeed(value: string, needDigit = true): boolean {
  const compact = value.replace(/[\s-]/g, "");
  if (compact.length < MIN_SEED_CHARS || compact.length > 1024) return false;
  if (compact !== compact.toUpperCase() && compact !== compact.toLowerCase()) return false;
  if (needDigit && !/[2-7]/.test(compact)) return false;
  try {
    normalizeBase32(compact);
    return true;
  } catch {
    return false;
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function isBinary(text: string): boolean {
  return text.slice(0, BINARY_PROBE).includes("\u0000");
}

function uriHit(text: string, at: number, scheme: string): string | null {
  const end = text.slice(at, at + 4096).search(/[\s"'<>\\`]|$/);
  const uri = text.slice(at, at + (end < 0 ? 4096 : end));
  if (scheme === "otpauth-migration://") {
    const data = /[?&]data=([A-Za-z0-9+/=%_-]+)/.exec(uri);
    return data && data[1]!.length >= 16 ? "an otpauth-migration:// (Google Authenticator export) URI with data" : null;
  }
  if (scheme === "steam://") {
    return looksLikeSeed(uri.slice(scheme.length), false) ? "a steam:// URI holding a seed" : null;
  }
  const secret = /[?&]secret=([^&#]*)/i.exec(uri);
  if (!secret) return null;
  let value = secret[1]!;
  try {
    value = decodeURIComponent(value);
  } catch {
    return null;
  }
  return looksLikeSeed(value, false) ? "an otpauth:// URI with a secret" : null;
}

/** `name: value`, `name = value`, `"name": "value"` and `"name": [bytes…]` around a keyword inside `name`. */
function fieldHit(text: string, at: number, relaxed: boolean): string | null {
  let start = at;
  while (start > 0 && IDENT.test(text[start - 1]!)) start--;
  let end = at;
  while (end < text.length && IDENT.test(text[end]!)) end++;
  const name = text.slice(start, end);
  if (name.length > 64 || !FIELD_NAME.test(name)) return null;
  const rest = text.slice(end, end + 1200);
  // "secret: X", "Secret key = X", "\"TOTP Secret\": \"X\"": up to three more words may finish the name.
  const m = /^(?:[ \t]+[A-Za-z0-9_.-]+){0,3}["']?[ \t]*[:=][ \t]*(["']?)/.exec(rest);
  if (!m) return null;
  const after = rest.slice(m[0].length);
  const label = `a field named "${escapeText(name)}"`;
  if (m[1]) {
    const close = after.indexOf(m[1]);
    if (close < 0) return null;
    return looksLikeSeed(after.slice(0, close), !relaxed) ? `${label} holding a base32 seed` : null;
  }
  if (/^\[\s*-?\d{1,3}(\s*,\s*-?\d{1,3}){9,}\s*\]/.test(after)) return `${label} holding a seed as a byte array`;
  const token = /^[A-Za-z2-7]+=*/.exec(after)?.[0] ?? "";
  if (looksLikeSeed(token, !relaxed)) return `${label} holding a base32 seed`;
  const grouped = /^(?:[A-Za-z2-7]{4} ){3,}[A-Za-z2-7]{1,4}(?![A-Za-z0-9])/.exec(after)?.[0];
  return grouped && looksLikeSeed(grouped, !relaxed) ? `${label} holding a base32 seed` : null;
}

function splitRow(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"' && quoted && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === delimiter && !quoted) {
      cells.push(cell.trim());
      cell = "";
    } else {
      cell += c;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/** A table whose header names a secret/seed/otp column, with a seed in that column on some row. */
function csvHit(text: string): SeedHit | null {
  const lines = text.slice(0, CSV_PROBE).split(/\r?\n/, MAX_CSV_ROWS);
  const h = lines.findIndex((l) => l.trim() !== "");
  if (h < 0 || !FIELD_NAME.test(lines[h]!)) return null;
  const header = lines[h]!;
  const delimiter = [",", ";", "\t", "|"].map((d) => [d, header.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]!;
  if (delimiter[1] < 2) return null;
  const names = splitRow(header, delimiter[0]);
  const columns = names.map((n, i) => (FIELD_NAME.test(n) && n.length <= 64 ? i : -1)).filter((i) => i >= 0);
  for (let r = h + 1; r < lines.length; r++) {
    const cells = splitRow(lines[r]!, delimiter[0]);
    for (const c of columns) {
      if (cells[c] !== undefined && looksLikeSeed(cells[c]!, false)) {
        return { line: r + 1, reason: `a table whose "${escapeText(names[c]!)}" column holds base32 seeds` };
      }
    }
  }
  return null;
}

/** The first sign of a plaintext seed in a file's content, or null. */
export function scanForSeed(content: string | Buffer): SeedHit | null {
  const text = typeof content === "string" ? content : content.toString("latin1");
  if (isBinary(text)) return null;
  const relaxed = EXPORT_MARKERS.test(text.slice(0, 65536));
  KEYWORDS.lastIndex = 0;
  let sawField = false;
  for (let m = KEYWORDS.exec(text); m; m = KEYWORDS.exec(text)) {
    const word = m[0].toLowerCase();
    const reason = word.endsWith("://") ? uriHit(text, m.index, word) : fieldHit(text, m.index, relaxed);
    if (reason) return { line: lineAt(text, m.index), reason };
    sawField = true;
  }
  return sawField ? csvHit(text) : null;
}

/** The finding for a tracked file that holds a plaintext seed, or null. */
export function seedFinding(path: string, content: string | Buffer): Finding | null {
  const hit = scanForSeed(content);
  if (!hit) return null;
  return {
    file: path,
    line: hit.line,
    check: "plaintext-seed",
    message: `looks like a plaintext MFA seed (${hit.reason}): delete it, purge it from git history, and rotate the seeds it held`,
  };
}
