// The monthly review's settings in mfavault.json: what counts as a bulk read, and how long an entry may go
// without rotation. `"audit": {"bulk": {"entries": 10, "minutes": 60}, "rotateWithin": "365d"}`.
import { badInput } from "./errors.js";
import type { Json } from "./guards.js";
import { intervalDays } from "./schedule.js";

export interface ReviewSettings {
  /** Bulk read: at least this many different entries read by one engineer within `bulkMinutes`. */
  bulkEntries: number;
  bulkMinutes: number;
  /** Entries not rotated (or, never rotated, not created) within this interval are listed, e.g. "365d". */
  rotateWithin: string;
}

export const DEFAULT_REVIEW: ReviewSettings = { bulkEntries: 10, bulkMinutes: 60, rotateWithin: "365d" };

function intIn(o: Json, key: string, min: number, max: number, fallback: number): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw badInput(`mfavault.json: audit.bulk.${key} must be a whole number from ${min} to ${max}`);
  return v;
}

/** `"audit": {"bulk": {"entries": 10, "minutes": 60}, "rotateWithin": "365d"}` in mfavault.json. */
export function parseReviewSettings(audit: Json): ReviewSettings {
  const bulk = audit.bulk ?? {};
  if (typeof bulk !== "object" || bulk === null || Array.isArray(bulk)) throw badInput('mfavault.json: audit.bulk must be an object like {"entries": 10, "minutes": 60}');
  const rotateWithin = audit.rotateWithin ?? DEFAULT_REVIEW.rotateWithin;
  if (typeof rotateWithin !== "string") throw badInput('mfavault.json: audit.rotateWithin must be an interval like "365d"');
  intervalDays(rotateWithin);
  return {
    bulkEntries: intIn(bulk as Json, "entries", 2, 100_000, DEFAULT_REVIEW.bulkEntries),
    bulkMinutes: intIn(bulk as Json, "minutes", 1, 7 * 24 * 60, DEFAULT_REVIEW.bulkMinutes),
    rotateWithin,
  };
}
