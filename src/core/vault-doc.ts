// The plaintext JSON document inside vault.age: the vault's name and its entries, keyed by entry name.
// Readable with plain `age -d`; any document of this shape written by hand and encrypted with the age CLI
// is readable by mfavault.
import { badInput } from "./errors.js";
import { parseJsonText } from "./canonical-json.js";
import { asObject, int, str } from "./guards.js";
import { checkName, checkVaultPath } from "./names.js";
import { parseEntry, type Entry } from "./entry.js";

export const VAULT_DOC_VERSION = 1;

export interface VaultDoc {
  version: 1;
  vault: string;
  entries: Record<string, Entry>;
  /**
   * Not serialised: the SHA-256 of the vault.age this document was decrypted from. A write re-checks it
   * under the repository lock, so two concurrent commands never silently lose each other's change.
   */
  loadedFrom?: string;
  /** Not serialised: the reader key of the vault.age it was decrypted from, to check its manifest's reader proof. */
  readerKey?: Uint8Array;
}

export function emptyVaultDoc(vault: string): VaultDoc {
  return { version: 1, vault, entries: {} };
}

export function parseVaultDoc(text: string, expectedVault: string): VaultDoc {
  const what = `vault ${expectedVault}`;
  const o = asObject(parseJsonText(text, what), what);
  const version = int(o, "version", what, 1, 1_000_000);
  if (version !== VAULT_DOC_VERSION) throw badInput(`${what}: document version ${version} is newer than this mfavault understands; upgrade mfavault`);
  const vault = checkVaultPath(str(o, "vault", what));
  if (vault !== expectedVault) {
    throw badInput(`${what}: the encrypted document says it belongs to vault "${vault}" — a vault.age was copied between vaults`);
  }
  const rawEntries = asObject(o.entries, `${what} entries`);
  const entries: Record<string, Entry> = Object.create(null);
  for (const [name, value] of Object.entries(rawEntries)) {
    checkName(name, "entry name");
    entries[name] = parseEntry(value, `${what} entry ${name}`);
  }
  return { version: 1, vault, entries };
}

/** Entries in name order, so a re-encrypted vault's plaintext diffs cleanly. */
export function serializeVaultDoc(doc: VaultDoc): string {
  const entries: Record<string, Entry> = {};
  for (const name of Object.keys(doc.entries).sort()) entries[name] = doc.entries[name]!;
  return `${JSON.stringify({ version: doc.version, vault: doc.vault, entries }, null, 2)}\n`;
}
