// A text file of otpauth:// URIs, one per line (Aegis, FreeOTP+ and Ente plain exports, hand-made lists).
// Blank lines and `#` comments are skipped; steam:// lines are Steam; otpauth-migration:// lines go to
// the Google Authenticator decoder, so a mixed list imports in one go.
import { parseOtpauthUri } from "../core/otpauth-uri.js";
import { otpParams } from "./fields.js";
import { batchProblems, parseMigrationUri, type MigrationBatch } from "./google-migration.js";
import { emptyResult, mergeResults, problemMessage, SKIP, type ImportResult, type ImportedEntry } from "./imported.js";
import { numberedLines, textOf } from "./text.js";

/** A hook a format built on URI lists uses to read its own extra parameters (Ente's codeDisplay). */
export type UriInspector = (uri: string, entry: ImportedEntry, out: ImportResult) => ImportedEntry | typeof SKIP;

export function uriEntry(uri: string, at: string): ImportedEntry {
  const parsed = parseOtpauthUri(uri);
  return { at, params: parsed.params, issuer: parsed.issuer, account: parsed.account, warnings: parsed.warnings };
}

/**
 * A password manager's TOTP field (Bitwarden `login.totp`, 1Password `OTPAuth`): an otpauth URI, a
 * steam:// URI, or a bare base32 secret meaning TOTP/SHA1/6 digits/30 s.
 */
export function otpFieldEntry(value: string, at: string): ImportedEntry {
  const v = value.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) return uriEntry(v, at);
  return { at, params: otpParams({ type: "totp", secret: v, algorithm: "SHA1", digits: 6, period: 30 }), issuer: "", account: "", warnings: [] };
}

export function parseOtpauthList(input: Buffer | string, inspect?: UriInspector, what = "the otpauth list"): ImportResult {
  const out = emptyResult();
  const batches: MigrationBatch[] = [];
  for (const { line, text } of numberedLines(textOf(input, what))) {
    const uri = text.trim();
    if (uri === "" || uri.startsWith("#")) continue;
    const at = `line ${line}`;
    try {
      if (/^otpauth-migration:/i.test(uri)) {
        const { result, batch } = parseMigrationUri(uri, at);
        mergeResults(out, result);
        batches.push(batch);
        continue;
      }
      const entry = uriEntry(uri, at);
      const kept = inspect ? inspect(uri, entry, out) : entry;
      if (kept === SKIP) out.skipped++;
      else out.entries.push(kept);
    } catch (e) {
      out.problems.push({ at, problem: problemMessage(e) });
    }
  }
  out.problems.push(...batchProblems(batches));
  return out;
}
