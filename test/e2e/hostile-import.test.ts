// Hostile files through the real CLI: `mfavault import` of hundreds of broken exports (random bytes, edited
// fixtures, JSON with values of the wrong type) either imports them whole or refuses with exit 5, and a
// refusal never prints a stack trace or a seed and never changes the repository. Huge, endless and odd
// inputs are refused quickly. MFAVAULT_FUZZ_RUNS scales the count (a tenth of it: 200 by default).
import { execa } from "execa";
import fc from "fast-check";
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSamples, hostileExport, PASSWORD, seedsIn } from "../helpers/hostile-exports.js";
import { awsWorld, baseEnv, BIN, SEEDS, type World } from "../helpers/world.js";

const RUNS = Math.max(20, Math.floor(Number(process.env.MFAVAULT_FUZZ_RUNS ?? 2000) / 10));

let w: World;
let base: string;
let passwordFile: string;
beforeAll(async () => {
  w = await awsWorld();
  base = w.git(["rev-parse", "HEAD"]);
  passwordFile = join(w.dir, "pw.txt");
  writeFileSync(passwordFile, `${PASSWORD}\n`);
});
afterAll(() => w.cleanup());

/** HEAD's commit, read from the ref file (no process per file); packed refs fall back to git. */
const head = () => {
  try {
    return readFileSync(join(w.repo, ".git/refs/heads/main"), "utf8").trim();
  } catch {
    return w.git(["rev-parse", "HEAD"]);
  }
};
const clean = () => expect(w.git(["status", "--porcelain", "--untracked-files=all"])).toBe("");

function noLeak(r: { stdout: string; stderr: string }, seeds: string[]): void {
  expect(r.stderr).not.toMatch(/\n\s+at |unexpected error|TypeError|RangeError/);
  expect(r.stdout + r.stderr).not.toContain("\u001b");
  for (const seed of seeds) expect(r.stdout + r.stderr, "a seed was echoed").not.toContain(seed);
}

describe("import of hostile files through the CLI", () => {
  it(`${RUNS} hostile files: imported whole, or refused with exit 5 leaving the repository unchanged`, { timeout: 600_000 }, async () => {
    const samples = exportSamples(w.dir);
    const seeds = [...seedsIn(samples), ...Object.values(SEEDS)];
    const seed = Number(process.env.MFAVAULT_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const files = fc.sample(hostileExport(samples), { numRuns: RUNS, seed });
    const outcome = { imported: 0, refused: 0 };
    const dir = join(w.dir, "hostile");
    mkdirSync(dir);
    for (const [i, f] of files.entries()) {
      const file = join(dir, `export-${i}`);
      writeFileSync(file, f.bytes);
      const r = await w.run("alice", ["import", "acme", file, "--password-file", passwordFile]);
      const why = `file ${i} (${f.from}; MFAVAULT_FUZZ_SEED=${seed}): exit ${r.exitCode}\n${r.stderr}`;
      expect([0, 5], why).toContain(r.exitCode);
      noLeak(r, seeds);
      if (r.exitCode === 0) {
        // A whole import: one commit, a clean tree; then back to the start for the next file.
        outcome.imported++;
        expect(w.git(["log", "-1", "--format=%s"]), why).toMatch(/^import: \d+ entr(y|ies) into acme/);
        expect(w.git(["rev-list", "--count", `${base}..HEAD`]), why).toBe("1");
        clean();
        w.git(["reset", "-q", "--hard", base]);
      } else {
        outcome.refused++;
        expect(r.stderr, why).toMatch(/^mfavault: /m);
        expect(head(), why).toBe(base);
        if (i % 25 === 0) clean();
      }
    }
    clean();
    expect(outcome.refused, JSON.stringify(outcome)).toBeGreaterThan(RUNS / 2);
    const verify = await w.run(null, ["audit", "verify"]);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
  });

  it("refuses a huge (sparse) file from its size, at once", async () => {
    const huge = join(w.dir, "huge.csv");
    writeFileSync(huge, "name,secret\n");
    truncateSync(huge, 500 << 20);
    const t0 = Date.now();
    const r = await w.run("alice", ["import", "acme", huge]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/export file .*huge\.csv is 500\.0 MB, over the 32\.0 MB limit/);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(head()).toBe(base);
  });

  it("stops reading a device or a pipe that never ends at the limit", async () => {
    const zero = await w.run("alice", ["import", "acme", "/dev/zero"]);
    expect(zero.exitCode).toBe(5);
    expect(zero.stderr).toMatch(/export file \/dev\/zero is larger than the 32\.0 MB limit/);
    // stdin with more than the limit: refused, nothing written.
    const r = await execa("node", [BIN, "import", "acme", "-"], {
      env: { ...baseEnv(w.home), MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile },
      extendEnv: false,
      input: Buffer.alloc(40 << 20, "a"),
      reject: false,
    });
    expect(r.exitCode).toBe(5);
    expect(String(r.stderr)).toMatch(/the export on stdin is larger than the 32\.0 MB limit/);
    expect(head()).toBe(base);
    clean();
  });

  it("refuses a folder, a missing file, and names them", async () => {
    const folder = await w.run("alice", ["import", "acme", w.dir]);
    expect(folder.exitCode).toBe(5);
    expect(folder.stderr).toMatch(/is a directory, not a file/);
    const missing = await w.run("alice", ["import", "acme", join(w.dir, "nope.csv")]);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toMatch(/export file .*nope\.csv does not exist/);
  });

  it("an identity file imported by mistake is refused without printing the key", async () => {
    const key = w.engineers.get("alice")!.keyFile;
    const secret = readFileSync(key, "utf8").match(/AGE-SECRET-KEY-1[0-9A-Z]+/)![0];
    for (const format of [[], ["--format", "csv"], ["--format", "otpauth"], ["--format", "ente"], ["--format", "google"]]) {
      const r = await w.run("alice", ["import", "acme", key, ...format]);
      expect(r.exitCode).toBe(5);
      expect(r.stdout + r.stderr).not.toContain(secret);
      expect(r.stdout + r.stderr).not.toContain(secret.slice(16, 40));
    }
    expect(head()).toBe(base);
  });

  it("a password file that is huge or a device is refused, not read", async () => {
    const samples = exportSamples(w.dir);
    const encrypted = join(w.dir, "enc.json");
    writeFileSync(encrypted, samples.find(([f, b]) => f === "aegis" && b.includes('"slots": ['))![1]);
    const r = await w.run("alice", ["import", "acme", encrypted, "--password-file", "/dev/zero"]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/password file \/dev\/zero is larger than the 64 KB limit/);
    expect(head()).toBe(base);
  });
});
