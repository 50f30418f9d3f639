// Where each seed stands against its rotation schedule and its inherited-seed window, as `status` and the
// review report list them. Pure: the vault documents, the repository defaults and the clock go in.
import type { Entry } from "./entry.js";
import type { PolicySettings } from "./policy-settings.js";
import { resolveRotation, scheduleVerdict, spanMs, type Tier } from "./schedule.js";
import type { VaultDoc } from "./vault-doc.js";

export type ScheduleListState = "overdue" | "due-soon" | "never-rotated";

export interface ScheduleItem {
  entry: string;
  vault: string;
  issuer: string;
  account: string;
  tier: Tier;
  interval: string;
  state: ScheduleListState;
  /** When the next rotation is due. */
  due: string;
  /** Whole days until due; negative when overdue. */
  daysLeft: number;
  /** The last rotation, or null when the seed was never rotated (it counts from `created`). */
  lastRotated: string | null;
}

export interface InheritedItem {
  entry: string;
  vault: string;
  issuer: string;
  account: string;
  /** When it was taken over from the previous provider. */
  since: string;
  window: string;
  /** `since` + `window`: rotate it by then. */
  due: string;
  overdue: boolean;
}

const RANK: Record<ScheduleListState, number> = { overdue: 0, "due-soon": 1, "never-rotated": 2 };

function entriesOf(docs: VaultDoc[]): { vault: VaultDoc; name: string; entry: Entry }[] {
  return docs.flatMap((doc) => Object.keys(doc.entries).sort().map((name) => ({ vault: doc, name, entry: doc.entries[name]! })));
}

/** Scheduled entries that are overdue, due within `dueSoonDays`, or never rotated; most urgent first. */
export function scheduleItems(docs: VaultDoc[], policy: PolicySettings, now: Date): ScheduleItem[] {
  const out: ScheduleItem[] = [];
  for (const { vault, name, entry } of entriesOf(docs)) {
    const p = resolveRotation(entry.rotation, vault.settings?.rotation, policy.rotation);
    const v = scheduleVerdict(entry, p, now, policy.dueSoonDays);
    if (v.state === "ok" || v.state === "unscheduled") continue;
    out.push({
      entry: `${vault.vault}/${name}`,
      vault: vault.vault,
      issuer: entry.issuer,
      account: entry.account,
      tier: p.tier,
      interval: p.interval!,
      state: v.state,
      due: v.due!,
      daysLeft: v.daysLeft!,
      lastRotated: entry.rotated ?? null,
    });
  }
  return out.sort((a, b) => RANK[a.state] - RANK[b.state] || a.due.localeCompare(b.due) || a.entry.localeCompare(b.entry));
}

/** Entries still holding a seed inherited from a previous provider (until `rotate`); earliest due first. */
export function inheritedItems(docs: VaultDoc[], now: Date): InheritedItem[] {
  const out: InheritedItem[] = [];
  for (const { vault, name, entry } of entriesOf(docs)) {
    if (!entry.inherited) continue;
    const due = new Date(Date.parse(entry.inherited.since) + spanMs(entry.inherited.window));
    out.push({
      entry: `${vault.vault}/${name}`,
      vault: vault.vault,
      issuer: entry.issuer,
      account: entry.account,
      since: entry.inherited.since,
      window: entry.inherited.window,
      due: due.toISOString(),
      overdue: due.getTime() <= now.getTime(),
    });
  }
  return out.sort((a, b) => a.due.localeCompare(b.due) || a.entry.localeCompare(b.entry));
}
