// Rotation schedules: intervals like "90d" or "1y", privilege tiers, and when an entry is next due.
// Pure: the entry's dates, the settings that apply to it and the clock go in; the verdict comes out.
import { badInput } from "./errors.js";

export type Tier = "standard" | "high";
export const TIERS: readonly Tier[] = ["standard", "high"];

export interface RotationPolicy {
  /** Interval between rotations, e.g. "90d", "12w", "1y"; undefined means no schedule. */
  interval?: string;
  tier?: Tier;
}

const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, m: 30, y: 365 };
const DAY_MS = 86_400_000;

/** Days in an interval ("90d", "12w", "3m", "1y"); throws a bad-input error for anything else. */
export function intervalDays(interval: string): number {
  const m = /^([1-9][0-9]{0,4})([dwmy])$/.exec(interval.trim());
  if (!m) throw badInput(`invalid rotation interval "${interval.slice(0, 20)}": use a number and d, w, m or y, e.g. 90d or 1y`);
  return Number(m[1]) * UNIT_DAYS[m[2]!]!;
}

export function checkTier(tier: string): Tier {
  if (!TIERS.includes(tier as Tier)) throw badInput(`invalid tier "${tier.slice(0, 20)}": use standard or high`);
  return tier as Tier;
}

/** The policy that applies to an entry: its own settings, else its vault's, else the repository default. */
export function effectivePolicy(...layers: (RotationPolicy | undefined)[]): RotationPolicy {
  const out: RotationPolicy = {};
  for (const layer of layers) {
    if (!layer) continue;
    out.interval ??= layer.interval;
    out.tier ??= layer.tier;
  }
  return out;
}

export type ScheduleState = "overdue" | "due-soon" | "ok" | "never-rotated" | "unscheduled";

export interface ScheduleVerdict {
  state: ScheduleState;
  /** When the next rotation is due (ISO), if the entry has a schedule. */
  due?: string;
  /** Days until due (negative when overdue). */
  daysLeft?: number;
}

/**
 * An entry never rotated counts from its creation: a seed imported a year ago on a 90-day schedule is
 * overdue. "never-rotated" is reported for scheduled entries that are not yet due but were never rotated.
 */
export function scheduleVerdict(dates: { created: string; rotated?: string }, policy: RotationPolicy, now: Date, soonDays: number): ScheduleVerdict {
  if (!policy.interval) return { state: "unscheduled" };
  const since = Date.parse(dates.rotated ?? dates.created);
  const due = since + intervalDays(policy.interval) * DAY_MS;
  const daysLeft = Math.floor((due - now.getTime()) / DAY_MS);
  const iso = new Date(due).toISOString();
  if (due <= now.getTime()) return { state: "overdue", due: iso, daysLeft };
  if (daysLeft <= soonDays) return { state: "due-soon", due: iso, daysLeft };
  return { state: dates.rotated ? "ok" : "never-rotated", due: iso, daysLeft };
}

const SPAN_MS = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS } as const;

/** Relative or absolute times for --since/--until: "30d", "12h", "2w", or an ISO date. */
export function parseSince(value: string, now: Date): Date {
  const rel = /^([0-9]{1,6})([hdw])$/.exec(value.trim());
  if (rel) return new Date(now.getTime() - Number(rel[1]) * SPAN_MS[rel[2] as keyof typeof SPAN_MS]);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badInput(`invalid time "${value.slice(0, 40)}": use an ISO date (2026-01-31) or a span like 30d, 12h, 2w`);
  return new Date(t);
}

/** Milliseconds in a window like "48h", "7d" or "2w" (the grace period of an inherited seed). */
export function spanMs(span: string): number {
  const m = /^([1-9][0-9]{0,5})([hdw])$/.exec(span.trim());
  if (!m) throw badInput(`invalid window "${span.slice(0, 20)}": use a number and h, d or w, e.g. 48h or 7d`);
  return Number(m[1]) * SPAN_MS[m[2] as keyof typeof SPAN_MS];
}

/** The repository's defaults: the interval for entries of each tier that set none, and the default tier. */
export interface RepoRotation {
  interval?: string;
  tier: Tier;
  /** High-privilege seeds rotate at least this often, whatever else is set ("90d"). */
  high: string;
}

/**
 * The schedule of one entry: its own interval and tier, else its vault's, else the repository's. A
 * high-tier entry rotates at least every `repo.high`: a longer interval set anywhere is capped to it.
 */
export function resolveRotation(entry: RotationPolicy | undefined, vault: RotationPolicy | undefined, repo: RepoRotation): { interval?: string; tier: Tier } {
  const own = effectivePolicy(entry, vault);
  const tier = own.tier ?? repo.tier;
  let interval = own.interval ?? repo.interval;
  if (tier === "high" && (interval === undefined || intervalDays(repo.high) < intervalDays(interval))) interval = repo.high;
  return interval === undefined ? { tier } : { interval, tier };
}
