// Hostile exports never crash an importer: every format in src/formats either parses (entries whose
// parameters hold, problems that name a place) or throws a bad-input error (exit 5); never a TypeError,
// a RangeError or a hang, and no message quotes a seed. Inputs are random bytes, byte-level edits of the
// real fixtures, and structural edits of their JSON (values swapped for others of any type).
// Short runs by default; MFAVAULT_FUZZ_RUNS=20000 for a long run.
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOtpParams } from "../../src/core/entry.js";
import { isMfaError } from "../../src/core/errors.js";
import { detectFormat } from "../../src/formats/detect.js";
import type { ImportResult } from "../../src/formats/imported.js";
import { IMPORT_FORMATS, type ImportFormat } from "../../src/formats/registry.js";
import { applyEdits, edit, exportSamples, isJsonSample, jsonSwaps, PASSWORD, seedsIn, TOKENS } from "../helpers/hostile-exports.js";

const runs = Math.max(1, Math.floor(Number(process.env.MFAVAULT_FUZZ_RUNS ?? 2000) / 8));
const scratch = mkdtempSync(join(tmpdir(), "mfavault-fuzz-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const SAMPLES = exportSamples(scratch);
const SEEDS = seedsIn(SAMPLES);

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

const jsonSamples = SAMPLES.filter(([, b]) => isJsonSample(b));

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
    it(`${format} JSON sample ${i}: any value swapped for another of any type parses or fails with a bad-input error`, async () => {
      await fc.assert(
        fc.asyncProperty(jsonSwaps(sample), async (input) => {
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
