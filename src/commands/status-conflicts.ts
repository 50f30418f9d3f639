// The `status` section for merge conflicts: entries two clones rotated to different seeds, both kept by
// the merge driver until someone removes the wrong one.
import { escapeText } from "../core/escape.js";
import { isMfaError } from "../core/errors.js";
import { listVaults } from "../repo/layout.js";
import { sharedVaultDoc } from "../repo/session-reads.js";
import { readManifest } from "../repo/vault-store.js";
import type { StatusSection } from "./status.js";

export interface ConflictItem {
  entry: string;
  /** The entry holding the other seed. */
  with: string;
  since: string;
  issuer: string;
  account: string;
}

export const conflictSection: StatusSection = {
  title: (r) => `Merge conflicts (${r.conflicts.length})`,
  async collect(_ctx, s) {
    const conflicts: ConflictItem[] = [];
    for (const vault of listVaults(s.root)) {
      try {
        if (!readManifest(s.root, vault).recipients.some((r) => r.name === s.me.name)) continue;
        const doc = await sharedVaultDoc(s, vault);
        for (const [name, e] of Object.entries(doc.entries)) {
          if (e.conflict) conflicts.push({ entry: `${vault}/${name}`, with: `${vault}/${e.conflict.with}`, since: e.conflict.since, issuer: e.issuer, account: e.account });
        }
      } catch (e) {
        // The rotation section already names the vaults it could not check.
        if (!isMfaError(e)) throw e;
      }
    }
    return { conflicts };
  },
  render(r) {
    if (r.conflicts.length === 0) return ["no merge conflicts"];
    return [
      ...r.conflicts.map((c) => `  ${c.entry}  ${escapeText(c.issuer) || "-"}  since ${c.since.slice(0, 10)}: two seeds, the other is ${c.with}`),
      "  keep the seed the service accepts (mfavault code both), then: mfavault rm <the other>",
    ];
  },
};
