// 2FAS backups (.2fas, OTP-INTERCHANGE.md §3.2): `services[]`, or when encrypted `servicesEncrypted`:
// base64(ciphertext‖tag):base64(salt):base64(iv), AES-256-GCM under PBKDF2-HMAC-SHA256(password, salt,
// 10 000 iterations), whose plaintext is the JSON array of services.
import { createDecipheriv, pbkdf2Sync } from "node:crypto";
import { badInput } from "../core/errors.js";
import { parseJsonText } from "../core/canonical-json.js";
import type { Json } from "../core/guards.js";
import { otpFromRecord, otpType, record, textField } from "./fields.js";
import { convertRecords, type ImportResult, type ParseOptions } from "./imported.js";
import { textOf } from "./text.js";

const WHAT = "the 2FAS backup";
const MAX_SCHEMA = 4;

function decryptServices(blob: string, password: string | undefined): unknown {
  if (password === undefined) throw badInput(`${WHAT} is encrypted: give its password (a prompt on a terminal, or --password-file FILE)`);
  const parts = blob.split(":");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9+/]*={0,2}$/.test(p))) throw badInput(`${WHAT}: "servicesEncrypted" is not three base64 parts`);
  const [data, salt, iv] = parts.map((p) => Buffer.from(p, "base64")) as [Buffer, Buffer, Buffer];
  if (data.length < 16 || salt.length < 16 || iv.length !== 12) throw badInput(`${WHAT}: "servicesEncrypted" is truncated`);
  const key = pbkdf2Sync(password, salt, 10_000, 32, "sha256");
  try {
    const d = createDecipheriv("aes-256-gcm", key, iv);
    d.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]);
    return parseJsonText(plain.toString("utf8"), `${WHAT} (decrypted services)`);
  } catch (e) {
    if ((e as { kind?: string }).kind === "badInput") throw e;
    throw badInput(`${WHAT}: wrong password (or the file was altered)`);
  }
}

export function isEncryptedTwofas(top: Json): boolean {
  return typeof top.servicesEncrypted === "string" && top.servicesEncrypted !== "";
}

export function parseTwofas(input: Buffer | string, opts: ParseOptions = {}): ImportResult {
  const top = record(parseJsonText(textOf(input, WHAT), WHAT), WHAT);
  const schema = top.schemaVersion;
  if (typeof schema !== "number" || schema > MAX_SCHEMA) {
    throw badInput(`${WHAT} has schema version ${String(schema).slice(0, 8)}; this mfavault reads up to ${MAX_SCHEMA} (export from a newer 2FAS?)`);
  }
  const services = isEncryptedTwofas(top) ? decryptServices(top.servicesEncrypted as string, opts.password) : top.services;
  if (!Array.isArray(services)) throw badInput(`${WHAT} has no "services" list`);
  return convertRecords(services, (i) => `service ${i + 1}`, (value, at) => {
    const s = record(value, "the service");
    const otp = s.otp === undefined || s.otp === null ? {} : record(s.otp, '"otp"');
    const type = otpType(textField(otp, "tokenType"), "totp");
    const params = otpFromRecord(otp, type, {}, textField(s, "secret"));
    const name = textField(s, "name");
    const issuer = textField(otp, "issuer") || name;
    const account = textField(otp, "account") || textField(otp, "label");
    return { at, params, issuer, account, ...(name ? { name } : {}), warnings: [] };
  });
}
