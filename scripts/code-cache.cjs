// Part of the build: makes dist/mfavault.cjs.cache and dist/cli.cjs.cache, the V8 code caches that
// bin/mfavault.js compiles the two bundles with. On a throw-away vault with synthetic data it runs
// `mfavault code` (the lean bundle) and `mfavault list` (the full CLI) once each, in a fresh node, then
// saves what V8 compiled: the bundle's top level and every function that run called.
// The caches only save time; when anything here fails, the build goes on without them.
"use strict";
const { execFileSync } = require("node:child_process");
const { mkdtempSync, rmSync, writeFileSync, readFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const bin = resolve(__dirname, "../bin/mfavault.js");
const dist = resolve(__dirname, "../dist");

if (process.argv[2] === "--train") {
  // One training run: `--train <bundle> <mfavault args…>`, in a node with no extra flags (V8 refuses a
  // cache made under other flags).
  const [bundle, ...args] = process.argv.slice(3);
  process.argv = [process.argv[0], bin, ...args];
  const scripts = require(bin);
  process.on("exit", () => {
    const file = join(dist, bundle);
    const build = /^\/\/ mfavault build ([0-9a-f]{64})\n/.exec(readFileSync(file, "utf8").slice(0, 100));
    if (!build || !scripts[bundle]) throw new Error(`${bundle}: no build line, or it did not run`);
    writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(build[1], "latin1"), scripts[bundle].createCachedData()]));
  });
  return;
}

const dir = mkdtempSync(join(tmpdir(), "mfavault-code-cache-"));
try {
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "mfavault build",
    GIT_AUTHOR_EMAIL: "build@mfavault.invalid",
    GIT_COMMITTER_NAME: "mfavault build",
    GIT_COMMITTER_EMAIL: "build@mfavault.invalid",
    MFAVAULT_IDENTITY_FILE: join(dir, "trainer.key"),
    MFAVAULT_DIR: join(dir, "vault"),
  };
  const run = (args, input = "") => execFileSync(process.execPath, args, { env, input, stdio: ["pipe", "pipe", "pipe"] });
  run([bin, "identity", "new", "--out", env.MFAVAULT_IDENTITY_FILE, "--name", "trainer"]);
  run([bin, "init", env.MFAVAULT_DIR, "--name", "trainer"]);
  run([bin, "client", "add", "demo"]);
  // A synthetic seed (RFC 4226's test key), never a real one.
  run([bin, "add", "demo/aws", "--secret-stdin"], "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  run([__filename, "--train", "mfavault.cjs", "code", "demo/aws"]);
  run([__filename, "--train", "cli.cjs", "list", "demo"]);
} catch (e) {
  process.stderr.write(`mfavault build: no V8 code cache (${String(e.stderr || e.message).trim().split("\n")[0]}); the CLI starts a few ms slower\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
