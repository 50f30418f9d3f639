// Hostile exports never crash an importer: every format in src/formats either parses (entries whose
// parameters hold, problems that name a place) or throws a bad-input error (exit 5); never a TypeError,
// a RangeError or a hang, and no message quotes a seed. Inputs are random bytes, byte-level edits of the
// real fixtures, and structural edits of their JSON (values swapped for others of any type).
// Short runs by default; MFAVAULT_FUZZ_RUNS=20000 for a long run.
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOtpParams } from "../../src/core/entry.js";
import { isMfaError } from "../../src/core/errors.js";
import { detectFormat } from "../../src/formats/detect.js";
import type { ImportResult } from "../../src/formats/imported.js";
import { IMPORT_FORMATS, type ImportFormat } from "../../src/formats/registry.js";
import { encryptedAegis, encryptedTwofas, migrationPayload, migrationUri, qrPng } from "../helpers/fixture-makers.js";

const runs = Math.max(1, Math.floor(Number(process.env.MFAVAULT_FUZZ_RUNS ?? 2000) / 8));
const FIX = resolve(import.meta.dirname, "../../fixtures/import");
const fixture = (name: string) => readFileSync(join(FIX, name));
const PASSWORD = "correct horse";

const scratch = mkdtempSync(join(tmpdir(), "mfavault-fuzz-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function qrFixture(): Buffer {
  const out = join(scratch, "qr.png");
  qrPng("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME", out);
  return readFileSync(out);
}

/** One valid input per format (several for the formats with two shapes), the start of every mutation. */
const SAMPLES: [ImportFormat, Buffer][] = [
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
  ["qr", qrFixture()],
];

/** Every synthetic seed in the samples: no message may quote one. */
const SEEDS = [...new Set(SAMPLES.flatMap(([, b]) => b.toString("latin1").match(/[A-Z2-7]{16,}/g) ?? []))];

function checkMessage(text: string): void {
  for (const seed of SEEDS) expect(text, "a message quotes a seed").not.toContain(seed);
}

function checkResult(r: ImportResult): void {
  expect(Array.isArray(r.entries) && Array.isArray(r.problems) && Array.isArray(r.notes)).toBe(true);
  expect(Number.isInteger(r.skipped) && r.skipped >= 0).toBe(true);
  for (const e of r.entries) {
    // What an importer hands on is already a valid, normalised entry.
    expect(checkOtpParams(e.params)).toEqual(e.params);
    expect(typeof e.at === "string" && typeof e.issuer === "string" && typeof e.account === "string").toBe(true);
  }
  for (const p of r.problems) {
    expect(typeof p.at === "string" && typeof p.problem === "string").toBe(true);
    checkMessage(p.problem);
  }
}

/** Parses with `format` (and the password of the encrypted samples): a result, or a bad-input error. */
async function parsesOrBadInput(format: ImportFormat, input: Buffer): Promise<void> {
  let result: ImportResult;
  try {
    result = await IMPORT_FORMATS[format].parse(input, { password: PASSWORD });
  } catch (e) {
    if (!isMfaError(e) || e.kind !== "badInput") throw e;
    checkMessage(e.message);
    return;
  }
  checkResult(result);
}

/** Detection never crashes either; whatever it names is then parsed. */
async function detectedAndParsed(input: Buffer): Promise<void> {
  let format: ImportFormat;
  try {
    format = detectFormat(input, "the file").format;
  } catch (e) {
    if (!isMfaError(e) || e.kind !== "badInput") throw e;
    checkMessage(e.message);
    return;
  }
  await parsesOrBadInput(format, input);
}

/** Bytes and strings that steer parsers into their edge cases. */
const TOKENS = [
  '"', ",", ";", "\t", "\r", "\n", "\r\n", "=", "&", "?", "#", ":", "%", "%ZZ", "%00", "\u0000", "\u001b[2J", "\ufeff", "\ud800",
  "otpauth://totp/", "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=", "otpauth-migration://offline?data=", "steam://", "secret=", "&digits=",
  "&period=0", "&algorithm=MD5", "99999999999999999999", "-1", "1e309", "NaN", "0x10", "null", "true", "[]", "{}", '{"a":', "[[[[[[[[", "__proto__",
  '"constructor"', "\\u0000", "é", "𝕏", "A".repeat(300), "=".repeat(9),
];

type Edit = { at: number; kind: "delete" | "insert" | "flip" | "repeat"; len: number; token: string; bit: number };
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("delete", "insert", "flip", "repeat"),
  len: fc.integer({ min: 1, max: 64 }),
  token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 12 })),
  bit: fc.integer({ min: 0, max: 7 }),
});

