// Who may read what, and the rotation-due bookkeeping that follows a loss of access: which readers a
// grant, revoke or rekey leaves a vault with, marking the seeds a departing reader could open, clearing
// the mark when a seed is rotated, and listing what is still due. Pure: names and documents in, out.
import type { Entry, RotationMark } from "./entry.js";
import type { VaultDoc } from "./vault-doc.js";

/** Who a vault is encrypted to now (its signed manifest) and who its recipients file declares. */
export interface VaultReaders {
  vault: string;
  /** Names in manifest.json: the engineers the current ciphertext really opens for. */
  encryptedTo: string[];
  /** Names in the recipients file: the access list people review. */
  declared: string[];
}

/** What a change does to one vault's readers; `problem` when it must not be applied. */
export interface ReaderPlan {
  vault: string;
  /** The readers after the change, sorted. */
  readers: string[];
  /** Readers the current ciphertext opens for who will not be readers after it: their seeds are exposed. */
  lost: string[];
  /** Readers who could not open the current ciphertext and will open the new one. */
  gained: string[];
  /** True when nothing changes: no write, no commit. */
  unchanged: boolean;
  /** True when only the recipients file needs rewriting (the ciphertext's readers stay the same). */
  recipientsOnly: boolean;
  problem?: { kind: "badInput"; message: string };
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
const sameSet = (a: string[], b: string[]) => sorted(a).join("\n") === sorted(b).join("\n");
const without = (names: string[], name: string) => names.filter((n) => n !== name);

function plan(v: VaultReaders, readers: string[]): ReaderPlan {
  const after = sorted(readers);
  const lost = sorted(v.encryptedTo.filter((n) => !after.includes(n)));
  const gained = sorted(after.filter((n) => !v.encryptedTo.includes(n)));
  const sameCipher = lost.length === 0 && gained.length === 0;
  const sameFile = sameSet(v.declared, after);
  const p: ReaderPlan = { vault: v.vault, readers: after, lost, gained, unchanged: sameCipher && sameFile, recipientsOnly: sameCipher && !sameFile };
  if (after.length === 0) {
    p.problem = {
      kind: "badInput",
      message: `refusing to leave ${v.vault} with no recipient: grant someone else first ("mfavault grant <engineer> ${v.vault}"), or remove the client`,
    };
  }
  return p;
}

/** A hand edit of the recipients file that a grant/revoke must not silently apply (that is rekey's job). */
function pendingEdit(v: VaultReaders, engineer: string): ReaderPlan["problem"] {
  if (sameSet(without(v.encryptedTo, engineer), without(v.declared, engineer))) return undefined;
  return {
    kind: "badInput",
    message:
      `clients/${v.vault}/recipients lists ${sorted(v.declared).join(", ") || "nobody"} but vault.age is encrypted to ${sorted(v.encryptedTo).join(", ") || "nobody"}: ` +
      `apply the file first with "mfavault rekey ${v.vault}", or restore it with "git checkout -- clients/${v.vault}/recipients"`,
  };
}

export function planGrant(v: VaultReaders, engineer: string): ReaderPlan {
  const p = plan(v, [...v.encryptedTo, engineer]);
  p.problem ??= pendingEdit(v, engineer);
  return p;
}

export function planRevoke(v: VaultReaders, engineer: string): ReaderPlan {
  const p = plan(v, without(v.encryptedTo, engineer));
  if (p.unchanged) return p;
  p.problem =
    p.readers.length === 0
      ? {
          kind: "badInput",
          message: `refusing to revoke ${engineer} from ${v.vault}: they are its last recipient and the vault would be orphaned — grant someone else first ("mfavault grant <engineer> ${v.vault}")`,
        }
      : pendingEdit(v, engineer);
  return p;
}

/** Rekey applies the recipients file as written, whatever the ciphertext says now. */
export function planRekey(v: VaultReaders): ReaderPlan {
  return plan(v, v.declared);
}

/** The reason recorded on a rotation mark, in the words `status` and `show` print. */
export function lossReason(engineer: string, how: "revoke" | "team-remove" | "rekey"): string {
  if (how === "team-remove") return `${engineer} removed from the team`;
  if (how === "rekey") return `${engineer} removed from the recipients file (rekey)`;
  return `${engineer} revoked`;
}

/**
 * Marks every entry of `doc` rotation due for `mark`. An entry already marked for the same engineer keeps
 * its earlier mark (the exposure began then). Returns a new document and the names it marked.
 */
export function markRotationDue(doc: VaultDoc, mark: RotationMark): { doc: VaultDoc; marked: string[] } {
  const entries: Record<string, Entry> = Object.create(null);
  const marked: string[] = [];
  for (const [name, entry] of Object.entries(doc.entries)) {
    const marks = entry.rotationDue ?? [];
    const already = mark.engineer !== undefined && marks.some((m) => m.engineer === mark.engineer);
    entries[name] = already ? entry : { ...entry, rotationDue: [...marks, { ...mark }] };
    marked.push(name);
  }
  return { doc: { ...doc, entries }, marked: marked.sort() };
}

/**
 * A rotated entry: the new seed's date, and no mark left (everyone who could read the old seed is moot);
 * an inherited seed is the previous provider's no more.
 */
export function clearRotationDue(entry: Entry, now: string): Entry {
  const { rotationDue: _cleared, inherited: _inherited, ...rest } = entry;
  return { ...rest, rotated: now, updated: now };
}

/** One entry that must be rotated at its service, as `status --json` and `revoke --json` show it. */
export interface RotationDueItem {
  /** The entry address, e.g. `acme/aws`. */
  entry: string;
  vault: string;
  issuer: string;
  account: string;
  /** When the earliest mark was made: the seed has been exposed since then. */
  since: string;
  /** Every mark's reason, earliest first, joined with "; ". */
  reason: string;
  /** The engineer of the earliest mark (who lost access first). */
  engineer?: string;
  /** Every engineer whose loss of access made this rotation due. */
  engineers: string[];
  marks: RotationMark[];
}

function itemFor(vault: string, name: string, entry: Entry): RotationDueItem | null {
  const marks = [...(entry.rotationDue ?? [])].sort((a, b) => a.since.localeCompare(b.since));
  if (marks.length === 0) return null;
  const first = marks[0]!;
  const item: RotationDueItem = {
    entry: `${vault}/${name}`,
    vault,
    issuer: entry.issuer,
    account: entry.account,
    since: first.since,
    reason: marks.map((m) => m.reason).join("; "),
    engineers: sorted(marks.flatMap((m) => (m.engineer ? [m.engineer] : []))),
    marks,
  };
  if (first.engineer !== undefined) item.engineer = first.engineer;
  return item;
}

/** The entries of a vault that are due for rotation, by entry name; `only` restricts to some names. */
export function rotationDueItems(doc: VaultDoc, only?: string[]): RotationDueItem[] {
  const out: RotationDueItem[] = [];
  for (const name of Object.keys(doc.entries).sort()) {
    if (only && !only.includes(name)) continue;
    const item = itemFor(doc.vault, name, doc.entries[name]!);
    if (item) out.push(item);
  }
  return out;
}
