// clients/<vault>/manifest.json: the public, signed statement of who a vault.age was encrypted to.
// It lets anyone (CI, with no key) check that the ciphertext's real readers are the declared ones.
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
}

export type UnsignedManifest = Omit<Manifest, "signature">;

/** Signatures cover this prefix plus the canonical JSON, so a manifest signature is never valid elsewhere. */
const DOMAIN = "mfavault.v1 manifest\n";

function signedBytes(m: UnsignedManifest): Buffer {
  const { version, vault, recipients, stanzas, sha256, writer, written } = m;
  return Buffer.from(DOMAIN + canonicalJson({ version, vault, recipients, stanzas, sha256, writer, written }));
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
  return {
    version: version as 1,
    vault: checkVaultPath(str(o, "vault", what)),
    recipients,
    stanzas: int(o, "stanzas", what, 0, 10_000),
    sha256,
    writer: checkName(str(o, "writer", what), "engineer name"),
    written: isoDate(o, "written", what),
    signature: str(o, "signature", what),
  };
}

export function serializeManifest(m: Manifest): string {
  const { version, vault, recipients, stanzas, sha256, writer, written, signature } = m;
  return `${JSON.stringify({ version, vault, recipients, stanzas, sha256, writer, written, signature }, null, 2)}\n`;
}
