// verifyVault: each way the declared readers, the signed manifest and the ciphertext can disagree is
// reported with its check and file; a vault written the normal way has no finding.
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Card } from "../../src/core/card.js";
import { serializeManifest, signManifest, type Manifest } from "../../src/core/manifest.js";
import { serializeRecipientsFile } from "../../src/core/recipients-file.js";
import { serializeVaultDoc } from "../../src/core/vault-doc.js";
import { verifyVault, type VaultFiles } from "../../src/core/verify-vault.js";
import { encryptToRecipients, recipientOf } from "../../src/crypto/age-file.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity, type AgeIdentity, type SigningKey } from "../../src/crypto/keys.js";

interface Person {
  name: string;
  identity: AgeIdentity;
  key: SigningKey;
  card: Card;
}

async function person(name: string, pq = false): Promise<Person> {
  let identity: AgeIdentity;
  if (pq) {
    const { generateHybridIdentity } = await import("age-encryption");
    identity = parseIdentity(await generateHybridIdentity());
  } else {
    identity = parseIdentity(encodeX25519Identity(randomBytes(32)));
  }
  const key = deriveSigningKey(identity);
  const card: Card = { name, recipient: await recipientOf(identity), signingKey: key.publicKey, status: "active", created: "2026-01-01T00:00:00Z" };
  return { name, identity, key, card };
}

const [alice, bob, carol] = await Promise.all([person("alice"), person("bob"), person("carol")]);
const team = (...people: Person[]) => new Map(people.map((p) => [p.name, p.card]));
const everyone = team(alice, bob, carol);
const PATHS = { recipients: "clients/acme/recipients", manifest: "clients/acme/manifest.json", vaultAge: "clients/acme/vault.age" };

/** A vault as mfavault writes it, with hooks to tamper with each part before or after signing. */
async function vault(
  readers: Person[],
  opts: { writer?: Person; encryptTo?: string[]; declared?: string[]; unsigned?: (m: Omit<Manifest, "signature">) => void; signed?: (m: Manifest) => void } = {},
): Promise<VaultFiles> {
  const doc = serializeVaultDoc({ version: 1, vault: "acme", entries: {} });
  const armored = await encryptToRecipients(Buffer.from(doc), opts.encryptTo ?? readers.map((r) => r.card.recipient));
  const unsigned = {
    version: 1 as const,
    vault: "acme",
    recipients: readers.map((r) => ({ name: r.name, recipient: r.card.recipient })),
    stanzas: readers.length,
    sha256: createHash("sha256").update(armored).digest("hex"),
    writer: (opts.writer ?? readers[0]!).name,
    written: "2026-02-01T00:00:00Z",
  };
  opts.unsigned?.(unsigned);
  const manifest = signManifest(unsigned, (opts.writer ?? readers[0]!).key);
  opts.signed?.(manifest);
  return {
    vault: "acme",
    paths: PATHS,
    recipients: serializeRecipientsFile("acme", opts.declared ?? readers.map((r) => r.name)),
    manifest: serializeManifest(manifest),
    vaultAge: Buffer.from(armored),
  };
}

const checks = (findings: { check: string; file: string }[]) => findings.map((f) => `${f.check} ${f.file}`).sort();

