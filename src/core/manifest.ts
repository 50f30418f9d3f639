// clients/<vault>/manifest.json: the public, signed statement of who a vault.age was encrypted to.
// It lets anyone (CI, with no key) check that the ciphertext's real readers are the declared ones.
// Its reader proof lets every reader check that it was written by someone who could open vault.age.
import { createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import { badInput } from "./errors.js";
import { asObject, int, isoDate, str } from "./guards.js";
import { checkName, checkVaultPath } from "./names.js";
import { recipientKind, signBytes, verifySignature, type SigningKey } from "../crypto/keys.js";

export interface ManifestRecipient {
  name: string;
  recipient: string;
}

export interface Manifest {
  version: 1;
  vault: string;
  recipients: ManifestRecipient[];
  stanzas: number;
  sha256: string;
  writer: string;
  written: string;
  signature: string;
  /**
   * HMAC-SHA256 of what the manifest states, keyed by a key derived from vault.age's file key: only
   * someone who made or opened that file can compute it. A team member who is no reader can sign a
   * manifest naming themselves a reader (and keep the stanza count and SHA-256 true), which keyless
   * checks cannot tell from the truth; without a valid proof no reader's mfavault re-encrypts to it.
   * Absent in manifests written before it existed.
   */
  readerProof?: string;
}

export type UnsignedManifest = Omit<Manifest, "signature" | "readerProof">;

/** Signatures cover this prefix plus the canonical JSON, so a manifest signature is never valid elsewhere. */
const DOMAIN = "mfavault.v1 manifest\n";

function signedBytes(m: UnsignedManifest): Buffer {
  const { version, vault, recipients, stanzas, sha256, writer, written } = m;
  return Buffer.from(DOMAIN + canonicalJson({ version, vault, recipients, stanzas, sha256, writer, written }));
}

const PROOF_DOMAIN = "mfavault.v1 reader proof\n";

/** The reader proof of a manifest's statement, under the vault's reader key (crypto/age-file.ts readerKeyOf). */
export function readerProof(m: UnsignedManifest, readerKey: Uint8Array): string {
  const { version, vault, recipients, stanzas, sha256, writer, written } = m;
  return createHmac("sha256", readerKey).update(PROOF_DOMAIN + canonicalJson({ version, vault, recipients, stanzas, sha256, writer, written })).digest("hex");
}

export function readerProofValid(m: Manifest, readerKey: Uint8Array): boolean {
  if (m.readerProof === undefined) return false;
  return timingSafeEqual(Buffer.from(readerProof(m, readerKey), "hex"), Buffer.from(m.readerProof, "hex"));
}

export function signManifest(m: UnsignedManifest, key: SigningKey): Manifest {
  return { ...m, signature: signBytes(key, signedBytes(m)) };
}

export function manifestSignatureValid(m: Manifest, signingKey: string): boolean {
  return verifySignature(signingKey, signedBytes(m), m.signature);
}

export function parseManifest(value: unknown, what: string): Manifest {
  const o = asObject(value, what);
  const version = int(o, "version", what, 1, 1);
  if (!Array.isArray(o.recipients)) throw badInput(`${what}: "recipients" must be a list`);
  const recipients = o.recipients.map((r, i) => {
    const ro = asObject(r, `${what} recipients[${i}]`);
    const rec = { name: checkName(str(ro, "name", what), "engineer name"), recipient: str(ro, "recipient", what) };
    try {
      recipientKind(rec.recipient);
    } catch (e) {
      throw badInput(`${what} recipients[${i}]: ${(e as Error).message}`);
    }
    return rec;
  });
  const sha256 = str(o, "sha256", what);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw badInput(`${what}: "sha256" must be 64 lowercase hex digits`);
  const proof = o.readerProof === undefined ? {} : { readerProof: str(o, "readerProof", what) };
  if (proof.readerProof !== undefined && !/^[0-9a-f]{64}$/.test(proof.readerProof)) throw badInput(`${what}: "readerProof" must be 64 lowercase hex digits`);
  return {
    version: version as 1,
    vault: checkVaultPath(str(o, "vault", what)),
    recipients,
    stanzas: int(o, "stanzas", what, 0, 10_000),
    sha256,
    writer: checkName(str(o, "writer", what), "engineer name"),
    written: isoDate(o, "written", what),
    signature: str(o, "signature", what),
    ...proof,
  };
}

export function serializeManifest(m: Manifest): string {
  const { version, vault, recipients, stanzas, sha256, writer, written, signature, readerProof } = m;
  return `${JSON.stringify({ version, vault, recipients, stanzas, sha256, writer, written, signature, readerProof }, null, 2)}\n`;
}
