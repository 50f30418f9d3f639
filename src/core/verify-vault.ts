// Keyless checks of one vault: its declared readers (recipients), the signed statement of whom the
// ciphertext was encrypted to (manifest.json), and what the ciphertext itself shows (vault.age's header
// and hash). Together they prove, without any private key, that the real readers are the declared ones.
import { createHash } from "node:crypto";
import type { Card } from "./card.js";
import { parseJsonText } from "./canonical-json.js";
import { escapeText } from "./escape.js";
import type { Finding } from "./finding.js";
import { manifestSignatureValid, parseManifest, type Manifest } from "./manifest.js";
import { parseRecipientsFile } from "./recipients-file.js";
import { parseHeader, readAgeFile } from "../crypto/age-header.js";
import { recipientKind, type RecipientKind } from "../crypto/keys.js";

/** Every check this module runs on a vault, in order: JUnit shows each as a test case. */
export const VAULT_CHECKS = [
  "recipients-file",
  "recipients-known",
  "recipients-active",
  "manifest-file",
  "manifest-vault",
  "manifest-recipients",
  "manifest-signature",
  "manifest-writer",
  "age-header",
  "stanza-count",
  "stanza-type",
  "vault-sha256",
] as const;
export type VaultCheck = (typeof VAULT_CHECKS)[number];

/** The stanza type age writes for each kind of recipient. */
export const STANZA_TYPE: Record<RecipientKind, string> = { x25519: "X25519", pq: "mlkem768x25519" };

export interface VaultFiles {
  vault: string;
  /** Repository-relative paths, for findings. */
  paths: { recipients: string; manifest: string; vaultAge: string };
  /** File contents; null when the file is missing. */
  recipients: string | null;
  manifest: string | null;
  vaultAge: Buffer | null;
}

const list = (names: string[]) => (names.length ? names.map(escapeText).join(", ") : "nobody");
const errorText = (e: unknown) => escapeText(String((e as Error)?.message ?? e));

/** Findings name their file; each message reads as the rest of a sentence about that file. */
export function verifyVault(v: VaultFiles, team: Map<string, Card>): Finding[] {
  const findings: Finding[] = [];
  const add = (check: VaultCheck, file: string, message: string) => findings.push({ vault: v.vault, file, check, message });
  const declared = checkRecipients(v, team, add);
  const manifest = checkManifest(v, team, declared, add);
  checkCiphertext(v, manifest, add);
  return findings;
}

type Add = (check: VaultCheck, file: string, message: string) => void;

function checkRecipients(v: VaultFiles, team: Map<string, Card>, add: Add): string[] | null {
  const file = v.paths.recipients;
  if (v.recipients === null) {
    add("recipients-file", file, `is missing: every vault declares its readers there; restore it with "git checkout -- ${file}"`);
    return null;
  }
  let declared: string[];
  try {
    declared = parseRecipientsFile(v.recipients, file);
  } catch (e) {
    add("recipients-file", file, errorText(e));
    return null;
  }
  for (const name of declared) {
    const card = team.get(name);
    if (!card) add("recipients-known", file, `names "${name}", who has no card in team/: remove the line, or add their card with "mfavault team add"`);
    else if (card.status !== "active") {
      add("recipients-active", file, `names "${name}", whose card team/${name}.json is ${card.status}: revoke them with "mfavault revoke ${name} ${v.vault}", or restore the card`);
    }
  }
  return declared;
}

