// Both bundles start from the V8 code caches the build made for them; a cache made for another build, or
// one this V8 refuses, is ignored and the CLI works the same. Runs copies of bin/ and dist/.
import { execa } from "execa";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsWorld, baseEnv, oathtoolTotp, SEEDS, type World } from "../helpers/world.js";

const ROOT = resolve(import.meta.dirname, "../..");
let w: World;

beforeAll(async () => {
  w = await awsWorld();
});
afterAll(() => w.cleanup());

/** A copy of the installed CLI (bin/, dist/, node_modules linked) that a test may damage. */
function installCopy(name: string): string {
  const dir = join(w.dir, name);
  mkdirSync(dir);
  cpSync(join(ROOT, "bin"), join(dir, "bin"), { recursive: true });
  cpSync(join(ROOT, "dist"), join(dir, "dist"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/**
 * Runs the CLI with the copy's bin required in-process, and reports what V8 said of each bundle's cache:
 * false (used), true (refused), undefined (none offered).
 */
async function runWithCacheReport(dir: string, args: string[]): Promise<{ out: string; lean: string; cli: string; exitCode: number }> {
  const bin = join(dir, "bin/mfavault.js");
  const probe =
    `process.argv.splice(1, 0, ${JSON.stringify(bin)}); const s = require(${JSON.stringify(bin)}); ` +
    `process.on("exit", () => process.stderr.write("lean:" + s["mfavault.cjs"].cachedDataRejected + " cli:" + (s["cli.cjs"] ? s["cli.cjs"].cachedDataRejected : "unloaded")));`;
  const r = await execa("node", ["-e", probe, ...args], {
    env: { ...baseEnv(w.home), MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile },
    extendEnv: false,
    reject: false,
  });
  const err = String(r.stderr);
  return { out: String(r.stdout).trim(), lean: /lean:(\w+)/.exec(err)?.[1] ?? "?", cli: /cli:(\w+)/.exec(err)?.[1] ?? "?", exitCode: r.exitCode ?? 1 };
}

async function codeWithCacheReport(dir: string): Promise<{ code: string; cache: string; exitCode: number }> {
  const r = await runWithCacheReport(dir, ["code", "acme/aws"]);
  expect(r.cli).toBe("unloaded");
  return { code: r.out, cache: r.lean, exitCode: r.exitCode };
}

describe("the code caches of the bundles", () => {
  it("are made by the build for these bundles, and V8 takes them", async () => {
    for (const bundle of ["mfavault.cjs", "cli.cjs"]) {
      const cache = readFileSync(join(ROOT, `dist/${bundle}.cache`));
      const firstLine = readFileSync(join(ROOT, `dist/${bundle}`), "utf8").split("\n")[0]!;
      expect(firstLine).toMatch(/^\/\/ mfavault build [0-9a-f]{64}$/);
      expect(cache.toString("latin1", 0, 64)).toBe(firstLine.slice(-64));
    }
    const r = await codeWithCacheReport(ROOT);
    expect(r.exitCode).toBe(0);
    expect(r.cache).toBe("false");
    expect(r.code).toMatch(/^\d{6}$/);
    // Every other command runs the full CLI, from its own cache.
    const list = await runWithCacheReport(ROOT, ["list", "acme", "--json"]);
    expect(list.exitCode).toBe(0);
    expect([list.lean, list.cli]).toEqual(["false", "false"]);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ path: "acme/aws" })]);
  });

  it("is ignored when made for another build, and the code is still right", async () => {
    const dir = installCopy("other-build");
    const bundle = join(dir, "dist/mfavault.cjs");
    // Same length, another build id: V8's own check (the source length) would not notice.
    const text = readFileSync(bundle, "utf8");
    const flipped = text.replace(/^(\/\/ mfavault build )(.)/, (_, p, c) => p + (c === "0" ? "1" : "0"));
    expect(flipped.length).toBe(text.length);
    writeFileSync(bundle, flipped);
    const at = new Date();
    const r = await codeWithCacheReport(dir);
    expect(r.exitCode).toBe(0);
    expect(r.cache).toBe("undefined");
    const expected = [oathtoolTotp(SEEDS.aws, at.toISOString()), oathtoolTotp(SEEDS.aws, new Date(at.getTime() + 30_000).toISOString())];
    expect(expected).toContain(r.code);
  });

  it("is refused by V8 when damaged, and the CLI works without it", async () => {
    const dir = installCopy("damaged-cache");
    const cacheFile = join(dir, "dist/mfavault.cjs.cache");
    const cache = readFileSync(cacheFile);
    cache.fill(0x5a, 64, 200);
    writeFileSync(cacheFile, cache);
    const r = await codeWithCacheReport(dir);
    expect(r.exitCode).toBe(0);
    expect(r.cache).toBe("true");
    expect(r.code).toMatch(/^\d{6}$/);
  });

  it("is not needed at all: a build without caches compiles from source", async () => {
    const dir = installCopy("no-cache");
    writeFileSync(join(dir, "dist/mfavault.cjs.cache"), "");
    writeFileSync(join(dir, "dist/cli.cjs.cache"), "");
    const r = await codeWithCacheReport(dir);
    expect(r.exitCode).toBe(0);
    expect(r.cache).toBe("undefined");
    expect(r.code).toMatch(/^\d{6}$/);
    const list = await runWithCacheReport(dir, ["list", "acme", "--json"]);
    expect(list.exitCode).toBe(0);
    expect(list.cli).toBe("undefined");
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ path: "acme/aws" })]);
  });
});
