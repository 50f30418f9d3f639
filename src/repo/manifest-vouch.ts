// Before a content change (add, import, rm, mv, rotate) re-encrypts a vault to the readers its manifest
// names, the manifest must vouch for the vault.age on disk, by the checks `mfavault verify` runs in CI:
// same SHA-256, as many stanzas (of the right types) as readers, a valid signature by a writer who is one
// of those readers. Otherwise the readers list is not to be trusted (a hand edit, a replaced file, a
// forged manifest) and nothing is written. Reads stay possible: a vault re-encrypted with the plain age
// CLI (break-glass) is readable, and `rekey` applies it.
import { badInput, failure } from "../core/errors.js";
import type { Finding } from "../core/finding.js";
import { verifyVault, type VaultCheck } from "../core/verify-vault.js";
import { dirtyPaths } from "./git.js";
import { manifestFile, recipientsFile, vaultFile } from "./layout.js";
import { LIMITS, readRepoBytes, readRepoText } from "./repo-file.js";
import { readTeam } from "./team-store.js";

/**
 * The checks that say whether the manifest describes this vault.age and was written by a reader. Left
 * out: the recipients file against the manifest (currentReaders says that with its own remedy) and the
 * readers' cards (the write encrypts to the cards' keys and refuses inactive ones itself).
 */
const VOUCHING: readonly VaultCheck[] = ["manifest-vault", "manifest-signature", "manifest-writer", "age-header", "stanza-count", "stanza-type", "vault-sha256"];

function problemsWith(root: string, vault: string): Finding[] {
  const paths = { recipients: recipientsFile(vault), manifest: manifestFile(vault), vaultAge: vaultFile(vault) };
  const files = {
    vault,
    paths,
    recipients: readRepoText(root, paths.recipients, LIMITS.recipients),
    manifest: readRepoText(root, paths.manifest, LIMITS.manifest),
    vaultAge: readRepoBytes(root, paths.vaultAge, LIMITS.vault),
  };
  return verifyVault(files, readTeam(root)).filter((f) => (VOUCHING as readonly string[]).includes(f.check));
}

/** Throws, naming the file and the way out, unless the manifest vouches for vault.age. */
export function requireVouchedManifest(root: string, vault: string): void {
  const problems = problemsWith(root, vault);
  if (problems.length === 0) return;
  // An edit not yet committed is said as such, as every write says it (see applyChange).
  const dirty = dirtyPaths(root, [vaultFile(vault), manifestFile(vault)]);
  if (dirty.length > 0) throw failure(`uncommitted changes in ${dirty.join(", ")}: commit them, or discard them with "git checkout -- <file>", then retry`);
  const what = problems.map((f) => `${f.file} ${f.message}`).join("; ");
  throw badInput(
    `${what}. Nothing was written. If that change is yours and deliberate, apply it with "mfavault rekey ${vault}"; ` +
      `otherwise restore the last good files ("git log -- ${manifestFile(vault)}", then "git checkout <commit> -- clients/${vault}") and ask who changed them`,
  );
}
