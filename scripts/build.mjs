// Bundles the CLI into two CommonJS files: a lean entry that serves `mfavault code` without loading
// commander, prompts or typage, and the full command set, required only when something else is asked.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minify: process.env.MFAVAULT_BUILD_DEBUG !== "1",
  legalComments: "none",
  logLevel: "warning",
  // A native addon: resolved from node_modules at run time, never bundled.
  // Heavy or interactive parts stay in node_modules and load on first use (dynamic import), so the
  // code path never parses them; the native keyring addon cannot be bundled at all.
  external: ["@napi-rs/keyring", "age-encryption", "@inquirer/prompts", "clipboardy", "jsqr", "pngjs", "jpeg-js"],
  define: { "import.meta.url": "__import_meta_url" },
  banner: { js: "var __import_meta_url=require('url').pathToFileURL(__filename).href;" },
};
await Promise.all([
  build({ ...common, entryPoints: ["src/main.ts"], outfile: "dist/mfavault.cjs" }),
  build({ ...common, entryPoints: ["src/cli.ts"], outfile: "dist/cli.cjs" }),
]);
// Each bundle's first line names its build (the SHA-256 of the rest), so bin/mfavault.js can tell a code
// cache made for these bytes from a stale one without hashing the bundle on every start.
for (const file of ["dist/mfavault.cjs", "dist/cli.cjs"]) {
  const text = readFileSync(file, "utf8");
  writeFileSync(file, `// mfavault build ${createHash("sha256").update(text).digest("hex")}\n${text}`);
}
// The V8 code caches of both bundles, made by running `mfavault code` and `mfavault list` once (see
// code-cache.cjs).
spawnSync(process.execPath, [new URL("./code-cache.cjs", import.meta.url).pathname], { stdio: "inherit" });
