// Before a content change (add, import, rm, mv, rotate) re-encrypts a vault to the readers its manifest
// names, the manifest must vouch for the vault.age on disk: same SHA-256, as many stanzas as readers, a
// valid signature by a writer who is one of those readers. Otherwise the readers list is not to be
// trusted (a hand edit, a replaced file, a forged manifest) and nothing is written. Reads stay possible:
// a vault re-encrypted with the plain age CLI (break-glass) is readable, and `rekey` applies it.
import { createHash } from "node:crypto";
import { badInput, failure } from "../core/errors.js";
import { manifestSignatureValid, type Manifest } from "../core/manifest.js";
import { stanzaTypes } from "../crypto/age-file.js";
import { dirtyPaths } from "./git.js";
import { manifestFile, vaultFile } from "./layout.js";
import { LIMITS, readRepoBytes } from "./repo-file.js";
import { readCard } from "./team-store.js";

function problemWith(root: string, vault: string, m: Manifest): string | null {
  const raw = readRepoBytes(root, vaultFile(vault), LIMITS.vault);
  if (createHash("sha256").update(raw).digest("hex") !== m.sha256) {
    return `${vaultFile(vault)} is not the file ${manifestFile(vault)} describes (its SHA-256 differs): it was re-encrypted or replaced outside mfavault`;
  }
  let stanzas: number;
  try {
    stanzas = stanzaTypes(raw).length;
  } catch (e) {
    return `${vaultFile(vault)}: ${(e as Error).message}`;
  }
  if (stanzas !== m.stanzas || stanzas !== m.recipients.length) {
    return `${vaultFile(vault)} holds ${stanzas} recipient stanzas, but ${manifestFile(vault)} lists ${m.recipients.length} readers (and says ${m.stanzas}): it was not written by mfavault for those readers`;
  }
  const writer = readCard(root, m.writer);
  if (!writer || !manifestSignatureValid(m, writer.signingKey)) {
    return `${manifestFile(vault)} does not carry a valid signature by its writer "${m.writer}": it (or team/${m.writer}.json) was edited by hand`;
  }
  if (!m.recipients.some((r) => r.name === m.writer)) {
    return `${manifestFile(vault)} was written by "${m.writer}", who is not one of its readers: only a reader can re-encrypt a vault`;
  }
  return null;
}

/** Throws, naming the file and the way out, unless the manifest vouches for vault.age. */
export function requireVouchedManifest(root: string, vault: string, m: Manifest): void {
  const problem = problemWith(root, vault, m);
  if (!problem) return;
  // An edit not yet committed is said as such, as every write says it (see applyChange).
  const dirty = dirtyPaths(root, [vaultFile(vault), manifestFile(vault)]);
  if (dirty.length > 0) throw failure(`uncommitted changes in ${dirty.join(", ")}: commit them, or discard them with "git checkout -- <file>", then retry`);
  throw badInput(
    `${problem}. Nothing was written. If that change is yours and deliberate, apply it with "mfavault rekey ${vault}"; ` +
      `otherwise restore the last good files ("git log -- ${manifestFile(vault)}", then "git checkout <commit> -- clients/${vault}") and ask who changed them`,
  );
}
