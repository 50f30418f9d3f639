// Hostile import files for fuzzing, at the unit level (formats-fuzz) and through the CLI (hostile-import):
// one valid sample per format, and arbitraries that break them: random bytes, byte-level edits (deletions,
// insertions of tokens that steer parsers, bit flips, repeats), and JSON values swapped for any type.
// Every seed in them is synthetic (fixtures/README.md).
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ImportFormat } from "../../src/formats/registry.js";
import { encryptedAegis, encryptedTwofas, migrationPayload, migrationUri, qrPng } from "./fixture-makers.js";

export const PASSWORD = "correct horse";
const FIX = resolve(import.meta.dirname, "../../fixtures/import");
const fixture = (name: string) => readFileSync(join(FIX, name));

function qrFixture(scratch: string): Buffer {
  const out = join(scratch, "qr.png");
  qrPng("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME", out);
  return readFileSync(out);
}

/** One valid input per format (several for the formats with two shapes), the start of every mutation. */
export function exportSamples(scratch: string): [ImportFormat, Buffer][] {
  return [
    ["csv", fixture("mfavault.csv")],
    ["csv", fixture("bad-rows.csv")],
    ["otpauth", fixture("uris.txt")],
    ["google", fixture("google-migration.txt")],
    ["google", Buffer.from(`${migrationUri(migrationPayload([{ secret: Buffer.from("12345678901234567890"), name: "a:b", issuer: "a", type: 1, counter: 7 }], { size: 2, index: 0, id: 9 }))}\n`)],
    ["aegis", fixture("aegis-plain.json")],
    // Cheap scrypt, so that hundreds of runs that reach the decryption stay fast.
    ["aegis", Buffer.from(encryptedAegis(JSON.parse(fixture("aegis-plain.json").toString()).db, PASSWORD, { N: 16, r: 1, p: 1 }))],
    ["2fas", fixture("twofas.2fas")],
    ["2fas", Buffer.from(encryptedTwofas(JSON.parse(fixture("twofas.2fas").toString()), PASSWORD))],
    ["bitwarden", fixture("bitwarden.json")],
    ["bitwarden", fixture("bitwarden.csv")],
    ["andotp", fixture("andotp.json")],
    ["freeotp-plus", fixture("freeotpplus.json")],
    ["raivo", fixture("raivo-otp-export.json")],
    ["ente", fixture("ente_plain.txt")],
    ["1password", fixture("onepassword8.csv")],
    ["mfavault", Buffer.from(JSON.stringify({ format: "mfavault-export", version: 1, entries: [{ vault: "acme", name: "aws", type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30, issuer: "AWS", account: "root" }] }))],
    ["qr", qrFixture(scratch)],
  ];
}

/** Every synthetic seed in the samples (base32 runs of 16 or more): no message may quote one. */
export function seedsIn(samples: [ImportFormat, Buffer][]): string[] {
  return [...new Set(samples.flatMap(([, b]) => b.toString("latin1").match(/[A-Z2-7]{16,}/g) ?? []))];
}

/** Bytes and strings that steer parsers into their edge cases. */
export const TOKENS = [
  '"', ",", ";", "\t", "\r", "\n", "\r\n", "=", "&", "?", "#", ":", "%", "%ZZ", "%00", "\u0000", "\u001b[2J", "\ufeff", "\ud800",
  "otpauth://totp/", "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=", "otpauth-migration://offline?data=", "steam://", "secret=", "&digits=",
  "&period=0", "&algorithm=MD5", "99999999999999999999", "-1", "1e309", "NaN", "0x10", "null", "true", "[]", "{}", '{"a":', "[[[[[[[[", "__proto__",
  '"constructor"', "\\u0000", "é", "𝕏", "A".repeat(300), "=".repeat(9),
];

export type Edit = { at: number; kind: "delete" | "insert" | "flip" | "repeat"; len: number; token: string; bit: number };
export const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("delete", "insert", "flip", "repeat"),
  len: fc.integer({ min: 1, max: 64 }),
  token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 12 })),
  bit: fc.integer({ min: 0, max: 7 }),
});

export function applyEdits(input: Buffer, edits: Edit[]): Buffer {
  let b = Buffer.from(input);
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % (b.length + 1);
    if (e.kind === "delete") b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
    else if (e.kind === "insert") b = Buffer.concat([b.subarray(0, at), Buffer.from(e.token), b.subarray(at)]);
    else if (e.kind === "repeat") b = Buffer.concat([b.subarray(0, at + e.len), b.subarray(at)]);
    else if (at < b.length) b[at] = b[at]! ^ (1 << e.bit);
  }
  return b;
}

/** Every path to a value inside a JSON document, e.g. ["db", "entries", 0, "info", "secret"]. */
export function jsonPaths(v: unknown, here: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(here);
  if (Array.isArray(v)) v.forEach((x, i) => jsonPaths(x, [...here, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) jsonPaths(x, [...here, k], out);
  return out;
}

export function replaceAt(doc: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (remove) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** A value of any type, biased towards the ones a careless parser trusts: numbers, strings, nesting. */
export const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 0, 1.5, 2 ** 31, 2 ** 53, 1e308, -0, "", "0", "-1", "1e3", "SHA1", "MD5", "hotp", "steam", "JBSWY3DP", "Algorithm.sha256", [], {}, null, true),
);


/** Whether a sample is JSON (and so gets structural edits too). */
export const isJsonSample = (b: Buffer) => /^\s*[[{]/.test(b.toString("utf8").replace(/^\uFEFF/, ""));

/** A JSON sample with values swapped for others of any type, or removed. */
export function jsonSwaps(sample: Buffer): fc.Arbitrary<Buffer> {
  const doc = JSON.parse(sample.toString("utf8").replace(/^\uFEFF/, ""));
  const all = jsonPaths(doc);
  return fc.array(fc.tuple(fc.nat(all.length - 1), anyValue, fc.boolean()), { minLength: 1, maxLength: 4 }).map((swaps) => {
    let d: unknown = doc;
    for (const [p, value, remove] of swaps) {
      try {
        d = replaceAt(d, all[p]!, value, remove);
      } catch {
        // the path went away with an earlier swap
      }
    }
    return Buffer.from(JSON.stringify(d));
  });
}

/** Any hostile file made from the samples: random bytes, edited bytes of a sample, or a JSON sample's values swapped. */
export function hostileExport(samples: [ImportFormat, Buffer][]): fc.Arbitrary<{ from: string; bytes: Buffer }> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 1024 }).map((b) => ({ from: "random bytes", bytes: Buffer.from(b) })),
    fc.tuple(fc.nat(samples.length - 1), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([i, edits]) => ({ from: `edited ${samples[i]![0]} sample ${i}`, bytes: applyEdits(samples[i]![1], edits) })),
    ...samples.filter(([, b]) => isJsonSample(b)).map(([f, b]) => jsonSwaps(b).map((bytes) => ({ from: `${f} JSON with swapped values`, bytes }))),
  );
}
