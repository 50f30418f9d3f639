// What every importer produces from a file: entries with the place they came from, the rows that are
// wrong (place + what is wrong, never the seed), and how many records were skipped for holding no OTP.
import { isMfaError } from "../core/errors.js";
import type { OtpParams } from "../core/entry.js";

export interface ImportedEntry {
  /** Where the entry sits in the file, for messages: "line 4", "entry 2", "QR code". */
  at: string;
  params: OtpParams;
  issuer: string;
  account: string;
  /** The source's own name for the entry (a CSV name column, a Bitwarden item name), if it has one. */
  name?: string;
  /** True when `name` is meant as the entry name itself (mfavault's own CSV/JSON), not a display title. */
  exactName?: boolean;
  notes?: string;
  warnings: string[];
}

export interface RowProblem {
  at: string;
  problem: string;
}

export interface ImportResult {
  entries: ImportedEntry[];
  problems: RowProblem[];
  /** Records that hold no OTP at all (a password-manager login without TOTP), skipped by design. */
  skipped: number;
  /** File-level remarks worth telling the user (a trashed Ente code left out, a Steam guess). */
  notes: string[];
}

export interface ParseOptions {
  /** The password of an encrypted export (Aegis, 2FAS); never logged. */
  password?: string;
}

export function emptyResult(): ImportResult {
  return { entries: [], problems: [], skipped: 0, notes: [] };
}

/** What a record converter returns: an entry, or SKIP for a record without any OTP. */
export const SKIP = Symbol("skip");

/**
 * Runs `convert` over every record, turning each bad-input error into a problem of that record, so one
 * bad row never hides the next one. Other errors (bugs, I/O) still propagate.
 */
export function convertRecords<T>(records: readonly T[], at: (index: number) => string, convert: (record: T, at: string) => ImportedEntry | typeof SKIP, into = emptyResult()): ImportResult {
  records.forEach((record, i) => {
    const where = at(i);
    try {
      const entry = convert(record, where);
      if (entry === SKIP) into.skipped++;
      else into.entries.push(entry);
    } catch (e) {
      into.problems.push({ at: where, problem: problemMessage(e) });
    }
  });
  return into;
}

/** The message of a bad-input error, for a row problem; anything else (a bug, an I/O error) is rethrown. */
export function problemMessage(e: unknown): string {
  if (!isMfaError(e) || e.kind !== "badInput") throw e;
  return e.message;
}

/** Appends `part` into `into` (entries, problems, skips and notes). */
export function mergeResults(into: ImportResult, part: ImportResult): ImportResult {
  into.entries.push(...part.entries);
  into.problems.push(...part.problems);
  into.skipped += part.skipped;
  into.notes.push(...part.notes);
  return into;
}
