// Three-way merge of what two clones did to one vault: the entries of the vault document and the list of
// its readers. Pure: the merge driver decrypts, calls this, and re-encrypts.
//   entries: additions from both sides; a deletion wins over a metadata change but not over a new seed;
//            one side's rotation wins; two different rotations keep both seeds and mark both entries.
//   readers: additions from both sides; a removal on either side is honoured (a revoke is never undone).
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import { badInput } from "./errors.js";
import type { Entry, RotationMark } from "./entry.js";
import type { ManifestRecipient } from "./manifest.js";
import type { VaultDoc } from "./vault-doc.js";
import { mergeVaultSettings } from "./vault-settings.js";

export interface VaultMerge {
  doc: VaultDoc;
  /** Entries that now hold a conflict mark (both seeds kept). */
  conflicts: string[];
}

const same = (x: unknown, y: unknown) => canonicalJson(x ?? null) === canonicalJson(y ?? null);

/** What makes the codes: a change here is a rotation. */
function seedOf(e: Entry): string {
  return canonicalJson({ type: e.type, secret: e.secret, algorithm: e.algorithm, digits: e.digits, period: e.period });
}

/** Three-way merge of a set: kept when either side has it, unless one side removed it. */
export function mergeSets<T>(base: T[], ours: T[], theirs: T[], key: (t: T) => string = String): T[] {
  const inBase = new Set(base.map(key));
  const inOurs = new Set(ours.map(key));
  const inTheirs = new Set(theirs.map(key));
  const out = new Map<string, T>();
  for (const item of [...ours, ...theirs]) {
    const k = key(item);
    const removed = inBase.has(k) && (!inOurs.has(k) || !inTheirs.has(k));
    if (!removed && !out.has(k)) out.set(k, item);
  }
  return [...out.values()];
}

/** The readers after a merge: names three-way merged; a name's age recipient must agree on both sides. */
export function mergeReaders(base: ManifestRecipient[], ours: ManifestRecipient[], theirs: ManifestRecipient[]): ManifestRecipient[] {
  for (const o of ours) {
    const t = theirs.find((x) => x.name === o.name);
    if (t && t.recipient !== o.recipient) throw badInput(`the two sides encrypt to different keys for "${o.name}": a card is never re-keyed; check team/${o.name}.json`);
  }
  return mergeSets(base, ours, theirs, (r) => r.name).sort((a, b) => a.name.localeCompare(b.name));
}

/** Field by field: a side's change wins over no change; two different changes go to the later-updated side. */
function pick<K extends keyof Entry>(field: K, o: Entry | undefined, a: Entry, b: Entry, later: Entry): Entry[K] {
  if (same(a[field], b[field])) return a[field];
  if (o && same(a[field], o[field])) return b[field];
  if (o && same(b[field], o[field])) return a[field];
  return later[field];
}

function laterOf(a: Entry, b: Entry): Entry {
  return a.updated > b.updated || (a.updated === b.updated && canonicalJson(a) >= canonicalJson(b)) ? a : b;
}

/** Both sides changed an entry whose seed they agree on (or only one side rotated, `seedFrom`). */
function mergeEntry(o: Entry | undefined, a: Entry, b: Entry, seedFrom: Entry): Entry {
  const later = laterOf(a, b);
  const out: Entry = {
    type: seedFrom.type,
    secret: seedFrom.secret,
    algorithm: seedFrom.algorithm,
    digits: seedFrom.digits,
    period: seedFrom.period,
    issuer: pick("issuer", o, a, b, later),
    account: pick("account", o, a, b, later),
    notes: pick("notes", o, a, b, later),
    created: pick("created", o, a, b, later),
    updated: a.updated > b.updated ? a.updated : b.updated,
  };
  if (seedFrom.type === "hotp") {
    // Same seed: every code either side used is spent, so the counter is the higher one.
    out.counter = seedOf(a) === seedOf(b) ? Math.max(a.counter ?? 0, b.counter ?? 0) : seedFrom.counter;
  }
  const rotated = seedOf(a) === seedOf(b) ? [a.rotated, b.rotated].filter(Boolean).sort().pop() : seedFrom.rotated;
  if (rotated) out.rotated = rotated;
  const marks = mergeSets<RotationMark>(o?.rotationDue ?? [], a.rotationDue ?? [], b.rotationDue ?? [], canonicalJson);
  if (marks.length > 0) out.rotationDue = marks;
  const rotation = pick("rotation", o, a, b, later);
  if (rotation) out.rotation = rotation;
  // A rotation clears the inherited mark: the side whose seed wins decides, unless both kept the seed.
  const inherited = seedOf(a) === seedOf(b) ? pick("inherited", o, a, b, later) : seedFrom.inherited;
  if (inherited) out.inherited = inherited;
  const conflict = pick("conflict", o, a, b, later);
  if (conflict) out.conflict = conflict;
  return out;
}

