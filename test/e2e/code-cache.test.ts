// The lean bundle starts from the V8 code cache the build made for it; a cache made for another build,
// or one this V8 refuses, is ignored and the CLI works the same. Runs copies of bin/ and dist/.
import { execa } from "execa";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, oathtoolTotp, SEEDS, teamWorld, type World } from "../helpers/world.js";

const ROOT = resolve(import.meta.dirname, "../..");
let w: World;

beforeAll(async () => {
  w = await teamWorld(["alice"]);
  expect((await w.run("alice", ["client", "add", "acme"])).exitCode).toBe(0);
  expect((await w.run("alice", ["add", "acme/aws", "--secret-stdin"], { input: SEEDS.aws })).exitCode).toBe(0);
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
 * Runs `code acme/aws` with the copy's bin required in-process, and reports what V8 said of the cache:
 * false (used), true (refused), undefined (none offered).
 */
async function codeWithCacheReport(dir: string): Promise<{ code: string; cache: string; exitCode: number }> {
  const bin = join(dir, "bin/mfavault.js");
  const probe = `process.argv.splice(1, 0, ${JSON.stringify(bin)}); const s = require(${JSON.stringify(bin)}); process.on("exit", () => process.stderr.write("cache:" + s.cachedDataRejected));`;
  const r = await execa("node", ["-e", probe, "code", "acme/aws"], {
    env: { ...baseEnv(w.home), MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile },
    extendEnv: false,
    reject: false,
  });
  return { code: String(r.stdout).trim(), cache: /cache:(\w+)/.exec(String(r.stderr))?.[1] ?? "?", exitCode: r.exitCode ?? 1 };
}

describe("the code cache of the lean bundle", () => {
  it("is made by the build for this bundle, and V8 takes it", async () => {
    const cache = readFileSync(join(ROOT, "dist/mfavault.cjs.cache"));
    const firstLine = readFileSync(join(ROOT, "dist/mfavault.cjs"), "utf8").split("\n")[0]!;
    expect(firstLine).toMatch(/^\/\/ mfavault build [0-9a-f]{64}$/);
    expect(cache.toString("latin1", 0, 64)).toBe(firstLine.slice(-64));
    const r = await codeWithCacheReport(ROOT);
    expect(r.exitCode).toBe(0);
    expect(r.cache).toBe("false");
    expect(r.code).toMatch(/^\d{6}$/);
  });

  it("is ignored when it was made for another build, and the code is still right", async () => {
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

  it("is not needed at all: a build without one compiles from source", async () => {
    const dir = installCopy("no-cache");
    writeFileSync(join(dir, "dist/mfavault.cjs.cache"), "");
    const r = await codeWithCacheReport(dir);
    expect(r.exitCode).toBe(0);
    expect(r.cache).toBe("undefined");
    expect(r.code).toMatch(/^\d{6}$/);
  });
});
