// Makers for the import fixtures that are not plain text, written independently of the importers:
// Google Authenticator migration payloads (protobuf encoded by hand here), encrypted Aegis and 2FAS
// backups (the apps' documented constructions on node:crypto), and QR images (qrencode, then jpeg-js).
// Every seed that goes through them in the tests is synthetic.
import { execaSync } from "execa";
import { createCipheriv, pbkdf2Sync, randomBytes, scryptSync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";

function varint(value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return Buffer.from(out);
}

function varintField(no: number, value: number | bigint): Buffer {
  return Buffer.concat([varint((no << 3) | 0), varint(value)]);
}

function bytesField(no: number, payload: Buffer | string): Buffer {
  const b = typeof payload === "string" ? Buffer.from(payload) : payload;
  return Buffer.concat([varint((no << 3) | 2), varint(b.length), b]);
}

export interface MigrationOtp {
  secret: Buffer;
  name: string;
  issuer?: string;
  /** Enum values as on the wire: algorithm 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5; digits 1 six, 2 eight; type 1 HOTP, 2 TOTP. */
  algorithm?: number;
  digits?: number;
  type?: number;
  counter?: number | bigint;
}

export interface MigrationBatch {
  size: number;
  index: number;
  id: number;
}

/** The MigrationPayload protobuf bytes. */
export function migrationPayload(otps: MigrationOtp[], batch: MigrationBatch = { size: 1, index: 0, id: 0 }): Buffer {
  const parts = otps.map((o) => {
    const fields = [bytesField(1, o.secret), bytesField(2, o.name)];
    if (o.issuer !== undefined) fields.push(bytesField(3, o.issuer));
    if (o.algorithm !== undefined) fields.push(varintField(4, o.algorithm));
    if (o.digits !== undefined) fields.push(varintField(5, o.digits));
    if (o.type !== undefined) fields.push(varintField(6, o.type));
    if (o.counter !== undefined) fields.push(varintField(7, o.counter));
    return bytesField(1, Buffer.concat(fields));
  });
  return Buffer.concat([...parts, varintField(2, 1), varintField(3, batch.size), varintField(4, batch.index), varintField(5, batch.id)]);
}

export function migrationUri(payload: Buffer): string {
  return `otpauth-migration://offline?data=${encodeURIComponent(payload.toString("base64"))}`;
}

function gcm(key: Buffer, plain: Buffer): { nonce: Buffer; data: Buffer; tag: Buffer } {
  const nonce = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, nonce);
  const data = Buffer.concat([c.update(plain), c.final()]);
  return { nonce, data, tag: c.getAuthTag() };
}

/** An encrypted Aegis backup of `db` with one password slot (scrypt N=2^15, r=8, p=1, as Aegis writes; cheaper for fuzzing). */
export function encryptedAegis(db: unknown, password: string, scrypt = { N: 32768, r: 8, p: 1 }): string {
  const masterKey = randomBytes(32);
  const salt = randomBytes(32);
  const slotKey = scryptSync(password, salt, 32, { ...scrypt, maxmem: 64 << 20 });
  const wrapped = gcm(slotKey, masterKey);
  const body = gcm(masterKey, Buffer.from(JSON.stringify(db)));
  const slot = {
    type: 1,
    uuid: "01234567-89ab-4def-8123-456789abcdef",
    key: wrapped.data.toString("hex"),
    key_params: { nonce: wrapped.nonce.toString("hex"), tag: wrapped.tag.toString("hex") },
    n: scrypt.N,
    r: scrypt.r,
    p: scrypt.p,
    salt: salt.toString("hex"),
    repaired: true,
    is_backup: false,
  };
  const header = { slots: [slot], params: { nonce: body.nonce.toString("hex"), tag: body.tag.toString("hex") } };
  return JSON.stringify({ version: 1, header, db: body.data.toString("base64") }, null, 2);
}

/** An encrypted 2FAS backup: the services array under PBKDF2-SHA256 (10 000 rounds) + AES-256-GCM. */
export function encryptedTwofas(plain: { services: unknown[] } & Record<string, unknown>, password: string): string {
  const salt = randomBytes(256);
  const key = pbkdf2Sync(password, salt, 10_000, 32, "sha256");
  const seal = (text: string) => {
    const { nonce, data, tag } = gcm(key, Buffer.from(text));
    return [Buffer.concat([data, tag]).toString("base64"), salt.toString("base64"), nonce.toString("base64")].join(":");
  };
  const { services, ...rest } = plain;
  return JSON.stringify({ ...rest, services: [], servicesEncrypted: seal(JSON.stringify(services)), reference: seal("x".repeat(256)) }, null, 2);
}

/** A QR code PNG made by the qrencode CLI. */
export function qrPng(text: string, out: string): void {
  execaSync("qrencode", ["-o", out, "-s", "6", "-m", "4", text]);
}

/** The same picture as a JPEG (jpeg-js encoder), as a phone screenshot or photo would arrive. */
export function pngToJpeg(pngPath: string, out: string, quality = 85): void {
  const png = PNG.sync.read(readFileSync(pngPath));
  writeFileSync(out, jpeg.encode({ data: png.data, width: png.width, height: png.height }, quality).data);
}
