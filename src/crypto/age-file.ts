// Encrypting a vault to its recipients and decrypting it with one identity. X25519 (the default) runs on
// node:crypto in a few hundred microseconds; the post-quantum hybrid kind goes through typage, loaded only
// when such a key is actually involved.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { badInput } from "../core/errors.js";
import { armor, encodeB64NoPad, parseHeader, readAgeFile, serializeHeaderNoMac } from "./age-header.js";
import { decryptPayload, encryptPayload } from "./age-stream.js";
import { recipientKind, x25519RecipientBytes, type AgeIdentity } from "./keys.js";
import { unwrapX25519, wrapX25519, x25519PublicBytes } from "./x25519.js";
import { importExternal } from "../load-external.js";

function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Buffer {
  const key = Buffer.from(hkdfSync("sha256", fileKey, Buffer.alloc(0), "header", 32));
  return createHmac("sha256", key).update(macInput).digest();
}

/** An age file and the file key it was made with (kept in memory, for the manifest's reader proof). */
export interface Sealed {
  armored: string;
  fileKey: Uint8Array;
}

/** Encrypts to every recipient with a fresh file key; returns the ASCII-armored file and that key. */
export async function encryptSealed(plaintext: Uint8Array, recipients: string[]): Promise<Sealed> {
  if (recipients.length === 0) throw badInput("refusing to encrypt to nobody: a vault needs at least one recipient");
  if (recipients.some((r) => recipientKind(r) === "pq")) {
    const { Encrypter } = await importExternal<typeof import("age-encryption")>("age-encryption");
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    // A recipient of our own that adds no stanza: typage shows it the file key, as it shows every recipient.
    let fileKey: Uint8Array | null = null;
    e.addRecipient({ wrapFileKey: (k: Uint8Array) => ((fileKey = Uint8Array.from(k)), []) });
    const armored = armor(await e.encrypt(plaintext));
    return { armored, fileKey: fileKey! };
  }
  const fileKey = randomBytes(16);
  const header = serializeHeaderNoMac(recipients.map((r) => wrapX25519(fileKey, x25519RecipientBytes(r))));
  const mac = headerMac(fileKey, header);
  const file = Buffer.concat([header, Buffer.from(` ${encodeB64NoPad(mac)}\n`, "latin1"), encryptPayload(fileKey, plaintext)]);
  return { armored: armor(file), fileKey };
}

/** Encrypts to every recipient with a fresh file key; returns the ASCII-armored file. */
export async function encryptToRecipients(plaintext: Uint8Array, recipients: string[]): Promise<string> {
  return (await encryptSealed(plaintext, recipients)).armored;
}

/**
 * The key of a vault's reader proof (see core/manifest.ts): derived from the file key under a label of
 * our own, as age derives its header and payload keys, so the file key itself serves nothing else.
 */
export function readerKeyOf(fileKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", fileKey, Buffer.alloc(0), "mfavault.v1 reader proof", 32));
}

/**
 * Decrypts an age file (armored or binary). Returns null when the file is a valid age file that was not
 * encrypted to this identity; throws a bad-input error when it is not a well-formed age file or was altered.
 */
export async function decryptWithIdentity(raw: Buffer, identity: AgeIdentity): Promise<Buffer | null> {
  return (await decryptOpened(raw, identity))?.plaintext ?? null;
}

/** As decryptWithIdentity, with the file key the file was opened with. */
export async function decryptOpened(raw: Buffer, identity: AgeIdentity): Promise<{ plaintext: Buffer; fileKey: Uint8Array } | null> {
  const file = readAgeFile(raw);
  const header = parseHeader(file);
  if (identity.kind === "pq") {
    const { Decrypter } = await importExternal<typeof import("age-encryption")>("age-encryption");
    const d = new Decrypter();
    d.addIdentity(identity.encoded);
    let fileKey: Uint8Array;
    try {
      // typage unwraps the stanza and checks the header MAC; the payload is ours to open, as for X25519.
      fileKey = await d.decryptHeader(file.subarray(0, header.payloadOffset));
    } catch (e) {
      if (/no identity matched/i.test(String(e))) return null;
      throw badInput(`age file could not be decrypted: ${String((e as Error).message ?? e)}`);
    }
    return { plaintext: decryptPayload(fileKey, file.subarray(header.payloadOffset)), fileKey };
  }
  const ourPublic = identity.publicBytes ?? x25519PublicBytes(identity.secret);
  let fileKey: Buffer | null = null;
  for (const stanza of header.stanzas) {
    if (stanza.args[0] === "scrypt" && header.stanzas.length > 1) throw badInput("age header: scrypt stanza must be alone");
    fileKey = unwrapX25519(stanza, identity.secret, ourPublic);
    if (fileKey) break;
  }
  if (!fileKey) return null;
  const expected = headerMac(fileKey, header.macInput);
  if (!timingSafeEqual(expected, header.mac)) throw badInput("age header: MAC mismatch (the header was altered)");
  return { plaintext: decryptPayload(fileKey, file.subarray(header.payloadOffset)), fileKey };
}

/** What `verify` reads without any key: the stanza types, in order. */
export function stanzaTypes(raw: Buffer): string[] {
  return parseHeader(readAgeFile(raw)).stanzas.map((s) => s.args[0] ?? "");
}

/** The identity's public recipient; hybrid post-quantum ones are computed by typage. */
export async function recipientOf(identity: AgeIdentity): Promise<string> {
  if (identity.recipient) return identity.recipient;
  const { identityToRecipient } = await importExternal<typeof import("age-encryption")>("age-encryption");
  identity.recipient = await identityToRecipient(identity.encoded);
  return identity.recipient;
}
