// Vaults on disk: reading and decrypting a vault document, and producing the three files (recipients,
// vault.age, manifest.json) that a write puts in place together.
import { createHash } from "node:crypto";
import type { Card } from "../core/card.js";
import { parseJsonText } from "../core/canonical-json.js";
import { badInput, isMfaError, noAccess, notFound } from "../core/errors.js";
import { parseManifest, readerProof, serializeManifest, signManifest, type Manifest, type ManifestRecipient, type UnsignedManifest } from "../core/manifest.js";
import type { SigningKey } from "../crypto/keys.js";
import { parseRecipientsFile, serializeRecipientsFile } from "../core/recipients-file.js";
import { parseVaultDoc, serializeVaultDoc, type VaultDoc } from "../core/vault-doc.js";
import { decryptOpened, encryptSealed, readerKeyOf, stanzaTypes } from "../crypto/age-file.js";
import { manifestFile, recipientsFile, vaultExists, vaultFile } from "./layout.js";
import { requireVouchedManifest } from "./manifest-vouch.js";
import type { Session } from "./session.js";
import type { FileChange } from "./transaction.js";
import { LIMITS, readRepoBytes, readRepoText } from "./repo-file.js";

export function readRecipients(root: string, vault: string): string[] {
  try {
    return parseRecipientsFile(readRepoText(root, recipientsFile(vault), LIMITS.recipients), recipientsFile(vault));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

export function readManifest(root: string, vault: string): Manifest {
  const path = manifestFile(vault);
  const text = readRepoText(root, path, LIMITS.manifest);
  try {
    return parseManifest(parseJsonText(text, path), path);
  } catch (e) {
    if (!isMfaError(e)) throw e;
    const what = e.message.startsWith(path) ? e.message : `${path}: ${e.message}`;
    throw badInput(`${what} — restore it ("git checkout -- ${path}", or an older version from "git log -- ${path}"), or have a reader re-encrypt the vault with "mfavault rekey ${vault}"`);
  }
}

export function requireVault(root: string, vault: string): void {
  if (!vaultExists(root, vault)) throw notFound(`no vault "${vault}": "mfavault client list" shows the vaults`);
}

/** Who can open a vault, for error messages: the manifest's list (what the ciphertext really says). */
function readersOf(root: string, vault: string): string[] {
  try {
    return readManifest(root, vault).recipients.map((r) => r.name);
  } catch {
    return readRecipients(root, vault);
  }
}

/** What to do about a damaged or replaced file: where the good version is, and who wrote the vault last. */
function restoreHint(root: string, vault: string, path: string): string {
  let writer = "its writer";
  try {
    const m = readManifest(root, vault);
    writer = `${m.writer}, who wrote it last (${m.written})`;
  } catch {
    // no readable manifest: no name to give
  }
  return `restore the last good version ("git checkout -- ${path}" if the change is not committed, else pick one from "git log -- ${path}" and "git checkout <commit> -- ${path}"), or ask ${writer}`;
}

/** Whether the signed manifest says the vault is encrypted to this engineer's key. */
function manifestNamesMe(s: Session, vault: string): boolean {
  try {
    return readManifest(s.root, vault).recipients.some((r) => r.name === s.me.name && r.recipient === s.me.recipient);
  } catch {
    return false;
  }
}

export async function loadVaultDoc(s: Session, vault: string): Promise<VaultDoc> {
  requireVault(s.root, vault);
  const path = vaultFile(vault);
  const raw = readRepoBytes(s.root, path, LIMITS.vault);
  let opened: { plaintext: Buffer; fileKey: Uint8Array } | null;
  try {
    opened = await decryptOpened(raw, s.identity);
  } catch (e) {
    throw badInput(`${path}: ${(e as Error).message} — the file is damaged; nothing was written: ${restoreHint(s.root, vault, path)}`);
  }
  if (!opened && manifestNamesMe(s, vault)) {
    // The signed manifest says we can open it, the file says otherwise: it was replaced (or its stanza for us damaged).
    throw noAccess(`${path}: it does not open with your key, although ${manifestFile(vault)} says it was encrypted to you — it was replaced or damaged since; nothing was written: ${restoreHint(s.root, vault, path)}`);
  }
  if (!opened) {
    const readers = readersOf(s.root, vault).filter((n) => n !== s.me.name);
    const who = readers.length ? `it is encrypted to ${readers.join(", ")} — ask one of them to run "mfavault grant ${s.me.name} ${vault}"` : "no one listed can open it";
    throw noAccess(`no access to ${vault}: ${who}`);
  }
  let doc: VaultDoc;
  try {
    doc = parseVaultDoc(opened.plaintext.toString("utf8"), vault);
  } catch (e) {
    if (!isMfaError(e)) throw e;
    throw badInput(`${path}: it decrypts, but not to a valid vault document (${e.message}); nothing was written: ${restoreHint(s.root, vault, path)}`);
  }
  return { ...doc, loadedFrom: sha256(raw), readerKey: readerKeyOf(opened.fileKey) };
}

export function sha256(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Encrypts `doc` to exactly `readers` (engineer names, all with active cards) and returns the files to
 * put in place: recipients, vault.age and the manifest signed by the acting engineer.
 */
export async function vaultFiles(s: Session, doc: VaultDoc, readers: string[]): Promise<FileChange[]> {
  if (readers.length === 0) throw badInput(`refusing to leave vault ${doc.vault} with no recipient`);
  const cards: Card[] = readers.map((name) => {
    const card = s.team.get(name);
    if (!card) throw notFound(`${recipientsFile(doc.vault)} names "${name}", who has no card in team/`);
    if (card.status !== "active") throw badInput(`${recipientsFile(doc.vault)} names "${name}", whose card is ${card.status}`);
    return card;
  });
  cards.sort((a, b) => a.name.localeCompare(b.name));
  const sealed = await sealVault(doc, cards.map((c) => ({ name: c.name, recipient: c.recipient })), { name: s.me.name, key: s.signingKey, now: s.now() });
  return [
    { path: recipientsFile(doc.vault), content: serializeRecipientsFile(doc.vault, cards.map((c) => c.name)) },
    // A new vault (never loaded) must not exist yet; a loaded one must still be what was decrypted.
    { path: vaultFile(doc.vault), content: sealed.vaultAge, expectSha: doc.loadedFrom ?? null },
    { path: manifestFile(doc.vault), content: sealed.manifest },
  ];
}

/** Encrypts `doc` to exactly `recipients` and signs the manifest that says so (also used by the merge driver). */
export async function sealVault(
  doc: VaultDoc,
  recipients: ManifestRecipient[],
  signer: { name: string; key: SigningKey; now: Date },
): Promise<{ vaultAge: string; manifest: string }> {
  const { armored, fileKey } = await encryptSealed(Buffer.from(serializeVaultDoc(doc)), recipients.map((r) => r.recipient));
  const unsigned: UnsignedManifest = {
    version: 1,
    vault: doc.vault,
    recipients,
    stanzas: stanzaTypes(Buffer.from(armored)).length,
    sha256: sha256(armored),
    writer: signer.name,
    written: signer.now.toISOString(),
  };
  const manifest = { ...signManifest(unsigned, signer.key), readerProof: readerProof(unsigned, readerKeyOf(fileKey)) };
  return { vaultAge: armored, manifest: serializeManifest(manifest) };
}

/**
 * The engineers a content change re-encrypts to: the ones the vault is encrypted to now, as its manifest
 * vouches. A recipients file edited by hand is applied only by `rekey`, deliberately, never as a side
 * effect of adding a seed; so is a vault.age re-encrypted outside mfavault.
 */
export function currentReaders(root: string, doc: VaultDoc): string[] {
  const vault = doc.vault;
  const manifest = readManifest(root, vault);
  const inManifest = manifest.recipients.map((r) => r.name).sort();
  const declared = readRecipients(root, vault).sort();
  if (inManifest.join(",") !== declared.join(",")) {
    throw badInput(
      `${recipientsFile(vault)} lists ${declared.join(", ") || "nobody"} but vault.age is encrypted to ${inManifest.join(", ")}: ` +
        `apply the file with "mfavault rekey ${vault}", or restore it with "git checkout -- ${recipientsFile(vault)}"`,
    );
  }
  requireVouchedManifest(root, doc);
  return inManifest;
}
