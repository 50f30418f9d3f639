// Aegis backups (OTP-INTERCHANGE.md §3.1): plain JSON, or encrypted, where `db` is AES-256-GCM ciphertext
// under a master key that each password slot wraps with a key derived by scrypt(password, salt, N, r, p).
import { createDecipheriv, scryptSync } from "node:crypto";
import { badInput } from "../core/errors.js";
import { parseJsonText } from "../core/canonical-json.js";
import type { Json } from "../core/guards.js";
import { otpFromRecord, otpType, record, textField } from "./fields.js";
import { convertRecords, type ImportResult, type ParseOptions } from "./imported.js";
import { textOf } from "./text.js";

const WHAT = "the Aegis backup";
/**
 * The most scrypt work (N·r·p) a slot may ask for: 16 times what Aegis writes (N=2^15, r=8, p=1), about a
 * second here. A hostile file asking for N=2^20, r=32, p=16 would otherwise take 4 GB and minutes.
 */
const MAX_SCRYPT_WORK = 2 ** 22;

function hexField(o: Json, key: string, bytes: number, what: string): Buffer {
  const v = o[key];
  if (typeof v !== "string" || v.length !== bytes * 2 || !/^[0-9a-f]+$/i.test(v)) throw badInput(`${WHAT}: ${what} "${key}" must be ${bytes} bytes of hex`);
  return Buffer.from(v, "hex");
}

function gcmOpen(key: Buffer, nonce: Buffer, tag: Buffer, data: Buffer): Buffer | null {
  try {
    const d = createDecipheriv("aes-256-gcm", key, nonce);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    return null;
  }
}

/** The master key from the first password slot the password opens; null when none does. */
function masterKey(header: Json, password: string): Buffer | null {
  if (!Array.isArray(header.slots)) throw badInput(`${WHAT}: the header has no key slots`);
  const slots = header.slots.map((s) => record(s, `${WHAT}: a key slot`)).filter((s) => s.type === 1);
  if (slots.length === 0) throw badInput(`${WHAT} has no password slot (only biometric or raw keys): export it again with a password`);
  for (const slot of slots) {
    const { n, r, p } = slot;
    if (typeof n !== "number" || typeof r !== "number" || typeof p !== "number" || n < 2 || n > 2 ** 20 || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) {
      throw badInput(`${WHAT}: a password slot has scrypt parameters out of range`);
    }
    if (!Number.isInteger(r) || !Number.isInteger(p) || n * r * p > MAX_SCRYPT_WORK) {
      throw badInput(`${WHAT}: a password slot asks for more scrypt work (N·r·p = ${n * r * p}) than Aegis ever writes: refusing it`);
    }
    const derived = scryptSync(password.normalize("NFC"), hexField(slot, "salt", 32, "slot"), 32, { N: n, r, p, maxmem: 256 * n * r + (1 << 20) });
    const params = record(slot.key_params, `${WHAT}: a slot's "key_params"`);
    const key = gcmOpen(derived, hexField(params, "nonce", 12, "slot"), hexField(params, "tag", 16, "slot"), hexField(slot, "key", 32, "slot"));
    if (key) return key;
  }
  return null;
}

function decryptDb(top: Json, password: string | undefined): unknown {
  if (password === undefined) throw badInput(`${WHAT} is encrypted: give its password (a prompt on a terminal, or --password-file FILE)`);
  const header = record(top.header, `${WHAT}: "header"`);
  const key = masterKey(header, password);
  if (!key) throw badInput(`${WHAT}: wrong password (no password slot opened with it)`);
  const params = record(header.params, `${WHAT}: "header.params"`);
  const data = Buffer.from(top.db as string, "base64");
  const plain = gcmOpen(key, hexField(params, "nonce", 12, "header"), hexField(params, "tag", 16, "header"), data);
  if (!plain) throw badInput(`${WHAT}: the vault does not decrypt with its key (the file was altered or truncated)`);
  return parseJsonText(plain.toString("utf8"), `${WHAT} (decrypted vault)`);
}

export function isEncryptedAegis(top: Json): boolean {
  return typeof top.db === "string";
}

export function parseAegis(input: Buffer | string, opts: ParseOptions = {}): ImportResult {
  const top = record(parseJsonText(textOf(input, WHAT), WHAT), WHAT);
  if (top.version !== 1) throw badInput(`${WHAT} has format version ${String(top.version).slice(0, 8)}; this mfavault reads version 1 (export from a newer Aegis?)`);
  const db = record(isEncryptedAegis(top) ? decryptDb(top, opts.password) : top.db, `${WHAT}: "db"`);
  if (typeof db.version !== "number" || db.version > 3) throw badInput(`${WHAT}: vault version ${String(db.version).slice(0, 8)} is newer than this mfavault reads (1 to 3)`);
  if (!Array.isArray(db.entries)) throw badInput(`${WHAT} has no "entries" list`);
  return convertRecords(db.entries, (i) => `entry ${i + 1}`, (value, at) => {
    const e = record(value, "the entry");
    const info = record(e.info, '"info"');
    const type = otpType(textField(e, "type"), "totp");
    const params = otpFromRecord(info, type, { algorithm: "algo", counterRequired: true });
    const notes = textField(e, "note");
    return { at, params, issuer: textField(e, "issuer"), account: textField(e, "name"), ...(notes ? { notes } : {}), warnings: [] };
  });
}
