// Google Authenticator's export: otpauth-migration://offline?data=<base64 MigrationPayload protobuf>,
// one URI per QR code, several QR codes forming one batch (OTP-INTERCHANGE.md §2). Enum values follow
// the community-reconstructed schema: digits 1 means six and 2 eight, never a digit count.
import { encodeBase32 } from "../core/base32.js";
import { badInput } from "../core/errors.js";
import type { OtpType } from "../core/entry.js";
import type { OtpAlgorithm } from "../core/otp.js";
import { otpParams } from "./fields.js";
import { convertRecords, emptyResult, mergeResults, problemMessage, type ImportResult, type ImportedEntry, type RowProblem } from "./imported.js";
import { readFields, signed, utf8, type WireField } from "./protobuf-reader.js";
import { numberedLines, textOf } from "./text.js";

export interface MigrationBatch {
  at: string;
  batchId: number;
  batchSize: number;
  batchIndex: number;
}

const ALGORITHMS: Record<number, OtpAlgorithm> = { 0: "SHA1", 1: "SHA1", 2: "SHA256", 3: "SHA512" };
const DIGITS: Record<number, number> = { 0: 6, 1: 6, 2: 8 };
const TYPES: Record<number, OtpType> = { 0: "totp", 1: "hotp", 2: "totp" };

/** The protobuf bytes of a migration URI's `data` parameter, repairing what form decoders do to base64. */
export function migrationData(uri: string): Buffer {
  const m = /^otpauth-migration:\/\/offline\/?\?(.*)$/is.exec(uri.trim());
  if (!m) throw badInput("not a Google Authenticator export URI: expected otpauth-migration://offline?data=…");
  const values = m[1]!.split("&").filter((p) => /^data=/i.test(p));
  if (values.length !== 1) throw badInput(values.length ? 'the "data" parameter appears twice' : 'no "data" parameter');
  let data: string;
  try {
    data = decodeURIComponent(values[0]!.slice(5));
  } catch {
    throw badInput('the "data" parameter has an invalid percent-escape');
  }
  data = data.replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(data) || data.length % 4 === 1) throw badInput('the "data" parameter is not base64');
  return Buffer.from(data, "base64");
}

function enumValue(f: WireField, table: Record<number, unknown>, what: string): number {
  const v = signed(f);
  if (v < 0n || v > 1000n || table[Number(v)] === undefined) {
    if (what === "algorithm" && v === 4n) throw badInput("algorithm MD5 is not supported (no TOTP service uses it)");
    throw badInput(`unknown ${what} value ${v} in the Google Authenticator data`);
  }
  return Number(v);
}

function otpEntry(bytes: Buffer, at: string): ImportedEntry {
  let secret: Buffer = Buffer.alloc(0);
  let name = "";
  let issuer = "";
  let algorithm: OtpAlgorithm = "SHA1";
  let digits = 6;
  let type: OtpType = "totp";
  let counter = 0;
  for (const f of readFields(bytes, "account data")) {
    const wantWire = f.no <= 3 ? 2 : 0;
    if (f.no <= 7 && f.wire !== wantWire) throw badInput(`field ${f.no} has the wrong wire type (corrupted data)`);
    if (f.no === 1) secret = f.bytes;
    else if (f.no === 2) name = utf8(f.bytes, "the name");
    else if (f.no === 3) issuer = utf8(f.bytes, "the issuer");
    else if (f.no === 4) algorithm = ALGORITHMS[enumValue(f, ALGORITHMS, "algorithm")]!;
    else if (f.no === 5) digits = DIGITS[enumValue(f, DIGITS, "digit count")]!;
    else if (f.no === 6) type = TYPES[enumValue(f, TYPES, "OTP type")]!;
    else if (f.no === 7) {
      const c = signed(f);
      if (c < 0n || c > BigInt(Number.MAX_SAFE_INTEGER)) throw badInput("the HOTP counter is negative or too large");
      counter = Number(c);
    }
  }
  if (secret.length === 0) throw badInput("empty secret");
  // GA stores the whole label as the name ("Issuer:account"), issuer separately (§2 import semantics).
  let account = name;
  if (issuer && name.startsWith(`${issuer}:`)) account = name.slice(issuer.length + 1);
  else if (!issuer && name.includes(":")) {
    issuer = name.slice(0, name.indexOf(":"));
    account = name.slice(name.indexOf(":") + 1);
  }
  const params = otpParams({ type, secret: encodeBase32(secret), algorithm, digits, period: 30, counter });
  return { at, params, issuer, account: account.replace(/^\s+/, ""), warnings: [] };
}

