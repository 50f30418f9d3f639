// The monthly review of an MSP credential audit, from the audit trail and the vaults as they are now:
// reads by engineers no longer assigned to the vault, bulk reads, entries never read, entries not
// rotated within the interval, and for each engineer who lost access, which of the seeds they could read
// they actually read (rotate those first). Pure: lines, vaults and settings in; the findings out.
import type { AuditLine } from "./audit-line.js";
import type { Card } from "./card.js";
import type { Entry } from "./entry.js";
import type { ReviewSettings } from "./review-settings.js";
import { scheduleVerdict } from "./schedule.js";

/** Actions that put a code or a seed in front of someone. */
export const READ_ACTIONS: readonly string[] = ["code", "reveal", "export"];

export type ReviewLine = Pick<AuditLine, "ts" | "engineer" | "action" | "target" | "details">;

export interface ReviewVault {
  vault: string;
  /** The declared readers now (the recipients file). */
  readers: string[];
  /** Its entries, or null when the reviewer cannot decrypt it (its entries are not reviewed). */
  entries: Record<string, Pick<Entry, "created" | "rotated" | "rotationDue">> | null;
}

export interface ReviewInput {
  /** The whole trail, oldest first. */
  lines: ReviewLine[];
  vaults: ReviewVault[];
  team: Map<string, Card>;
  settings: ReviewSettings;
  now: Date;
  /** Start of the review period for reads by unassigned engineers and bulk reads. */
  since: Date;
}

export interface UnassignedRead {
  engineer: string;
  vault: string;
  reads: number;
  last: string;
}

export interface BulkRead {
  engineer: string;
  from: string;
  to: string;
  entries: string[];
}

export interface NotRotated {
  entry: string;
  /** When it was last rotated, or created if never. */
  since: string;
  due: string;
}

export interface SeedRead {
  entry: string;
  reads: number;
  last: string;
}

export interface LostAccess {
  engineer: string;
  /** True when their team card is removed (they left); false when they lost access to some vaults only. */
  removed: boolean;
  /** Seeds they read: rotate these first. */
  read: SeedRead[];
  /** Seeds they could read but never did, by the trail (plain `age` leaves no line: see README). */
  notRead: string[];
}

export interface AuditReview {
  since: string;
  settings: ReviewSettings;
  unassignedReads: UnassignedRead[];
  bulkReads: BulkRead[];
  neverRead: string[];
  notRotated: NotRotated[];
  lostAccess: LostAccess[];
  /** Vaults whose entries could not be reviewed (the reviewer cannot decrypt them). */
  notReviewed: string[];
}

/** The vaults a read line touched: its details.vaults (an export), else the longest vault its target is in. */
export function vaultsOf(line: ReviewLine, known: string[]): string[] {
  const listed = line.details?.vaults;
  if (Array.isArray(listed) && listed.every((v) => typeof v === "string")) return listed as string[];
  const segs = line.target.split("/");
  for (let n = segs.length; n > 0; n--) {
    const v = segs.slice(0, n).join("/");
    if (known.includes(v)) return [v];
  }
  return [];
}

const isEntryRead = (l: ReviewLine) => (l.action === "code" || l.action === "reveal") && l.target.includes("/");

function unassignedReads(reads: ReviewLine[], vaults: ReviewVault[], sinceIso: string): UnassignedRead[] {
  const known = vaults.map((v) => v.vault);
  const readers = new Map(vaults.map((v) => [v.vault, new Set(v.readers)]));
  const out = new Map<string, UnassignedRead>();
  for (const l of reads) {
    if (l.ts < sinceIso) continue;
    for (const vault of vaultsOf(l, known)) {
      if (readers.get(vault)?.has(l.engineer)) continue;
      const key = `${l.engineer}\n${vault}`;
      const r = out.get(key) ?? { engineer: l.engineer, vault, reads: 0, last: l.ts };
      r.reads++;
      r.last = l.ts;
      out.set(key, r);
    }
  }
  return [...out.values()].sort((a, b) => a.engineer.localeCompare(b.engineer) || a.vault.localeCompare(b.vault));
}

/**
 * Spans where an engineer read at least N different entries within the window (overlapping spans merge),
 * and every export: an export reads whole vaults at once.
 */
