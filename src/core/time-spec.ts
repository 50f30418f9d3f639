// Points in time as people type them on the command line: an ISO date or timestamp, or a span back from
// now (`30d`, `12h`). Also the spans of settings (`90d`) in mfavault.json.
import { usageError } from "./errors.js";
import { escapeText } from "./escape.js";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a span such as `90s`, `15m`, `12h`, `30d`, `2w`; null when it is not one. */
export function parseSpan(text: string): number | null {
  const m = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

/**
 * `2026-01-31` (that day, 00:00 UTC), `2026-01-31T12:00:00Z` or any ISO timestamp with an offset, or a
 * span back from `now` (`30d`). A bare date is UTC midnight, so `--since 2026-01-01 --until 2026-02-01`
 * is exactly January.
 */
export function parseTimeSpec(text: string, now: Date, flag: string): Date {
  const span = parseSpan(text);
  if (span !== null) return new Date(now.getTime() - span);
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const d = new Date(`${t}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(t)) return d;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) {
    const d = new Date(t);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw usageError(`${flag} "${escapeText(text)}" is not a time: use a date (2026-01-31), a UTC timestamp (2026-01-31T12:00:00Z) or a span back from now (30d, 12h, 15m)`);
}
