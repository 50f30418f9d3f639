// The plaintext JSON document inside vault.age: the vault's name, its policy settings (optional) and its
// entries, keyed by entry name. Readable with plain `age -d`; any document of this shape written by hand
// and encrypted with the age CLI is readable by mfavault.
import { badInput } from "./errors.js";
import { parseJsonText } from "./canonical-json.js";
import { asObject, int, str } from "./guards.js";
import { checkName, checkVaultPath } from "./names.js";
import { parseEntry, type Entry } from "./entry.js";
import { compactSettings, parseVaultSettings, type VaultSettings } from "./vault-settings.js";

export const VAULT_DOC_VERSION = 1;

export interface VaultDoc {
  version: 1;
  vault: string;
  /** Absent in documents written before policies existed, and whenever nothing is set. */
  settings?: VaultSettings;
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
  const doc: VaultDoc = { version: 1, vault, entries };
  if (o.settings !== undefined && o.settings !== null) {
    const settings = parseVaultSettings(o.settings, `${what} settings`);
    if (Object.keys(settings).length > 0) doc.settings = settings;
  }
  return doc;
}

/** Entries in name order, so a re-encrypted vault's plaintext diffs cleanly; no settings key when none are set. */
export function serializeVaultDoc(doc: VaultDoc): string {
  const entries: Record<string, Entry> = {};
  for (const name of Object.keys(doc.entries).sort()) entries[name] = doc.entries[name]!;
  const settings = compactSettings(doc.settings ?? {});
  const head = Object.keys(settings).length > 0 ? { version: doc.version, vault: doc.vault, settings } : { version: doc.version, vault: doc.vault };
  return `${JSON.stringify({ ...head, entries }, null, 2)}\n`;
}
