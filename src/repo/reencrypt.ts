// Changing who can read vaults (grant, revoke, rekey, team remove) as one change: every vault is read,
// decrypted and checked before anything is written; the vaults that cannot be done are set aside
// byte-for-byte untouched and named; the rest go out in one journaled change with one commit.
import { isMfaError, MfaError, type ErrorKind } from "../core/errors.js";
import { markRotationDue, rotationDueItems, type ReaderPlan, type RotationDueItem, type VaultReaders } from "../core/policy.js";
import { serializeRecipientsFile } from "../core/recipients-file.js";
import { recipientsFile } from "./layout.js";
import type { VaultWrite } from "./save.js";
import type { Session } from "./session.js";
import { lockRepository, recoverInterrupted, type FileChange } from "./transaction.js";
import { requireVouchedManifest } from "./manifest-vouch.js";
import { loadVaultDoc, readManifest, readRecipients } from "./vault-store.js";

/** A vault left unchanged, why, and who can finish the job. */
export interface BlockedVault {
  vault: string;
  kind: ErrorKind;
  message: string;
}

export interface PreparedRewrite {
  /** Vaults re-encrypted to their new readers (documents already carry the new rotation marks). */
  vaults: VaultWrite[];
  /** Recipients files rewritten where the ciphertext's readers stay the same. */
  files: FileChange[];
  /** The plans that will be applied (re-encrypted or recipients-only), in vault order. */
  applied: ReaderPlan[];
  blocked: BlockedVault[];
  /** Entries newly due for rotation because a reader lost access, with their full marks. */
  rotationDue: RotationDueItem[];
}

/**
 * Finishes (or discards) a change a killed run left behind, before a command reads any vault: planning
 * from a half-applied tree would mix states. Returns recovery's sentence for the user, or null.
 */
export function finishInterrupted(root: string): string | null {
  const release = lockRepository(root);
  try {
    return recoverInterrupted(root);
  } finally {
    release();
  }
}

/** Who a vault is encrypted to (its signed manifest) and who its recipients file declares. */
export function vaultReaders(root: string, vault: string): VaultReaders {
  return { vault, encryptedTo: readManifest(root, vault).recipients.map((r) => r.name), declared: readRecipients(root, vault) };
}

function checkReaders(s: Session, p: ReaderPlan): BlockedVault | null {
  for (const name of p.gained) {
    const card = s.team.get(name);
    if (!card) return { vault: p.vault, kind: "notFound", message: `${recipientsFile(p.vault)} names "${name}", who has no card in team/: add the card with "mfavault team add", or take the name out` };
    if (card.status !== "active") return { vault: p.vault, kind: "badInput", message: `${p.vault} would be encrypted to "${name}", whose card is ${card.status}: take the name out of ${recipientsFile(p.vault)}` };
  }
  for (const name of p.readers) {
    const card = s.team.get(name);
    if (!card || card.status !== "active") {
      return { vault: p.vault, kind: "badInput", message: `${p.vault} is encrypted to "${name}", whose card is ${card ? card.status : "missing"}: revoke them from it first ("mfavault revoke ${name} ${p.vault}")` };
    }
  }
  return null;
}

export interface PrepareOptions {
  /** The reason recorded on the rotation marks of the entries a lost reader could open. */
  reason: (engineer: string) => string;
  /** The command another engineer should run to finish a vault we cannot open. */
  finishCommand: (vault: string) => string;
  /**
   * Rekey: the new readers are the recipients file's, applied deliberately. Otherwise (grant, revoke) they
   * are derived from the manifest's, which must then vouch for vault.age (repo/manifest-vouch.ts).
   */
  appliesRecipientsFile?: boolean;
}

/** Decrypts and re-plans every vault a change touches; writes nothing. */
export async function prepareRewrite(s: Session, plans: ReaderPlan[], opts: PrepareOptions): Promise<PreparedRewrite> {
  const out: PreparedRewrite = { vaults: [], files: [], applied: [], blocked: [], rotationDue: [] };
  const since = s.now().toISOString();
  for (const p of plans) {
    if (p.unchanged) continue;
    if (p.problem) {
      out.blocked.push({ vault: p.vault, kind: p.problem.kind, message: p.problem.message });
      continue;
    }
    const bad = checkReaders(s, p);
    if (bad) {
      out.blocked.push(bad);
      continue;
    }
    if (p.recipientsOnly) {
      out.files.push({ path: recipientsFile(p.vault), content: serializeRecipientsFile(p.vault, p.readers) });
      out.applied.push(p);
      continue;
    }
    let doc;
    try {
      doc = await loadVaultDoc(s, p.vault);
    } catch (e) {
      if (!isMfaError(e)) throw e;
      out.blocked.push(blockedByRead(s, p.vault, e, opts.finishCommand(p.vault)));
      continue;
    }
    if (!opts.appliesRecipientsFile) {
      try {
        requireVouchedManifest(s.root, doc);
      } catch (e) {
        if (!isMfaError(e)) throw e;
        out.blocked.push({ vault: p.vault, kind: e.kind, message: `${p.vault} left unchanged: ${e.message}` });
        continue;
      }
    }
    const marked = new Set<string>();
    for (const engineer of p.lost) {
      const r = markRotationDue(doc, { since, reason: opts.reason(engineer), engineer });
      doc = r.doc;
      for (const name of r.marked) marked.add(name);
    }
    out.rotationDue.push(...rotationDueItems(doc, [...marked]));
    out.vaults.push({ doc, readers: p.readers });
    out.applied.push(p);
  }
  return out;
}

function blockedByRead(s: Session, vault: string, e: MfaError, finish: string): BlockedVault {
  if (e.kind !== "noAccess") return { vault, kind: e.kind, message: `${vault} left unchanged: ${e.message}` };
  let readers: string[] = [];
  try {
    readers = readManifest(s.root, vault).recipients.map((r) => r.name).filter((n) => n !== s.me.name);
  } catch {
    readers = [];
  }
  const who = readers.length ? `it is encrypted to ${readers.join(", ")} — ask one of them to run "${finish}"` : "no one on the team can open it";
  return { vault, kind: "noAccess", message: `${vault} left unchanged: you cannot decrypt it; ${who}` };
}

const KIND_ORDER: ErrorKind[] = ["noAccess", "badInput", "notFound", "usage", "failure", "finding"];

/** The error a command exits with after committing what it could: the most telling kind among the blocked. */
export function blockedError(blocked: BlockedVault[], done: string): MfaError {
  const kind = KIND_ORDER.find((k) => blocked.some((b) => b.kind === k)) ?? "failure";
  const names = blocked.map((b) => b.vault).join(", ");
  const message = blocked.length === 1 ? blocked[0]!.message : `${blocked.length} vaults left unchanged (${names}): see the lines above`;
  return new MfaError(kind, done ? `${message}; ${done}` : message);
}