/** One migration URI: its entries (each a row of its own) and where it sits in its batch. */
export function parseMigrationUri(uri: string, at: string): { result: ImportResult; batch: MigrationBatch } {
  const what = "Google Authenticator data";
  const otps: Buffer[] = [];
  const batch: MigrationBatch = { at, batchId: 0, batchSize: 0, batchIndex: 0 };
  for (const f of readFields(migrationData(uri), what)) {
    if (f.no === 1 && f.wire === 2) otps.push(f.bytes);
    else if (f.no >= 1 && f.no <= 5 && f.wire !== (f.no === 1 ? 2 : 0)) throw badInput(`${what}: field ${f.no} has the wrong wire type (corrupted data)`);
    else if (f.no === 3) batch.batchSize = Number(BigInt.asIntN(32, f.varint));
    else if (f.no === 4) batch.batchIndex = Number(BigInt.asIntN(32, f.varint));
    else if (f.no === 5) batch.batchId = Number(BigInt.asIntN(32, f.varint));
  }
  const result = convertRecords(otps, (i) => `${at}, account ${i + 1}`, otpEntry);
  return { result, batch };
}

/** Batches with missing or repeated QR codes: an incomplete import is refused, naming the missing ones. */
export function batchProblems(batches: MigrationBatch[]): RowProblem[] {
  const problems: RowProblem[] = [];
  const byId = new Map<number, MigrationBatch[]>();
  for (const b of batches) if (b.batchSize > 1) byId.set(b.batchId, [...(byId.get(b.batchId) ?? []), b]);
  for (const [id, parts] of byId) {
    const size = Math.max(...parts.map((p) => p.batchSize));
    const seen = new Map<number, string>();
    for (const p of parts) {
      if (p.batchIndex < 0 || p.batchIndex >= size) problems.push({ at: p.at, problem: `batch index ${p.batchIndex} is outside a batch of ${size}` });
      else if (seen.has(p.batchIndex)) problems.push({ at: p.at, problem: `QR code ${p.batchIndex + 1} of ${size} appears twice (also ${seen.get(p.batchIndex)})` });
      else seen.set(p.batchIndex, p.at);
    }
    const missing = [...Array(size).keys()].filter((i) => !seen.has(i));
    if (missing.length) {
      problems.push({ at: `batch ${id}`, problem: `QR code${missing.length > 1 ? "s" : ""} ${missing.map((i) => i + 1).join(", ")} of ${size} missing: export or scan every QR code of the batch` });
    }
  }
  return problems;
}

/** A file of migration URIs, one per line (several batches allowed). */
export function parseGoogleMigration(input: Buffer | string): ImportResult {
  const out = emptyResult();
  const batches: MigrationBatch[] = [];
  for (const { line, text } of numberedLines(textOf(input, "the Google Authenticator export"))) {
    if (text.trim() === "" || text.trim().startsWith("#")) continue;
    try {
      const { result, batch } = parseMigrationUri(text, `line ${line}`);
      mergeResults(out, result);
      batches.push(batch);
    } catch (e) {
      out.problems.push({ at: `line ${line}`, problem: problemMessage(e) });
    }
  }
  out.problems.push(...batchProblems(batches));
  return out;
}
