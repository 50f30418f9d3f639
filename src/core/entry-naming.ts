// Entry names for imported entries. A name comes from the source's own name, else its issuer, else its
// account, lower-cased and folded into the entry-name alphabet of names.ts. When several entries of one
// file would share a name but belong to different accounts (two Google logins), each is qualified with
// its account ("google-alice-example.com"). What is left over is a duplicate, inside the file or against
// the vault, and `--on-duplicate` decides: fail (default), skip, rename (-2, -3, …) or replace.
import { checkName } from "./names.js";

export type DuplicatePolicy = "fail" | "skip" | "rename" | "replace";
export const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ["fail", "skip", "rename", "replace"];

export interface NameSource {
  /** Where the entry sits in its file ("line 4"), for messages. */
  at: string;
  name?: string;
  /** The name is meant as the entry name itself (mfavault's own exports): never qualified. */
  exactName?: boolean;
  issuer: string;
  account: string;
}

export interface Placement {
  /** Index into the sources. */
  index: number;
  name: string;
  /** It overwrites an entry the vault already has (policy replace). */
  replacesExisting: boolean;
}

export interface NamingResult {
  placed: Placement[];
  /** Duplicates the policy refused (fail): one problem per entry, naming the other holder. */
  problems: { at: string; problem: string }[];
  /** What skip, rename and replace did, one line each, for the user. */
  decisions: { at: string; decision: string }[];
  /** Entries left out by skip, or overwritten by a later row of the file under replace. */
  dropped: number;
}

const MAX = 64;

/** Folds free text into a valid entry name: "ACME Co." → "acme-co", "Ünïcode" → "unicode"; "" if nothing is left. */
export function slugName(text: string): string {
  const folded = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+/, "");
  return folded.slice(0, MAX).replace(/[.-]+$/, "");
}

function primaryText(s: NameSource): string {
  return s.name || s.issuer || s.account;
}

/** The name each source would get before duplicates are resolved. */
export function baseNames(sources: readonly NameSource[]): string[] {
  const bases = sources.map((s) => slugName(primaryText(s)) || "entry");
  const groups = new Map<string, number[]>();
  sources.forEach((s, i) => {
    if (!s.exactName) groups.set(bases[i]!, [...(groups.get(bases[i]!) ?? []), i]);
  });
  for (const members of groups.values()) {
    const accounts = new Set(members.map((i) => sources[i]!.account));
    if (members.length < 2 || accounts.size < 2) continue;
    for (const i of members) {
      const s = sources[i]!;
      if (s.account && primaryText(s) !== s.account) bases[i] = slugName(`${primaryText(s)} ${s.account}`) || bases[i]!;
    }
  }
  return bases.map((b) => checkName(b, "entry name"));
}

function withSuffix(base: string, n: number): string {
  const suffix = `-${n}`;
  return `${base.slice(0, MAX - suffix.length).replace(/[.]+$/, "")}${suffix}`;
}

export function assignNames(sources: readonly NameSource[], existing: ReadonlySet<string>, policy: DuplicatePolicy): NamingResult {
  const bases = baseNames(sources);
  const result: NamingResult = { placed: [], problems: [], decisions: [], dropped: 0 };
  const holder = new Map<string, number>();
  const placements = new Map<number, Placement>();
  sources.forEach((s, i) => {
    const name = bases[i]!;
    const earlier = holder.get(name);
    const inVault = existing.has(name);
    if (earlier === undefined && !inVault) {
      holder.set(name, i);
      placements.set(i, { index: i, name, replacesExisting: false });
      return;
    }
    const clash = earlier !== undefined ? `${sources[earlier]!.at} also becomes "${name}"` : `the vault already has an entry "${name}"`;
    if (policy === "fail") {
      result.problems.push({ at: s.at, problem: `duplicate name "${name}": ${clash}` });
    } else if (policy === "skip") {
      result.dropped++;
      result.decisions.push({ at: s.at, decision: `skipped: ${clash}` });
    } else if (policy === "rename") {
      let n = 2;
      while (holder.has(withSuffix(name, n)) || existing.has(withSuffix(name, n))) n++;
      const renamed = withSuffix(name, n);
      holder.set(renamed, i);
      placements.set(i, { index: i, name: renamed, replacesExisting: false });
      result.decisions.push({ at: s.at, decision: `named "${renamed}": ${clash}` });
    } else {
      if (earlier !== undefined) {
        placements.delete(earlier);
        result.dropped++;
        result.decisions.push({ at: sources[earlier]!.at, decision: `left out: ${s.at} also becomes "${name}" and comes later` });
      } else result.decisions.push({ at: s.at, decision: `replaces the vault's entry "${name}"` });
      holder.set(name, i);
      placements.set(i, { index: i, name, replacesExisting: inVault });
    }
  });
  result.placed = [...placements.values()].sort((a, b) => a.index - b.index);
  return result;
}
