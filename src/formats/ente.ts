// Ente Auth's plain export: otpauth URIs one per line, each possibly carrying `codeDisplay`, URL-encoded
// JSON with `trashed` and `note` (OTP-INTERCHANGE.md §3.6). Trashed codes are left out and counted; the
// encrypted export (JSON with kdfParams) is refused with the way round it.
import { badInput } from "../core/errors.js";
import type { Json } from "../core/guards.js";
import { SKIP, type ImportResult, type ImportedEntry } from "./imported.js";
import { parseOtpauthList } from "./otpauth-list.js";
import { textOf } from "./text.js";

function codeDisplay(uri: string): Json | null {
  const m = /[?&]codeDisplay=([^&#]*)/.exec(uri);
  if (!m) return null;
  try {
    const value: unknown = JSON.parse(decodeURIComponent(m[1]!.replace(/\+/g, " ")));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    throw badInput('the "codeDisplay" parameter is not URL-encoded JSON');
  }
}

export function parseEnte(input: Buffer | string): ImportResult {
  const text = textOf(input, "the Ente export");
  if (/^\s*\{/.test(text) && /"kdfParams"/.test(text)) {
    throw badInput("this is an encrypted Ente export: export again from Ente with encryption off (Settings → Data → Export codes → Plain text)");
  }
  return parseOtpauthList(
    text,
    (uri: string, entry: ImportedEntry, out: ImportResult) => {
      const display = codeDisplay(uri);
      if (display?.trashed === true) {
        out.notes.push(`${entry.at}: left out a code that is in Ente's trash`);
        return SKIP;
      }
      if (typeof display?.note === "string" && display.note !== "") entry.notes = display.note;
      return entry;
    },
    "the Ente export",
  );
}
