// Before a change re-encrypts a vault to the readers its manifest names (add, import, rm, mv, rotate, a
// HOTP code, grant, revoke, team remove), the manifest must vouch for the vault.age on disk: the checks
// `mfavault verify` runs in CI (same SHA-256, as many stanzas of the right types as readers, a valid
// signature by a writer who is one of them) and, which only a reader can check, a valid reader proof (it
// was written by someone who could open vault.age). Otherwise the readers list is not to be trusted (a
// hand edit, a replaced file, a manifest forged by a team member who is no reader) and nothing is
// written. Reads stay possible: a vault re-encrypted with the plain age CLI (break-glass) is readable,
// and `rekey` applies the recipients file deliberately.
import { join } from "node:path";
import { badInput, failure } from "../core/errors.js";
import type { Finding } from "../core/finding.js";
import { readerProofValid } from "../core/manifest.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { verifyVault, type VaultCheck } from "../core/verify-vault.js";
import { dirtyPaths } from "./git.js";
import { manifestFile, recipientsFile, vaultFile } from "./layout.js";
import { LIMITS, readRepoBytes, readRepoText } from "./repo-file.js";
import { readTeam } from "./team-store.js";
import { changedMeanwhile, currentSha, lockRepository } from "./transaction.js";
import { readManifest } from "./vault-store.js";

/**
 * The checks that say whether the manifest describes this vault.age and was written by a reader. Left
 * out: the recipients file against the manifest (currentReaders says that with its own remedy) and the
 * readers' cards (the write encrypts to the cards' keys and refuses inactive ones itself).
 */
const VOUCHING: readonly VaultCheck[] = ["manifest-vault", "manifest-signature", "manifest-writer", "age-header", "stanza-count", "stanza-type", "vault-sha256"];

function problemsWith(root: string, doc: VaultDoc): Finding[] {
  const vault = doc.vault;
  const paths = { recipients: recipientsFile(vault), manifest: manifestFile(vault), vaultAge: vaultFile(vault) };
  const files = {
    vault,
    paths,
    recipients: readRepoText(root, paths.recipients, LIMITS.recipients),
    manifest: readRepoText(root, paths.manifest, LIMITS.manifest),
    vaultAge: readRepoBytes(root, paths.vaultAge, LIMITS.vault),
  };
  const found = verifyVault(files, readTeam(root)).filter((f) => (VOUCHING as readonly string[]).includes(f.check));
  if (found.length > 0) return found;
  const m = readManifest(root, vault);
  if (doc.readerKey && doc.loadedFrom === m.sha256 && readerProofValid(m, doc.readerKey)) return [];
  const why =
    m.readerProof === undefined
      ? "carries no reader proof (written before manifests carried one, or by someone who cannot open vault.age)"
      : `carries a reader proof that does not match vault.age: it was not written by anyone who could open the vault, although it is signed by "${m.writer}"`;
  return [{ vault, file: paths.manifest, check: "manifest-proof", message: why }];
}

/** Throws, naming the file and the way out, unless the manifest vouches for the vault.age `doc` came from. */
export function requireVouchedManifest(root: string, doc: VaultDoc): void {
  const vault = doc.vault;
  let problems = problemsWith(root, doc);
  if (problems.length === 0) return;
  // Another mfavault between moving its files into place and committing them looks just like a bad
  // manifest: wait for it under the repository lock, then look again.
  const release = lockRepository(root);
  try {
    if (currentSha(join(root, vaultFile(vault))) !== doc.loadedFrom) throw changedMeanwhile(vaultFile(vault));
    problems = problemsWith(root, doc);
    if (problems.length === 0) return;
    // An edit not yet committed is said as such, as every write says it (see applyChange).
    const dirty = dirtyPaths(root, [vaultFile(vault), manifestFile(vault)]);
    if (dirty.length > 0) throw failure(`uncommitted changes in ${dirty.join(", ")}: commit them, or discard them with "git checkout -- <file>", then retry`);
  } finally {
    release();
  }
  const what = problems.map((f) => `${f.file} ${f.message}`).join("; ");
  throw badInput(
    `${what}. Nothing was written. See who changed it ("git log -p -- clients/${vault}"); if the change is yours and ` +
      `deliberate, check clients/${vault}/recipients and apply it with "mfavault rekey ${vault}"; otherwise restore the last good ` +
      `files ("git checkout <commit> -- clients/${vault}") and ask who changed them`,
  );
}
