// Reads that the parts of one read-only command share (the sections of `status`: rotation, conflicts,
// policy, review): each vault decrypted once per session and the audit trail parsed once, not once per
// section. Only for commands that write nothing the shared reads would then miss.
import type { VaultDoc } from "../core/vault-doc.js";
import { readAuditTrail, type TrailRead } from "./audit-trail.js";
import type { Session } from "./session.js";
import { loadVaultDoc } from "./vault-store.js";

const docs = new WeakMap<Session, Map<string, Promise<VaultDoc>>>();
const trails = new WeakMap<Session, TrailRead>();

/** The vault's document, decrypted on the first call of this session (a failure is shared too). */
export function sharedVaultDoc(s: Session, vault: string): Promise<VaultDoc> {
  let bySession = docs.get(s);
  if (!bySession) docs.set(s, (bySession = new Map()));
  let doc = bySession.get(vault);
  if (!doc) bySession.set(vault, (doc = loadVaultDoc(s, vault)));
  return doc;
}

/** Every engineer's audit lines, sorted by time, read on the first call of this session. */
export function sharedAuditTrail(s: Session): TrailRead {
  let trail = trails.get(s);
  if (!trail) trails.set(s, (trail = readAuditTrail(s.root)));
  return trail;
}
