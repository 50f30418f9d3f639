// Loads the synthetic repository generator (synthetic.ts, which uses src/ directly) by bundling it with
// esbuild on first use, so plain-JS bench scripts can call generateRepo(options). Also a command:
//   node scripts/bench/synthetic.mjs DIR [--engineers 4] [--vaults 1000] [--entries 25] [--scopes] [--audit-lines 0]
import { build } from "esbuild";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = import.meta.dirname;
let loaded;

/** The bundled module; built into node_modules/.cache so its bare imports resolve from this project. */
export async function loadSynthetic() {
  if (loaded) return loaded;
  const outdir = join(here, "../../node_modules/.cache/mfavault-bench");
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `synthetic-${process.pid}.mjs`);
  await build({
    entryPoints: [join(here, "synthetic.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    external: ["age-encryption", "@inquirer/prompts", "@napi-rs/keyring", "clipboardy"],
  });
  try {
    loaded = await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
  return loaded;
}

/** See SyntheticOptions in synthetic.ts. */
export async function generateRepo(options) {
  return (await loadSynthetic()).generateRepo(options);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      engineers: { type: "string", default: "4" },
      vaults: { type: "string", default: "10" },
      entries: { type: "string", default: "25" },
      scopes: { type: "boolean", default: false },
      "audit-lines": { type: "string", default: "0" },
    },
  });
  if (positionals.length !== 1) {
    process.stderr.write("usage: node scripts/bench/synthetic.mjs DIR [--engineers N] [--vaults N] [--entries N] [--scopes] [--audit-lines N]\n");
    process.exit(2);
  }
  const t0 = performance.now();
  const repo = await generateRepo({
    dir: resolve(positionals[0]),
    engineers: Number(values.engineers),
    vaults: Number(values.vaults),
    entries: Number(values.entries),
    scopes: values.scopes,
    auditLines: Number(values["audit-lines"]),
  });
  process.stdout.write(`${repo.root}: ${repo.vaults.length} vaults, ${repo.entries.length} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  for (const e of repo.engineers) process.stdout.write(`  ${e.name}: MFAVAULT_IDENTITY_FILE=${e.keyFile}\n`);
}
