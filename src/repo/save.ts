// The one way a command changes vaults: re-encrypt the documents, sign their manifests, append the audit
// line and commit, all in one journaled change.
import type { AuditFields } from "../core/audit-line.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { nextAuditLine } from "./audit-log.js";
import type { Session } from "./session.js";
import { applyChange, type FileChange } from "./transaction.js";
import { vaultFiles } from "./vault-store.js";

export interface VaultWrite {
  doc: VaultDoc;
  readers: string[];
}

export async function saveChange(
  s: Session,
  opts: { message: string; commit: boolean; vaults?: VaultWrite[]; files?: FileChange[]; applies?: string[]; audit: AuditFields },
): Promise<{ recovered: string | null }> {
  const files: FileChange[] = [...(opts.files ?? [])];
  for (const v of opts.vaults ?? []) files.push(...(await vaultFiles(s, v.doc, v.readers)));
  return applyChange(s.root, {
    message: opts.message,
    commit: opts.commit,
    files,
    applies: opts.applies,
    audit: () => nextAuditLine(s, opts.audit),
  });
}
