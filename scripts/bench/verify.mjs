// `mfavault verify` of 1,000 vaults and 100,000 audit lines: target ≤ 10 s. The repository is written
// directly by the real format code (src/, bundled by esbuild for this run), not by 1,000 CLI runs.
// Run as a script (`node scripts/bench/verify.mjs DIR`) it only builds that repository; the bench calls
// it that way so the section stays synchronous like the others.
// A stop-gap fixture builder: the shared synthetic generator (scripts/bench/synthetic.*) will replace it.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BIN, benchEnv, cleanup, tempDir, timeCommand } from "./lib.mjs";

const VAULTS = 1000;
const AUDIT_LINES = 100_000;
const ENGINEERS = 20;
const TARGET_MS = 10_000;
const ROOT = resolve(import.meta.dirname, "../..");

/** The src/ functions the fixture needs, bundled to one ES module. */
async function loadSource(dir) {
  const { build } = await import("esbuild");
  const outfile = join(dir, "source.mjs");
  const contents = `
export { auditFileFor, buildAuditLine, EMPTY_CHAIN, hashLine } from "./src/core/audit-line.ts";
export { serializeCard } from "./src/core/card.ts";
export { serializeManifest, signManifest } from "./src/core/manifest.ts";
export { serializeRecipientsFile } from "./src/core/recipients-file.ts";
export { newRepoConfig, serializeRepoConfig } from "./src/core/repo-config.ts";
export { serializeVaultDoc } from "./src/core/vault-doc.ts";
export { encodeBase32 } from "./src/core/base32.ts";
export { encryptToRecipients, stanzaTypes } from "./src/crypto/age-file.ts";
export { deriveSigningKey, encodeX25519Identity, parseIdentity } from "./src/crypto/keys.ts";
export { cardPath, manifestFile, recipientsFile, vaultFile } from "./src/repo/layout.ts";
`;
  await build({ stdin: { contents, resolveDir: ROOT, loader: "ts" }, bundle: true, platform: "node", format: "esm", outfile, logLevel: "warning", external: ["age-encryption"] });
  return import(pathToFileURL(outfile).href);
}

async function buildFixture(dir) {
  const s = await loadSource(dir);
  const repo = join(dir, "vault");
  const put = (path, content) => {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  };
  put("mfavault.json", s.serializeRepoConfig(s.newRepoConfig()));
  const created = "2025-01-01T00:00:00Z";
  const people = [];
  for (let i = 0; i < ENGINEERS; i++) {
    const identity = s.parseIdentity(s.encodeX25519Identity(randomBytes(32)));
    const key = s.deriveSigningKey(identity);
    const card = { name: `eng${String(i).padStart(2, "0")}`, recipient: identity.recipient, signingKey: key.publicKey, status: "active", created };
    put(s.cardPath(card.name), s.serializeCard(card));
    people.push({ card, key });
  }
  for (let v = 0; v < VAULTS; v++) {
    // Every tenth vault is a scope inside the client before it, as `client add acme/prod` makes.
    const vault = v % 10 === 9 ? `client${String(v - 1).padStart(4, "0")}/prod` : `client${String(v).padStart(4, "0")}`;
    const readers = [0, 1, 2].map((k) => people[(v * 7 + k * 3) % ENGINEERS]).sort((a, b) => a.card.name.localeCompare(b.card.name));
    const entries = {};
    for (let e = 0; e < 5; e++) {
      entries[`svc${e}`] = { type: "totp", secret: s.encodeBase32(randomBytes(20)), algorithm: "SHA1", digits: 6, period: 30, issuer: `Service ${e}`, account: "ops", notes: "", created, updated: created };
    }
    const armored = await s.encryptToRecipients(Buffer.from(s.serializeVaultDoc({ version: 1, vault, entries })), readers.map((r) => r.card.recipient));
    const manifest = s.signManifest(
      {
        version: 1,
        vault,
        recipients: readers.map((r) => ({ name: r.card.name, recipient: r.card.recipient })),
        stanzas: s.stanzaTypes(Buffer.from(armored)).length,
        sha256: createHash("sha256").update(armored).digest("hex"),
        writer: readers[0].card.name,
        written: created,
      },
      readers[0].key,
    );
    put(s.recipientsFile(vault), s.serializeRecipientsFile(vault, readers.map((r) => r.card.name)));
    put(s.vaultFile(vault), armored);
    put(s.manifestFile(vault), s.serializeManifest(manifest));
  }
  // Audit: each engineer's own chain, spread over twelve month files.
  const perEngineer = AUDIT_LINES / ENGINEERS;
  for (const p of people) {
    let head = s.EMPTY_CHAIN;
    const files = new Map();
    for (let i = 0; i < perEngineer; i++) {
      const now = new Date(Date.UTC(2025, Math.floor((i * 12) / perEngineer), 1) + i * 1000);
      const { line, text } = s.buildAuditLine({ action: "code", target: `client${String(i % VAULTS).padStart(4, "0")}/svc${i % 5}` }, { engineer: p.card.name, host: "bench", now, head }, p.key);
      head = { seq: line.seq, hash: s.hashLine(text) };
      const file = s.auditFileFor(p.card.name, now);
      if (!files.has(file)) files.set(file, []);
      files.get(file).push(text);
    }
    for (const [file, lines] of files) put(file, `${lines.join("\n")}\n`);
  }
  const env = benchEnv();
  execFileSync("git", ["init", "-q", "--initial-branch=main"], { cwd: repo, env });
  execFileSync("git", ["add", "-A"], { cwd: repo, env });
  execFileSync("git", ["commit", "-q", "-m", "synthetic repository for the verify bench"], { cwd: repo, env });
  return repo;
}

export function benchVerify({ runs }) {
  const dir = tempDir("verify");
  try {
    const t0 = Date.now();
    const built = spawnSync(process.execPath, [import.meta.filename, dir], { env: benchEnv(), encoding: "utf8" });
    if (built.status !== 0) throw new Error(`building the verify fixture failed: ${built.stderr}`);
    const repo = join(dir, "vault");
    const env = benchEnv({ HOME: dir, MFAVAULT_DIR: repo });
    delete env.MFAVAULT_IDENTITY;
    delete env.MFAVAULT_IDENTITY_FILE;
    const n = Math.max(3, Math.min(runs, 5));
    const summary = JSON.parse(execFileSync(process.execPath, [BIN, "verify", "--json"], { env, encoding: "utf8", stdio: "pipe" })).summary;
    const lines = [`fixture: ${summary.vaults} vaults, ${summary.teamCards} engineers, ${AUDIT_LINES} audit lines, ${summary.filesScanned} tracked files (built in ${((Date.now() - t0) / 1000).toFixed(1)} s); audit trail ${summary.auditTrail}`];
    const junit = `exec "$0" "$1" verify --format junit > ${JSON.stringify(join(dir, "junit.xml"))}`; // > 1 MB: past a pipe's buffer
    for (const [label, cmd, args] of [
      ["mfavault verify", process.execPath, [BIN, "verify"]],
      ["mfavault verify --format junit > file", "sh", ["-c", junit, process.execPath, BIN]],
    ]) {
      const ms = timeCommand(cmd, args, { env, runs: n, warmup: 1 })[Math.floor(n / 2)];
      lines.push(`${`${label} (p50 of ${n})`.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms  ${ms <= TARGET_MS ? "ok" : "OVER"} (target ≤ ${TARGET_MS / 1000} s)`);
    }
    return { lines };
  } finally {
    cleanup(dir);
  }
}

if (process.argv[1] === import.meta.filename && process.argv[2]) await buildFixture(process.argv[2]);
