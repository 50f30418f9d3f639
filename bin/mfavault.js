#!/usr/bin/env node
// CommonJS on purpose: the ESM loader costs ~4 ms on every start, and `mfavault code` runs on every login.
// The bundle is compiled with the V8 code cache the build made for it (dist/mfavault.cjs.cache: the
// bundle's build id, then V8's data), which spares ~3 ms of parsing and compiling on every start.
// A cache made for another build, or refused by this V8, is ignored: the bundle then compiles as usual.
"use strict";
const { readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join } = require("node:path");
const { Script } = require("node:vm");

const dist = join(__dirname, "..", "dist");
const file = join(dist, "mfavault.cjs");
const source = readFileSync(file, "utf8");
// The first line is "// mfavault build <SHA-256 of the rest>" (scripts/build.mjs); the cache starts with it.
const build = /^\/\/ mfavault build ([0-9a-f]{64})\n/.exec(source.slice(0, 100));
let cachedData;
try {
  const cache = readFileSync(`${file}.cache`);
  if (build && cache.length > 64 && cache.toString("latin1", 0, 64) === build[1]) cachedData = cache.subarray(64);
} catch {
  // no cache (a build without one, or an unreadable file): compile from source
}
const script = new Script(`(function (exports, require, module, __filename, __dirname, __mfavaultImport) {${source}\n})`, { filename: file, cachedData });
// For the build's training run (scripts/code-cache.cjs), which saves what V8 compiled.
module.exports = script;
const bundle = { exports: {} };
// A script run from a code cache loses its import() hook in Node 20, so the bundle imports the packages it
// leaves out (age-encryption, the keyring, prompts) through this function (src/load-external.ts).
const importHere = (specifier) => import(specifier);
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, dist, importHere);
