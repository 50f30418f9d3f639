// The review report an MSP attaches to its compliance evidence (`status --report`): per vault, who has
// access, what was read by whom, the anomalies, where its seeds stand on rotation; and the revocations of
// the period. Pure: the vaults, the trail and the settings in; one plain object out, which the JSON,
// Markdown and HTML forms render.
import { auditReview, READ_ACTIONS, vaultsOf, type BulkRead, type ReviewLine, type UnassignedRead } from "./audit-review.js";
import type { Card } from "./card.js";
import type { Json } from "./guards.js";
import { rotationDueItems, type RotationDueItem } from "./policy.js";
import type { PolicySettings } from "./policy-settings.js";
import { breakGlassOpenings, readsWithoutTicket, type BreakGlassOpening, type TicketlessRead } from "./read-anomalies.js";
import type { ReviewSettings } from "./review-settings.js";
import { inheritedItems, scheduleItems, type InheritedItem, type ScheduleItem } from "./rotation-state.js";
import type { VaultDoc } from "./vault-doc.js";
import type { VaultSettings } from "./vault-settings.js";

export interface ReportVault {
  vault: string;
  readers: string[];
  declared: string[];
  doc: VaultDoc | null;
}

export interface ReportInput {
  vaults: ReportVault[];
  /** The whole trail up to `now`, oldest first (reads before the period still tell who read a departed seed). */
  lines: ReviewLine[];
  team: Map<string, Card>;
  policy: PolicySettings;
  review: ReviewSettings;
  since: Date;
  now: Date;
  generatedBy: string;
}

export interface ReadCount {
  engineer: string;
  /** The entry read, or the vault for an export. */
  target: string;
  code: number;
  reveal: number;
  export: number;
  last: string;
}

export interface SettingsChangeEvent {
  ts: string;
  engineer: string;
  settings: Json;
}

export interface ClientReport {
  vault: string;
  /** Who the vault is encrypted to (its signed manifest): who has access. */
  readers: string[];
  /** Who its recipients file declares, when that differs from `readers` (a hand edit not yet applied). */
  declared: string[];
  /** False when the reviewer cannot decrypt it: its settings and rotation state are not known. */
  reviewed: boolean;
  settings: VaultSettings | null;
  reads: ReadCount[];
  anomalies: {
    unassignedReads: UnassignedRead[];
    bulkReads: BulkRead[];
    readsWithoutTicket: TicketlessRead[];
    breakGlassOpenings: BreakGlassOpening[];
  };
  rotation: {
    overdue: ScheduleItem[];
    dueSoon: ScheduleItem[];
    neverRotated: ScheduleItem[];
    inherited: InheritedItem[];
    /** Seeds an engineer who lost access could read, not yet rotated. */
    revokedNotRotated: RotationDueItem[];
    /** Seeds opened with break-glass, not yet rotated. */
    breakGlassDue: RotationDueItem[];
  };
  settingsChanges: SettingsChangeEvent[];
}

export interface RevocationEvent {
  ts: string;
  /** Who ran it. */
  by: string;
  action: "revoke" | "team-remove" | "rekey";
  /** Who lost access. */
  engineer: string;
  vaults: string[];
}

export interface ReportSummary {
  vaults: number;
  reads: number;
  anomalies: number;
  breakGlassOpenings: number;
  readsWithoutTicket: number;
  overdue: number;
  dueSoon: number;
  inherited: number;
  revokedNotRotated: number;
  revocations: number;
}

