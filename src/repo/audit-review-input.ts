// Gathering what the monthly review needs from the repository: the whole audit trail, every vault's
// declared readers, and the entries of the vaults the reviewer can decrypt.
import { auditReview, type AuditReview, type ReviewVault } from "../core/audit-review.js";
import { parseReviewSettings } from "../core/review-settings.js";
import { isMfaError } from "../core/errors.js";
import { listVaults } from "./layout.js";
import type { Session } from "./session.js";
import { sharedAuditTrail, sharedVaultDoc } from "./session-reads.js";
import { readManifest, readRecipients } from "./vault-store.js";

/** The review since `since`; `warn` hears about unreadable lines and vaults that could not be opened. */
export async function loadAuditReview(s: Session, since: Date, warn: (message: string) => void): Promise<AuditReview> {
  const settings = parseReviewSettings(s.config.audit);
  const trail = sharedAuditTrail(s);
  if (trail.unreadable > 0) warn(`${trail.unreadable} audit line${trail.unreadable === 1 ? "" : "s"} could not be read and ${trail.unreadable === 1 ? "is" : "are"} not reviewed: run "mfavault audit verify"`);
  const vaults: ReviewVault[] = [];
  for (const vault of listVaults(s.root)) {
    const v: ReviewVault = { vault, readers: readRecipients(s.root, vault), entries: null };
    try {
      if (readManifest(s.root, vault).recipients.some((r) => r.name === s.me.name)) v.entries = (await sharedVaultDoc(s, vault)).entries;
    } catch (e) {
      if (!isMfaError(e)) throw e;
      warn(`${vault} not reviewed: ${e.message}`);
    }
    vaults.push(v);
  }
  return auditReview({ lines: trail.lines.map((t) => t.line), vaults, team: s.team, settings, now: s.now(), since });
}
