// Recording a read of seeds before anything is shown: a plain audit line, or — when the read changes the
// vault (a break-glass opening marks what it showed rotation due; an HOTP code advances the counter) — the
// vault and the line as one journaled change and one commit.
import type { AuditFields } from "../core/audit-line.js";
import { breakGlassMark, markOpened } from "../core/break-glass.js";
import type { Json } from "../core/guards.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { nextAuditLine, recordRead } from "./audit-log.js";
import { recipientsFile } from "./layout.js";
import type { Session } from "./session.js";
import { requireVouchedManifest } from "./manifest-vouch.js";
import { applyChange } from "./transaction.js";
import { readManifest, vaultFiles } from "./vault-store.js";

/** What the read policy cleared a read with (commands/read-policy.ts). */
export interface ReadClearance {
  /** Facts for the read's audit line: ticket, breakGlass, reason. */
  details: Json;
  breakGlass: boolean;
}

export interface VaultRead {
  /** The document as read, or as the read changes it (an HOTP counter advance). */
  doc: VaultDoc;
  /** True when `doc` differs from what is on disk and must be written with the audit line. */
  changed?: boolean;
  /** The entries the read shows (for a break-glass opening, these become due for rotation). */
  opened: string[];
  fields: AuditFields;
  clearance: ReadClearance;
  commit: boolean;
  /** The commit message when the vault is written (default: the audit line's action and target). */
  message?: string;
}

/**
 * Records a read; returns once the line (and the vault, if it changed) is on disk and committed, and
 * throws, so that the caller shows nothing, if that fails. The vault stays encrypted to exactly the
 * readers its manifest names; a hand-edited recipients file is left for `rekey`.
 */
export async function recordVaultRead(s: Session, r: VaultRead): Promise<void> {
  const fields: AuditFields = { ...r.fields, details: { ...r.fields.details, ...r.clearance.details } };
  if (!r.changed && !r.clearance.breakGlass) {
    recordRead(s, fields, r.commit);
    return;
  }
  // It re-encrypts, so only to the readers of a manifest written by a reader (repo/manifest-vouch.ts).
  requireVouchedManifest(s.root, r.doc);
  const doc = r.clearance.breakGlass ? markOpened(r.doc, r.opened, breakGlassMark(s.me.name, s.now())) : r.doc;
  const readers = readManifest(s.root, doc.vault).recipients.map((x) => x.name);
  const files = (await vaultFiles(s, doc, readers)).filter((f) => f.path !== recipientsFile(doc.vault));
  const label = r.clearance.breakGlass ? `break-glass ${fields.action}` : fields.action;
  applyChange(s.root, {
    message: r.message ?? `audit: ${s.me.name} ${label} ${fields.target}`,
    commit: r.commit,
    files,
    audit: () => nextAuditLine(s, fields),
  });
}