/** The name the losing seed of a true conflict is kept under: stable on every clone that merges it. */
export function conflictName(name: string, loser: Entry, taken: (n: string) => boolean): string {
  const short = createHash("sha256").update(seedOf(loser)).digest("hex").slice(0, 8);
  const stem = `${name.slice(0, 64 - 18)}.conflict-${short}`;
  let candidate = stem;
  for (let i = 2; taken(candidate); i++) candidate = `${stem.slice(0, 60)}-${i}`;
  return candidate;
}

const CONFLICT_REASON = "rotated to two different seeds on two clones: keep the one the service accepts, then mfavault rm the other";

export function mergeVaultDocs(base: VaultDoc | null, ours: VaultDoc, theirs: VaultDoc, now: string): VaultMerge {
  if (ours.vault !== theirs.vault || (base && base.vault !== ours.vault)) {
    throw badInput(`cannot merge documents of different vaults (${ours.vault}, ${theirs.vault})`);
  }
  const entries: Record<string, Entry> = Object.create(null);
  const conflicts: string[] = [];
  const losers: [string, Entry, Entry][] = [];
  const names = new Set([...Object.keys(base?.entries ?? {}), ...Object.keys(ours.entries), ...Object.keys(theirs.entries)]);
  for (const name of [...names].sort()) {
    const o = base?.entries[name];
    const a = ours.entries[name];
    const b = theirs.entries[name];
    let merged: Entry | undefined;
    if (same(a, b)) merged = a;
    else if (same(a, o)) merged = b;
    else if (same(b, o)) merged = a;
    else if (!a || !b) {
      // Deleted on one side, changed on the other: the deletion wins unless the change is a new seed,
      // which the service may already accept and which exists nowhere else.
      const changed = (a ?? b)!;
      merged = o && seedOf(changed) !== seedOf(o) ? changed : undefined;
    } else if (seedOf(a) === seedOf(b)) merged = mergeEntry(o, a, b, a);
    else if (o && seedOf(a) === seedOf(o)) merged = mergeEntry(o, a, b, b);
    else if (o && seedOf(b) === seedOf(o)) merged = mergeEntry(o, a, b, a);
    else {
      // A true conflict: two new seeds. The later rotation keeps the name; the other is kept beside it.
      const stamp = (e: Entry) => e.rotated ?? e.updated;
      const aWins = stamp(a) > stamp(b) || (stamp(a) === stamp(b) && a.secret > b.secret);
      merged = aWins ? a : b;
      losers.push([name, merged, aWins ? b : a]);
    }
    if (merged) entries[name] = merged;
  }
  for (const [name, winner, loser] of losers) {
    // A name already holding this very seed (the same conflict merged before) is reused, not duplicated.
    const other = conflictName(name, loser, (n) => n in entries && seedOf(entries[n]!) !== seedOf(loser));
    entries[name] = { ...winner, conflict: { since: now, with: other, reason: CONFLICT_REASON } };
    entries[other] = { ...loser, conflict: { since: now, with: name, reason: CONFLICT_REASON } };
    conflicts.push(name, other);
  }
  const settings = mergeVaultSettings(base?.settings, ours.settings, theirs.settings);
  return { doc: { version: 1, vault: ours.vault, ...(Object.keys(settings).length ? { settings } : {}), entries }, conflicts };
}

/**
 * A reader the merge removed (a revoke on one side) could read what the other side wrote while they were
 * still on it: every entry whose seed came from such a side is marked rotation due for them.
 */
export function markRemovedReaders(doc: VaultDoc, sides: { doc: VaultDoc; readers: string[] }[], merged: string[], now: string): void {
  for (const side of sides) {
    for (const reader of side.readers.filter((r) => !merged.includes(r))) {
      for (const [name, entry] of Object.entries(doc.entries)) {
        const seen = side.doc.entries[name];
        if (!seen || seen.secret !== entry.secret) continue;
        if ((entry.rotationDue ?? []).some((m) => m.engineer === reader)) continue;
        entry.rotationDue = [...(entry.rotationDue ?? []), { since: now, reason: `readable by ${reader} on a branch merged after their access was removed`, engineer: reader }];
      }
    }
  }
}