function checkManifest(v: VaultFiles, team: Map<string, Card>, declared: string[] | null, add: Add): Manifest | null {
  const file = v.paths.manifest;
  if (v.manifest === null) {
    add("manifest-file", file, `is missing: without it nobody can check whom vault.age is encrypted to; have a reader run "mfavault rekey ${v.vault}"`);
    return null;
  }
  let m: Manifest;
  try {
    m = parseManifest(parseJsonText(v.manifest, file), file);
  } catch (e) {
    add("manifest-file", file, errorText(e));
    return null;
  }
  if (m.vault !== v.vault) add("manifest-vault", file, `describes vault "${m.vault}", not "${v.vault}": a manifest was copied between vaults`);

  const names = m.recipients.map((r) => r.name);
  if (new Set(names).size !== names.length) add("manifest-recipients", file, `lists a reader twice: ${list(names)}`);
  if (declared) {
    const extra = declared.filter((n) => !names.includes(n));
    const missing = names.filter((n) => !declared.includes(n));
    if (extra.length || missing.length) {
      const detail = [extra.length ? `declared but not a reader: ${list(extra)}` : "", missing.length ? `a reader but not declared: ${list(missing)}` : ""].filter(Boolean).join("; ");
      add(
        "manifest-recipients",
        v.paths.recipients,
        `declares ${list(declared)} but vault.age is encrypted to ${list(names)} (${detail}): ` +
          `apply the file with "mfavault rekey ${v.vault}", or restore it with "git checkout -- ${v.paths.recipients}"`,
      );
    }
  }
  for (const r of m.recipients) {
    const card = team.get(r.name);
    if (!card) add("manifest-recipients", file, `lists "${r.name}" as a reader, who has no card in team/`);
    else if (card.recipient !== r.recipient) {
      add("manifest-recipients", file, `lists "${r.name}" with an age recipient that is not the one on team/${r.name}.json: the vault was encrypted to another key`);
    }
  }

  const writer = team.get(m.writer);
  if (!writer) add("manifest-signature", file, `is signed by "${m.writer}", who has no card in team/`);
  else if (!manifestSignatureValid(m, writer.signingKey)) {
    add(
      "manifest-signature",
      file,
      `does not carry a valid signature by its writer "${m.writer}" (team/${m.writer}.json): it was edited by hand; ` +
        `restore it from git history, or have a reader re-encrypt with "mfavault rekey ${v.vault}"`,
    );
  }
  if (!names.includes(m.writer)) add("manifest-writer", file, `was written by "${m.writer}", who is not one of its readers: only a reader can re-encrypt a vault`);
  return m;
}

function checkCiphertext(v: VaultFiles, m: Manifest | null, add: Add): void {
  const file = v.paths.vaultAge;
  if (v.vaultAge === null) {
    add("age-header", file, `is missing, but ${v.manifest === null ? v.paths.recipients : v.paths.manifest} is still there: restore it from git history, or remove the vault with its files`);
    return;
  }
  let types: string[];
  try {
    types = parseHeader(readAgeFile(v.vaultAge)).stanzas.map((s) => s.args[0] ?? "");
  } catch (e) {
    add("age-header", file, errorText(e));
    return;
  }
  if (!m) return;
  const readers = m.recipients.length;
  if (types.length !== readers) {
    add("stanza-count", file, `holds ${types.length} recipient stanzas but ${v.paths.manifest} lists ${readers} readers: it was re-encrypted to other recipients outside mfavault`);
  } else if (m.stanzas !== types.length) {
    add("stanza-count", file, `holds ${types.length} recipient stanzas but ${v.paths.manifest} says ${m.stanzas}: the manifest was edited by hand`);
  }
  const expected = m.recipients.map((r) => STANZA_TYPE[recipientKind(r.recipient)]).sort();
  const actual = [...types].sort();
  if (types.length === readers && expected.join(" ") !== actual.join(" ")) {
    add("stanza-type", file, `holds stanzas of type ${list(actual)}, but its readers' keys need ${list(expected)}: it was encrypted to keys that are not its readers'`);
  }
  const sha256 = createHash("sha256").update(v.vaultAge).digest("hex");
  if (sha256 !== m.sha256) {
    add(
      "vault-sha256",
      file,
      `is not the file ${v.paths.manifest} describes (its SHA-256 differs): it was re-encrypted or altered outside mfavault; ` +
        `restore it from git history, or have a reader re-encrypt with "mfavault rekey ${v.vault}"`,
    );
  }
}
