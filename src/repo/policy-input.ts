// What policy status and the review report read from the repository: every vault's readers and (where
// the reviewer can decrypt it) its document, and the audit trail up to the moment being evaluated.
// Loaded once per session: status sections and the report share it.
import type { AuditLine } from "../core/audit-line.js";
import { isMfaError } from "../core/errors.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { listVaults } from "./layout.js";
import type { Session } from "./session.js";
import { sharedAuditTrail, sharedVaultDoc } from "./session-reads.js";
import { readManifest, readRecipients } from "./vault-store.js";

export interface PolicyVault {
  vault: string;
  /** Who the ciphertext is encrypted to (the signed manifest). */
  readers: string[];
  /** Who the recipients file declares. */
  declared: string[];
  /** The decrypted document, or null when the reviewer cannot open it. */
  doc: VaultDoc | null;
}

export interface PolicyInput {
  vaults: PolicyVault[];
  /** The audit trail up to and including `now`, oldest first. */
  lines: AuditLine[];
  /** Lines that could not be read (`audit verify` says why). */
  unreadable: number;
}

const loaded = new WeakMap<Session, Promise<PolicyInput>>();

async function load(s: Session, warn: (message: string) => void): Promise<PolicyInput> {
  const vaults: PolicyVault[] = [];
  for (const vault of listVaults(s.root)) {
    const v: PolicyVault = { vault, readers: [], declared: readRecipients(s.root, vault), doc: null };
    try {
      v.readers = readManifest(s.root, vault).recipients.map((r) => r.name);
      if (v.readers.includes(s.me.name)) v.doc = await sharedVaultDoc(s, vault);
    } catch (e) {
      if (!isMfaError(e)) throw e;
      warn(`${vault} not checked: ${e.message}`);
    }
    vaults.push(v);
  }
  const until = s.now().toISOString();
  const trail = sharedAuditTrail(s);
  if (trail.unreadable > 0) warn(`${trail.unreadable} audit line${trail.unreadable === 1 ? "" : "s"} could not be read: run "mfavault audit verify"`);
  return { vaults, lines: trail.lines.map((t) => t.line).filter((l) => l.ts <= until), unreadable: trail.unreadable };
}

/** The input for this session (and its clock), read once. */
export function loadPolicyInput(s: Session, warn: (message: string) => void): Promise<PolicyInput> {
  let p = loaded.get(s);
  if (!p) {
    p = load(s, warn);
    loaded.set(s, p);
  }
  return p;
}