export interface PolicyReport {
  report: "mfavault-review";
  version: 1;
  period: { since: string; until: string };
  generatedBy: string;
  summary: ReportSummary;
  clients: ClientReport[];
  revocations: RevocationEvent[];
  /** Vaults the reviewer cannot decrypt: their rotation state and ticket settings are not in this report. */
  notReviewed: string[];
  settings: { policy: PolicySettings; review: ReviewSettings };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function revocations(lines: ReviewLine[]): RevocationEvent[] {
  const out: RevocationEvent[] = [];
  for (const l of lines) {
    const vaults = strings(l.details?.vaults);
    if (l.action === "revoke" && typeof l.details?.engineer === "string") out.push({ ts: l.ts, by: l.engineer, action: "revoke", engineer: l.details.engineer, vaults });
    else if (l.action === "team-remove") out.push({ ts: l.ts, by: l.engineer, action: "team-remove", engineer: l.target, vaults });
    else if (l.action === "rekey") for (const who of strings(l.details?.removed)) out.push({ ts: l.ts, by: l.engineer, action: "rekey", engineer: who, vaults });
  }
  return out;
}

/** The period's reads grouped by the vaults they touched, each line attributed once (not once per vault). */
function readsByVault(lines: ReviewLine[], known: string[]): Map<string, ReviewLine[]> {
  const out = new Map<string, ReviewLine[]>();
  for (const l of lines) {
    if (!READ_ACTIONS.includes(l.action)) continue;
    for (const v of vaultsOf(l, known)) {
      const list = out.get(v);
      if (list) list.push(l);
      else out.set(v, [l]);
    }
  }
  return out;
}

function readCounts(reads: ReviewLine[], vault: string): ReadCount[] {
  const counts = new Map<string, ReadCount>();
  for (const l of reads) {
    const target = l.action === "export" ? vault : l.target;
    const key = `${l.engineer}\n${target}`;
    const c = counts.get(key) ?? { engineer: l.engineer, target, code: 0, reveal: 0, export: 0, last: l.ts };
    c[l.action as "code" | "reveal" | "export"]++;
    c.last = l.ts;
    counts.set(key, c);
  }
  return [...counts.values()].sort((a, b) => a.engineer.localeCompare(b.engineer) || a.target.localeCompare(b.target));
}

const vaultOfPath = (path: string) => path.slice(0, path.lastIndexOf("/"));

export function buildPolicyReport(input: ReportInput): PolicyReport {
  const sinceIso = input.since.toISOString();
  const period = input.lines.filter((l) => l.ts >= sinceIso);
  const known = input.vaults.map((v) => v.vault);
  const review = auditReview({
    lines: input.lines,
    vaults: input.vaults.map((v) => ({ vault: v.vault, readers: v.declared, entries: v.doc?.entries ?? null })),
    team: input.team,
    settings: input.review,
    now: input.now,
    since: input.since,
  });
  const ticketVaults = input.vaults.flatMap((v) => (v.doc ? [{ vault: v.vault, requireTicket: Boolean(v.doc.settings?.requireTicket) }] : []));
  // Ticket requirements are dated from the whole trail; only reads within the period are listed.
  const ticketless = readsWithoutTicket(input.lines, ticketVaults, null).filter((t) => t.ts >= sinceIso);
  const openings = breakGlassOpenings(period, null);
  const reads = readsByVault(period, known);
  const clients = input.vaults.map((v): ClientReport => {
    const doc = v.doc;
    const schedule = doc ? scheduleItems([doc], input.policy, input.now) : [];
    const due = doc ? rotationDueItems(doc) : [];
    return {
      vault: v.vault,
      readers: v.readers,
      declared: [...v.declared].sort().join("\n") === [...v.readers].sort().join("\n") ? [] : v.declared,
      reviewed: doc !== null,
      settings: doc ? (doc.settings ?? {}) : null,
      reads: readCounts(reads.get(v.vault) ?? [], v.vault),
      anomalies: {
        unassignedReads: review.unassignedReads.filter((u) => u.vault === v.vault),
        bulkReads: review.bulkReads.flatMap((b) => {
          const mine = b.entries.filter((e) => vaultOfPath(e) === v.vault);
          return mine.length > 0 ? [{ ...b, entries: mine }] : [];
        }),
        readsWithoutTicket: ticketless.filter((t) => t.vault === v.vault),
        breakGlassOpenings: openings.filter((o) => vaultsOf({ ...o, details: undefined }, known).includes(v.vault)),
      },
      rotation: {
        overdue: schedule.filter((i) => i.state === "overdue"),
        dueSoon: schedule.filter((i) => i.state === "due-soon"),
        neverRotated: schedule.filter((i) => i.state === "never-rotated"),
        inherited: doc ? inheritedItems([doc], input.now) : [],
        revokedNotRotated: due.filter((i) => i.engineers.length > 0),
        breakGlassDue: due.filter((i) => i.marks.some((m) => m.breakGlass)),
      },
      settingsChanges: period
        .filter((l) => (l.action === "client-set" || l.action === "client-add") && l.target === v.vault && typeof l.details?.settings === "object")
        .map((l) => ({ ts: l.ts, engineer: l.engineer, settings: l.details!.settings as Json })),
    };
  });
  const revoked = revocations(period);
  const sum = (f: (c: ClientReport) => number) => clients.reduce((n, c) => n + f(c), 0);
  const anomalyCount = (c: ClientReport) => Object.values(c.anomalies).reduce((n, list) => n + list.length, 0);
  return {
    report: "mfavault-review",
    version: 1,
    period: { since: sinceIso, until: input.now.toISOString() },
    generatedBy: input.generatedBy,
    summary: {
      vaults: clients.length,
      reads: period.filter((l) => READ_ACTIONS.includes(l.action)).length,
      anomalies: sum(anomalyCount),
      breakGlassOpenings: openings.length,
      readsWithoutTicket: ticketless.length,
      overdue: sum((c) => c.rotation.overdue.length),
      dueSoon: sum((c) => c.rotation.dueSoon.length),
      inherited: sum((c) => c.rotation.inherited.length),
      revokedNotRotated: sum((c) => c.rotation.revokedNotRotated.length),
      revocations: revoked.length,
    },
    clients,
    revocations: revoked,
    notReviewed: clients.filter((c) => !c.reviewed).map((c) => c.vault),
    settings: { policy: input.policy, review: input.review },
  };
}
