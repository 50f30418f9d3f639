#!/usr/bin/env node
// CommonJS on purpose: the ESM loader costs ~4 ms on every start, and `mfavault code` runs on every login.
// Both bundles (dist/mfavault.cjs, the lean `code` path; dist/cli.cjs, every other command) are compiled
// with the V8 code cache the build made for them (dist/<bundle>.cache: the bundle's build id, then V8's
// data), which spares their parsing and compiling on every start (~3 ms and ~8 ms). A cache made for
// another build, or refused by this V8, is ignored: the bundle then compiles as usual.
"use strict";
const { readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join } = require("node:path");
const { Script } = require("node:vm");

const dist = join(__dirname, "..", "dist");
// The compiled bundles by name, for the build's training runs (scripts/code-cache.cjs).
const scripts = {};
module.exports = scripts;

// A script run from a code cache loses its import() hook in Node 20, so the bundles import the packages
// they leave out (age-encryption, the keyring, prompts) through this function (src/load-external.ts).
const importHere = (specifier) => import(specifier);

/** Runs dist/<name> (CommonJS) from its code cache when it has a valid one; returns its exports. */
function loadBundle(name) {
  const file = join(dist, name);
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
  const wrapper = "(function (exports, require, module, __filename, __dirname, __mfavaultImport, __mfavaultLoad) {";
  const script = new Script(`${wrapper}${source}\n})`, { filename: file, cachedData });
  scripts[name] = script;
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dist, importHere, loadBundle);
  return mod.exports;
}

loadBundle("mfavault.cjs");
