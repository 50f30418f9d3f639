// The manifest's reader proof: made with the file key of the vault.age it describes, checkable by every
// reader (X25519 and post-quantum alike), and impossible for anyone without that file key.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseManifest, readerProof, readerProofValid, serializeManifest, signManifest, type UnsignedManifest } from "../../src/core/manifest.js";
import { decryptOpened, encryptSealed, readerKeyOf } from "../../src/crypto/age-file.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity } from "../../src/crypto/keys.js";

describe("the reader proof", () => {
  it("every reader recovers the file key the writer proved with, X25519 and hybrid post-quantum", async () => {
    const { generateHybridIdentity } = await import("age-encryption");
    const { recipientOf } = await import("../../src/crypto/age-file.js");
    const x = parseIdentity(encodeX25519Identity(randomBytes(32)));
    const pq = parseIdentity(await generateHybridIdentity());
    await recipientOf(pq);
    for (const recipients of [[x.recipient], [x.recipient, pq.recipient]]) {
      const plaintext = Buffer.from('{"version":1,"vault":"acme","entries":{}}\n');
      const sealed = await encryptSealed(plaintext, recipients);
      for (const reader of recipients.length === 1 ? [x] : [x, pq]) {
        const opened = await decryptOpened(Buffer.from(sealed.armored), reader);
        expect(opened!.plaintext).toEqual(plaintext);
        expect(Buffer.from(opened!.fileKey)).toEqual(Buffer.from(sealed.fileKey));
      }
    }
  });

  it("verifies with the vault's key only, survives serialisation, and covers every stated field", async () => {
    const writer = parseIdentity(encodeX25519Identity(randomBytes(32)));
    const sealed = await encryptSealed(Buffer.from("{}"), [writer.recipient]);
    const unsigned: UnsignedManifest = { version: 1, vault: "acme", recipients: [{ name: "alice", recipient: writer.recipient }], stanzas: 1, sha256: "a".repeat(64), writer: "alice", written: "2026-01-01T00:00:00.000Z" };
    const key = readerKeyOf(sealed.fileKey);
    const m = { ...signManifest(unsigned, deriveSigningKey(writer)), readerProof: readerProof(unsigned, key) };
    const back = parseManifest(JSON.parse(serializeManifest(m)), "manifest");
    expect(readerProofValid(back, key)).toBe(true);
    expect(readerProofValid(back, readerKeyOf(randomBytes(16)))).toBe(false);
    expect(readerProofValid({ ...back, readerProof: undefined }, key)).toBe(false);
    const mallory = parseIdentity(encodeX25519Identity(randomBytes(32))).recipient;
    for (const changed of [{ writer: "mallory" }, { stanzas: 2 }, { sha256: "b".repeat(64) }, { written: "2026-01-02T00:00:00.000Z" }, { recipients: [{ name: "mallory", recipient: mallory }] }, { vault: "acme2" }]) {
      expect(readerProofValid({ ...back, ...changed }, key), JSON.stringify(changed)).toBe(false);
    }
    expect(() => parseManifest({ ...JSON.parse(serializeManifest(m)), readerProof: "XYZ" }, "manifest")).toThrow(/readerProof/);
  });
});
