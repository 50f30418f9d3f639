// Sealed break-glass vaults, the pure part: the rotation mark an opening leaves on every entry it showed,
// and which audit lines are openings. An opened seed has been seen outside normal access, so it is due.
import type { AuditLine } from "./audit-line.js";
import type { Entry, RotationMark } from "./entry.js";
import type { VaultDoc } from "./vault-doc.js";

export function breakGlassMark(engineer: string, when: Date): RotationMark {
  return { since: when.toISOString(), reason: `opened with break-glass by ${engineer}`, breakGlass: true };
}

/**
 * Marks the named entries rotation due for a break-glass opening. An entry that already carries a
 * break-glass mark keeps it: its exposure began at the first opening, and the trail holds every one.
 */
export function markOpened(doc: VaultDoc, names: string[], mark: RotationMark): VaultDoc {
  const entries: Record<string, Entry> = Object.create(null);
  for (const [name, entry] of Object.entries(doc.entries)) {
    const marks = entry.rotationDue ?? [];
    const open = names.includes(name) && !marks.some((m) => m.breakGlass);
    entries[name] = open ? { ...entry, rotationDue: [...marks, { ...mark }] } : entry;
  }
  return { ...doc, entries };
}

/** An audit line that records a break-glass opening (its details say so; mfavault writes nothing else). */
export function isBreakGlassLine(line: Pick<AuditLine, "details">): boolean {
  return line.details?.breakGlass === true;
}
