// The one place `verify` checks the audit trail. The chain and signature checks belong to the audit
// feature (audit-trail.ts, shared with `audit verify`); this file only calls them and says that it did.
import type { Card } from "../core/card.js";
import type { Finding } from "../core/finding.js";
import { verifyAuditTrail } from "./audit-trail.js";

export interface AuditCheck {
  findings: Finding[];
  /** "verified", or why the trail was not checked. */
  status: string;
}

export function auditTrailCheck(root: string, team: Map<string, Card>): AuditCheck {
  return { findings: verifyAuditTrail(root, team), status: "verified" };
}
