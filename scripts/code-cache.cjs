// Part of the build: makes dist/mfavault.cjs.cache, the V8 code cache bin/mfavault.js compiles the lean
// bundle with. It runs `mfavault code` once on a throw-away vault with synthetic data, in this process,
// then saves what V8 compiled: the bundle's top level and every function the code path called.
// The cache only saves time; when anything here fails, the build goes on without it.
"use strict";
const { execFileSync } = require("node:child_process");
const { mkdtempSync, rmSync, writeFileSync, readFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const bin = resolve(__dirname, "../bin/mfavault.js");
const bundle = resolve(__dirname, "../dist/mfavault.cjs");

if (process.argv[2] === "--train") {
  // The training run proper, in a fresh node with no extra flags (V8 refuses a cache made under others).
  process.argv = [process.argv[0], bin, "code", "demo/aws"];
  const script = require(bin);
  process.on("exit", () => {
    const build = /^\/\/ mfavault build ([0-9a-f]{64})\n/.exec(readFileSync(bundle, "utf8").slice(0, 100));
    if (!build) throw new Error("dist/mfavault.cjs has no build line");
    writeFileSync(`${bundle}.cache`, Buffer.concat([Buffer.from(build[1], "latin1"), script.createCachedData()]));
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
  run([__filename, "--train"]);
} catch (e) {
  process.stderr.write(`mfavault build: no V8 code cache for the code path (${String(e.stderr || e.message).trim().split("\n")[0]}); \`mfavault code\` starts ~3 ms slower\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