function bulkReads(reads: ReviewLine[], known: string[], settings: ReviewSettings, sinceIso: string): BulkRead[] {
  const window = settings.bulkMinutes * 60_000;
  const out: BulkRead[] = [];
  const byEngineer = new Map<string, ReviewLine[]>();
  for (const l of reads) {
    if (l.ts < sinceIso) continue;
    if (isEntryRead(l)) {
      const theirs = byEngineer.get(l.engineer);
      if (theirs) theirs.push(l);
      else byEngineer.set(l.engineer, [l]);
    }
    else if (l.action === "export") out.push({ engineer: l.engineer, from: l.ts, to: l.ts, entries: vaultsOf(l, known).map((v) => `${v}/*`) });
  }
  for (const [engineer, ls] of byEngineer) {
    const t = ls.map((l) => Date.parse(l.ts));
    const counts = new Map<string, number>();
    let burst: { from: number; to: number; entries: Set<string> } | null = null;
    const flush = () => burst && out.push({ engineer, from: new Date(burst.from).toISOString(), to: new Date(burst.to).toISOString(), entries: [...burst.entries].sort() });
    for (let i = 0, j = 0; j < ls.length; j++) {
      counts.set(ls[j]!.target, (counts.get(ls[j]!.target) ?? 0) + 1);
      for (; t[j]! - t[i]! > window; i++) {
        const k = ls[i]!.target;
        if (counts.get(k) === 1) counts.delete(k);
        else counts.set(k, counts.get(k)! - 1);
      }
      if (counts.size < settings.bulkEntries) continue;
      if (burst && t[i]! <= burst.to) {
        burst.to = t[j]!;
        for (const k of counts.keys()) burst.entries.add(k);
      } else {
        flush();
        burst = { from: t[i]!, to: t[j]!, entries: new Set(counts.keys()) };
      }
    }
    flush();
  }
  return out.sort((a, b) => a.from.localeCompare(b.from) || a.engineer.localeCompare(b.engineer));
}

interface EntryInfo {
  vault: string;
  created: string;
}

/**
 * Who read which entry, how often and last when: code reads and reveals of the entry, and exports of its
 * vault after it was created. Renames (`mv` lines) carry an entry's reads over to its new name.
 */
function readsByEntry(lines: ReviewLine[], entries: Map<string, EntryInfo>, known: string[]): Map<string, Map<string, SeedRead>> {
  const out = new Map<string, Map<string, SeedRead>>();
  const count = (path: string, l: ReviewLine) => {
    const byWho = out.get(path) ?? new Map<string, SeedRead>();
    const r = byWho.get(l.engineer) ?? { entry: path, reads: 0, last: l.ts };
    r.reads++;
    r.last = l.ts;
    out.set(path, byWho.set(l.engineer, r));
  };
  for (const l of lines) {
    if (isEntryRead(l)) count(l.target, l);
    else if (l.action === "export") {
      const vaults = vaultsOf(l, known);
      for (const [path, info] of entries) if (vaults.includes(info.vault) && info.created <= l.ts) count(path, l);
    } else if (l.action === "mv" && typeof l.details?.to === "string" && out.has(l.target)) {
      const to = l.details.to;
      const moved = out.get(to) ?? new Map<string, SeedRead>();
      for (const [who, r] of out.get(l.target)!) moved.set(who, { ...r, entry: to });
      out.set(to, moved);
    }
  }
  return out;
}

export function auditReview(input: ReviewInput): AuditReview {
  const sinceIso = input.since.toISOString();
  const known = input.vaults.map((v) => v.vault);
  const reads = input.lines.filter((l) => READ_ACTIONS.includes(l.action));
  const review: AuditReview = {
    since: sinceIso,
    settings: input.settings,
    unassignedReads: unassignedReads(reads, input.vaults, sinceIso),
    bulkReads: bulkReads(reads, known, input.settings, sinceIso),
    neverRead: [],
    notRotated: [],
    lostAccess: [],
    notReviewed: [],
  };
  const entries = new Map<string, EntryInfo>();
  for (const v of input.vaults) for (const [name, e] of Object.entries(v.entries ?? {})) entries.set(`${v.vault}/${name}`, { vault: v.vault, created: e.created });
  const read = readsByEntry(input.lines, entries, known);
  const lost = new Map<string, string[]>();
  for (const v of input.vaults) {
    if (!v.entries) {
      review.notReviewed.push(v.vault);
      continue;
    }
    for (const name of Object.keys(v.entries).sort()) {
      const e = v.entries[name]!;
      const path = `${v.vault}/${name}`;
      if (!read.has(path)) review.neverRead.push(path);
      const verdict = scheduleVerdict(e, { interval: input.settings.rotateWithin }, input.now, 0);
      if (verdict.state === "overdue") review.notRotated.push({ entry: path, since: e.rotated ?? e.created, due: verdict.due! });
      for (const mark of e.rotationDue ?? []) if (mark.engineer && !lost.get(mark.engineer)?.includes(path)) lost.set(mark.engineer, [...(lost.get(mark.engineer) ?? []), path]);
    }
  }
  for (const [engineer, paths] of [...lost].sort((a, b) => a[0].localeCompare(b[0]))) {
    const theirs = paths.map((p) => read.get(p)?.get(engineer)).filter((r): r is SeedRead => r !== undefined);
    review.lostAccess.push({
      engineer,
      removed: input.team.get(engineer)?.status === "removed",
      read: theirs,
      notRead: paths.filter((p) => !read.get(p)?.has(engineer)),
    });
  }
  return review;
}
