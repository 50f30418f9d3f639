// Merging one vault's files at the three sides of a git merge: decrypt base, ours and theirs, merge the
// entries and the readers, encrypt to the merged readers and sign the manifest as the merging engineer.
// Whichever of vault.age and manifest.json git merges first computes the pair; the other reuses it.
import { parseJsonText } from "../core/canonical-json.js";
import { noAccess, notFound } from "../core/errors.js";
import { parseManifest, readerProofValid, type Manifest } from "../core/manifest.js";
import { parseRecipientsFile, serializeRecipientsFile } from "../core/recipients-file.js";
import { parseVaultDoc, type VaultDoc } from "../core/vault-doc.js";
import { markRemovedReaders, mergeReaders, mergeSets, mergeVaultDocs } from "../core/vault-merge.js";
import { decryptOpened, readerKeyOf } from "../crypto/age-file.js";
import { manifestFile, recipientsFile, vaultFile } from "./layout.js";
import { findManifestFor, findVaultFor, readStash, stashKey, vaultAgeSha, writeStash, type MergedPair } from "./merge-history.js";
import type { Session } from "./session.js";
import { sealVault } from "./vault-store.js";

export type VaultFileKind = "vault" | "manifest" | "recipients";

export interface Sides<T> {
  base: T;
  ours: T;
  theirs: T;
}

export interface MergeReport {
  content: string;
  /** Entry names that now carry a conflict mark. */
  conflicts: string[];
}

const SIDES = ["base", "ours", "theirs"] as const;
type Side = (typeof SIDES)[number];

export function vaultFileOf(path: string): { vault: string; kind: VaultFileKind } | null {
  const m = /^clients\/(.+)\/(vault\.age|manifest\.json|recipients)$/.exec(path);
  if (!m) return null;
  return { vault: m[1]!, kind: m[2] === "vault.age" ? "vault" : m[2] === "manifest.json" ? "manifest" : "recipients" };
}

/** The recipients file needs no key: a three-way merge of the names, removals honoured. */
export function mergeRecipientsText(vault: string, texts: Sides<string>): string {
  const path = recipientsFile(vault);
  const [base, ours, theirs] = SIDES.map((side) => (texts[side].trim() === "" ? [] : parseRecipientsFile(texts[side], `${path} (${side})`)));
  return serializeRecipientsFile(vault, mergeSets(base!, ours!, theirs!).sort());
}

interface Version {
  vaultAge: Buffer;
  manifest: Manifest;
}

/** Pairs each side's vault.age with its manifest, whichever of the two git handed over. */
function pairSides(root: string, vault: string, kind: "vault" | "manifest", given: Sides<Buffer>): Sides<Version | null> {
  const out = {} as Sides<Version | null>;
  for (const side of SIDES) {
    const data = given[side];
    if (data.length === 0) {
      if (side !== "base") throw notFound(`the ${side} side of ${kind === "vault" ? vaultFile(vault) : manifestFile(vault)} is empty`);
      out.base = null;
      continue;
    }
    if (kind === "vault") {
      const manifest = findManifestFor(root, vault, vaultAgeSha(data));
      if (!manifest) throw notFound(`no manifest in history was signed for the ${side} version of ${vaultFile(vault)}: run "mfavault verify"; merge by hand`);
      out[side] = { vaultAge: data, manifest };
    } else {
      const manifest = parseManifest(parseJsonText(data.toString("utf8"), `${manifestFile(vault)} (${side})`), manifestFile(vault));
      const vaultAge = findVaultFor(root, vault, manifest.sha256);
      if (!vaultAge) throw notFound(`the vault.age that the ${side} ${manifestFile(vault)} was signed for is not in history: merge by hand`);
      out[side] = { vaultAge, manifest };
    }
  }
  return out;
}

async function openSide(s: Session, vault: string, side: Side, v: Version): Promise<VaultDoc> {
  const opened = await decryptOpened(v.vaultAge, s.identity);
  if (!opened) {
    const readers = v.manifest.recipients.map((r) => r.name).join(", ");
    throw noAccess(
      `cannot merge ${vaultFile(vault)}: you (${s.me.name}) cannot decrypt the ${side} version, encrypted to ${readers}; ` +
        "no side was picked: abort this merge and ask one of them to merge it",
    );
  }
  // The merged readers come from the sides' manifests: each must have been written by one of its readers
  // (a team member who is no reader can sign a manifest naming themselves; see core/manifest.ts).
  if (!readerProofValid(v.manifest, readerKeyOf(opened.fileKey))) {
    throw noAccess(
      `cannot merge ${vaultFile(vault)}: the ${side} ${manifestFile(vault)} (signed by ${v.manifest.writer}) carries no valid reader proof — ` +
        `it was not written by anyone who could open that vault.age; no side was picked: see who changed it ("git log -p -- clients/${vault}") before merging by hand`,
    );
  }
  return parseVaultDoc(opened.plaintext.toString("utf8"), vault);
}

async function mergePair(s: Session, vault: string, sides: Sides<Version | null>): Promise<MergedPair> {
  const now = s.now();
  const ours = await openSide(s, vault, "ours", sides.ours!);
  const theirs = await openSide(s, vault, "theirs", sides.theirs!);
  const base = sides.base ? await openSide(s, vault, "base", sides.base) : null;
  const merged = mergeVaultDocs(base, ours, theirs, now.toISOString());
  const readers = mergeReaders(sides.base?.manifest.recipients ?? [], sides.ours!.manifest.recipients, sides.theirs!.manifest.recipients);
  if (readers.length === 0) throw noAccess(`merging ${vault} would leave it with no reader: merge by hand`);
  const names = readers.map((r) => r.name);
  markRemovedReaders(
    merged.doc,
    [
      { doc: ours, readers: sides.ours!.manifest.recipients.map((r) => r.name) },
      { doc: theirs, readers: sides.theirs!.manifest.recipients.map((r) => r.name) },
    ],
    names,
    now.toISOString(),
  );
  const sealed = await sealVault(merged.doc, readers, { name: s.me.name, key: s.signingKey, now });
  return { ...sealed, conflicts: merged.conflicts };
}

/** The merged content of a vault's vault.age or manifest.json. */
export async function mergeVaultFile(s: Session, vault: string, kind: "vault" | "manifest", given: Sides<Buffer>): Promise<MergeReport> {
  const sides = pairSides(s.root, vault, kind, given);
  const key = stashKey(vault, SIDES.map((side) => sides[side]?.manifest.sha256 ?? null));
  let pair = readStash(s.root, key);
  if (!pair) {
    pair = await mergePair(s, vault, sides);
    writeStash(s.root, key, pair);
  }
  return { content: kind === "vault" ? pair.vaultAge : pair.manifest, conflicts: pair.conflicts };
}
