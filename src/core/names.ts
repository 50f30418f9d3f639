// One place decides what a name is. Vault paths (`acme`, `acme/prod`) and entry names (`aws`) reach the
// file system and the terminal, so they are a strict, lowercase alphabet and nothing else.
import { badInput, notFound } from "./errors.js";
import { escapeText } from "./escape.js";

const SEGMENT = /^[a-z0-9_][a-z0-9._-]{0,63}$/;
export const MAX_VAULT_DEPTH = 4;

function segmentProblem(seg: string): string | null {
  if (seg === "") return "is empty";
  if (seg === "." || seg === ".." || seg.includes("..")) return 'must not contain ".."';
  if (!SEGMENT.test(seg)) return "may hold only lowercase letters, digits, -, _ and . (not first), at most 64";
  return null;
}

/** Whether `name` is a valid entry, engineer or single vault segment (for names read from disk). */
export function isName(name: string): boolean {
  return segmentProblem(name) === null;
}

/** Throws unless `name` is a valid entry, engineer or single vault segment. */
export function checkName(name: string, what = "name"): string {
  const problem = segmentProblem(name);
  if (problem) throw badInput(`invalid ${what} "${escapeText(name)}": it ${problem}`);
  return name;
}

/** Throws unless `path` is a valid vault path: 1..MAX_VAULT_DEPTH segments joined by `/`. */
export function checkVaultPath(path: string): string {
  if (path.startsWith("/")) throw badInput(`invalid vault "${escapeText(path)}": absolute paths are not vault names`);
  const segs = path.split("/");
  if (segs.length > MAX_VAULT_DEPTH) throw badInput(`invalid vault "${escapeText(path)}": at most ${MAX_VAULT_DEPTH} levels`);
  for (const seg of segs) {
    const problem = segmentProblem(seg);
    if (problem) throw badInput(`invalid vault "${escapeText(path)}": "${escapeText(seg)}" ${problem}`);
  }
  return path;
}

export interface EntryAddress {
  vault: string;
  entry: string;
}

/**
 * Splits `acme/prod/aws` into vault `acme/prod` and entry `aws`. Entry names hold no `/`, so the vault is
 * everything before the last segment; it must exist.
 */
export function resolveEntryAddress(address: string, vaultExists: (vault: string) => boolean): EntryAddress {
  const cut = address.lastIndexOf("/");
  if (cut <= 0) {
    throw badInput(`"${escapeText(address)}" is not an entry address: write it as <vault>/<entry>, e.g. acme/aws`);
  }
  const vault = checkVaultPath(address.slice(0, cut));
  const entry = checkName(address.slice(cut + 1), "entry name");
  if (!vaultExists(vault)) throw notFound(`no vault "${vault}": "mfavault client list" shows the vaults`);
  return { vault, entry };
}

export function formatAddress(a: EntryAddress): string {
  return `${a.vault}/${a.entry}`;
}