describe("verifyVault", () => {
  it("finds nothing in a vault written the normal way", async () => {
    expect(verifyVault(await vault([alice, bob]), everyone)).toEqual([]);
  });

  it("accepts hybrid post-quantum readers, whose stanzas are mlkem768x25519", async () => {
    const dave = await person("dave", true);
    const erin = await person("erin", true);
    expect(verifyVault(await vault([dave, erin]), team(dave, erin))).toEqual([]);
  });

  it("reports a name appended to recipients", async () => {
    const v = await vault([alice, bob]);
    v.recipients += "carol\n";
    const found = verifyVault(v, everyone);
    expect(checks(found)).toEqual(["manifest-recipients clients/acme/recipients"]);
    expect(found[0]!.message).toMatch(/declares alice, bob, carol but vault.age is encrypted to alice, bob \(declared but not a reader: carol\)/);
    expect(found[0]!.vault).toBe("acme");
  });

  it("reports a name in recipients with no team card", async () => {
    const v = await vault([alice, bob]);
    v.recipients += "mallory\n";
    expect(checks(verifyVault(v, everyone))).toEqual(["manifest-recipients clients/acme/recipients", "recipients-known clients/acme/recipients"]);
  });

  it("reports a reader whose card was marked removed", async () => {
    const removed = new Map(everyone).set("bob", { ...bob.card, status: "removed", removed: "2026-03-01T00:00:00Z" });
    const found = verifyVault(await vault([alice, bob]), removed);
    expect(checks(found)).toEqual(["recipients-active clients/acme/recipients"]);
    expect(found[0]!.message).toMatch(/"bob", whose card team\/bob.json is removed/);
  });

  it("reports a missing or malformed recipients file", async () => {
    const v = await vault([alice]);
    expect(checks(verifyVault({ ...v, recipients: null }, everyone))).toEqual(["recipients-file clients/acme/recipients"]);
    expect(verifyVault({ ...v, recipients: "alice\nBad Name\n" }, everyone)[0]!.message).toMatch(/clients\/acme\/recipients:2: invalid engineer name/);
  });

  it("reports vault.age re-encrypted to an extra recipient", async () => {
    const v = await vault([alice, bob], { encryptTo: [alice, bob, carol].map((p) => p.card.recipient), unsigned: (m) => (m.sha256 = "0".repeat(64)) });
    const found = verifyVault(v, everyone);
    expect(checks(found)).toEqual(["stanza-count clients/acme/vault.age", "vault-sha256 clients/acme/vault.age"]);
    expect(found.find((f) => f.check === "stanza-count")!.message).toMatch(/holds 3 recipient stanzas but clients\/acme\/manifest.json lists 2 readers/);
  });

  it("reports vault.age re-encrypted to a swapped recipient (same count, different key) by its hash", async () => {
    const original = await vault([alice, bob]);
    const swapped = await vault([alice, bob], { encryptTo: [alice.card.recipient, carol.card.recipient] });
    const found = verifyVault({ ...original, vaultAge: swapped.vaultAge }, everyone);
    expect(checks(found)).toEqual(["vault-sha256 clients/acme/vault.age"]);
  });

  it("reports stanzas of the wrong type even when the count and hash agree", async () => {
    const dave = await person("dave", true);
    // Signed by alice, hash right, but dave's hybrid key cannot be behind an X25519 stanza.
    const v = await vault([alice, dave], { encryptTo: [alice.card.recipient, bob.card.recipient] });
    expect(checks(verifyVault(v, team(alice, bob, dave)))).toEqual(["stanza-type clients/acme/vault.age"]);
  });

  it("reports a hand-edited manifest by its signature", async () => {
    const v = await vault([alice, bob], { signed: (m) => (m.written = "2026-02-02T00:00:00Z") });
    expect(checks(verifyVault(v, everyone))).toEqual(["manifest-signature clients/acme/manifest.json"]);
  });

  it("reports a full forgery by someone without a signing key: recipients, ciphertext and manifest all agree but the signature", async () => {
    const v = await vault([alice, bob, carol], { writer: alice, signed: (m) => (m.signature = signManifest(m, carol.key).signature) });
    expect(checks(verifyVault(v, everyone))).toEqual(["manifest-signature clients/acme/manifest.json"]);
  });

  it("reports a manifest whose key for a reader is not the one on their card", async () => {
    const v = await vault([alice, bob], { unsigned: (m) => (m.recipients[1]!.recipient = carol.card.recipient), encryptTo: [alice.card.recipient, carol.card.recipient] });
    expect(checks(verifyVault(v, everyone))).toEqual(["manifest-recipients clients/acme/manifest.json"]);
  });

  it("reports a writer who is not a reader, or has no card", async () => {
    expect(checks(verifyVault(await vault([alice, bob], { writer: carol }), everyone))).toEqual(["manifest-writer clients/acme/manifest.json"]);
    const byStranger = await vault([alice], { writer: bob });
    expect(checks(verifyVault(byStranger, team(alice)))).toEqual(["manifest-signature clients/acme/manifest.json", "manifest-writer clients/acme/manifest.json"]);
  });

  it("reports a manifest copied from another vault, a wrong stanza count in it, or none at all", async () => {
    expect(checks(verifyVault(await vault([alice], { unsigned: (m) => (m.vault = "globex") }), everyone))).toEqual(["manifest-vault clients/acme/manifest.json"]);
    expect(checks(verifyVault(await vault([alice], { unsigned: (m) => (m.stanzas = 2) }), everyone))).toEqual(["stanza-count clients/acme/vault.age"]);
    expect(checks(verifyVault({ ...(await vault([alice])), manifest: null }, everyone))).toEqual(["manifest-file clients/acme/manifest.json"]);
    expect(checks(verifyVault({ ...(await vault([alice])), manifest: "{" }, everyone))).toEqual(["manifest-file clients/acme/manifest.json"]);
  });

  it("reports a vault.age that is gone while its manifest remains", async () => {
    const found = verifyVault({ ...(await vault([alice])), vaultAge: null }, everyone);
    expect(checks(found)).toEqual(["age-header clients/acme/vault.age"]);
    expect(found[0]!.message).toMatch(/is missing, but clients\/acme\/manifest.json is still there/);
  });

  it("reports a vault.age that is not an age file", async () => {
    const found = verifyVault({ ...(await vault([alice])), vaultAge: Buffer.from('{"version":1,"vault":"acme","entries":{}}') }, everyone);
    expect(checks(found)).toEqual(["age-header clients/acme/vault.age"]);
    expect(found[0]!.message).toMatch(/not an age file/);
  });
});