function applyEdits(input: Buffer, edits: Edit[]): Buffer {
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
function paths(v: unknown, here: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(here);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...here, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...here, k], out);
  return out;
}

function replaceAt(doc: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
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
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 0, 1.5, 2 ** 31, 2 ** 53, 1e308, -0, "", "0", "-1", "1e3", "SHA1", "MD5", "hotp", "steam", "JBSWY3DP", "Algorithm.sha256", [], {}, null, true),
);

const jsonSamples = SAMPLES.filter(([, b]) => /^\s*[[{]/.test(b.toString("utf8")));

describe("import formats under hostile input", () => {
  const formats = Object.keys(IMPORT_FORMATS) as ImportFormat[];

  it("every format is covered by a sample", () => {
    expect(new Set(SAMPLES.map(([f]) => f))).toEqual(new Set(formats));
  });

  for (const format of formats) {
    it(`${format}: random bytes parse or fail with a bad-input error`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 1024 }), async (bytes) => parsesOrBadInput(format, Buffer.from(bytes))),
        { numRuns: runs },
      );
    });
  }

  for (const [i, [format, sample]] of SAMPLES.entries()) {
    it(`${format} sample ${i}: byte-level edits parse or fail with a bad-input error, detected or not`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 6 }), async (edits) => {
          const input = applyEdits(sample, edits);
          await parsesOrBadInput(format, input);
          await detectedAndParsed(input);
        }),
        { numRuns: format === "qr" ? Math.ceil(runs / 10) : runs },
      );
    });
  }

  for (const [i, [format, sample]] of jsonSamples.entries()) {
    const doc = JSON.parse(sample.toString("utf8").replace(/^\uFEFF/, ""));
    const all = paths(doc);
    it(`${format} JSON sample ${i}: any value swapped for another of any type parses or fails with a bad-input error`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(all.length - 1), anyValue, fc.boolean()), { minLength: 1, maxLength: 4 }), async (swaps) => {
          let d: unknown = doc;
          for (const [p, value, remove] of swaps) {
            try {
              d = replaceAt(d, all[p]!, value, remove);
            } catch {
              // the path went away with an earlier swap
            }
          }
          const input = Buffer.from(JSON.stringify(d));
          await parsesOrBadInput(format, input);
          await detectedAndParsed(input);
        }),
        { numRuns: runs },
      );
    });
  }

  it("detection: random text and bytes never crash it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)), fc.array(fc.constantFrom(...TOKENS)).map((t) => Buffer.from(t.join("")))), detectedAndParsed),
      { numRuns: runs },
    );
  });

  it("an Aegis slot asking for gigabytes of scrypt is refused at once", async () => {
    const doc = SAMPLES.filter(([f]) => f === "aegis").map(([, b]) => JSON.parse(b.toString())).find((d) => Array.isArray(d.header.slots));
    Object.assign(doc.header.slots[0], { n: 2 ** 20, r: 32, p: 16 });
    const t0 = Date.now();
    await expect(parsesOrBadInput("aegis", Buffer.from(JSON.stringify(doc)))).resolves.toBeUndefined();
    await expect((async () => IMPORT_FORMATS.aegis.parse(Buffer.from(JSON.stringify(doc)), { password: PASSWORD }))()).rejects.toThrow(/more scrypt work/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
