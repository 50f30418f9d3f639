// `mfavault code` with a big audit trail against the same command in a small repo, in one run:
// 1,000,000 audit lines (then also 1,000 vaults) must cost ≤ 1.1 × the small repo (appending reads only
// the tail of the newest month file). Also: the cost of forwarding each line to syslog over UDP.
//
// The big trail is written directly (seconds, not hours): 20 engineers × 24 months, each engineer's
// lines a real chain (seq and prev = SHA-256 of the line before), the acting engineer's chain ending in
// this month's file so `code` appends to a file of ~17 MB. Signatures are random bytes, NOT valid:
// `audit verify` would reject them; only the timing of `code` is measured here. The 1,000 vaults are
// copies of one vault's files under other names (never opened by `code acme/aws`).
import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { BIN, benchEnv, cleanup, makeIdentity, mfavault, row, settle, tempDir, timeInTurns } from "./lib.mjs";

const ENGINEERS = 20;
const MONTHS = 24;
const LINES = 1_000_000;
const VAULTS = 1_000;
const SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

export function makeRepo(dir, name, env) {
  const vault = join(dir, name);
  mfavault(["init", vault, "--name", "alice"], { env });
  mfavault(["client", "add", "acme"], { env: { ...env, MFAVAULT_DIR: vault } });
  mfavault(["add", "acme/aws", "--secret-stdin", "--issuer", "AWS"], { env: { ...env, MFAVAULT_DIR: vault }, input: SEED });
  return vault;
}

/** The first instant of the month `back` months before now's, as a Date. */
function monthStart(now, back) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
}

/** Writes one engineer's chain over MONTHS month files, the last one this month; returns bytes written. */
function writeChain(root, engineer, count, now) {
  const sigs = Array.from({ length: 16 }, () => randomBytes(64).toString("base64"));
  let seq = 0;
  let prev = "0".repeat(64);
  let bytes = 0;
  const dir = join(root, "audit", engineer);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let back = MONTHS - 1; back >= 0; back--) {
    const start = monthStart(now, back).getTime();
    const end = back === 0 ? now.getTime() - 60_000 : monthStart(now, back - 1).getTime();
    const n = Math.floor(count / MONTHS) + (back < count % MONTHS ? 1 : 0);
    const out = [];
    for (let i = 0; i < n; i++) {
      seq++;
      const ts = new Date(start + Math.floor(((end - start) * i) / n)).toISOString();
      const line = `{"action":"code","engineer":"${engineer}","host":"bench-host","prev":"${prev}","seq":${seq},"sig":"${sigs[seq % 16]}","target":"v${String(seq % VAULTS).padStart(4, "0")}/aws","ts":"${ts}","v":1}`;
      prev = createHash("sha256").update(line).digest("hex");
      out.push(line);
    }
    const text = `${out.join("\n")}\n`;
    bytes += text.length;
    writeFileSync(join(dir, `${new Date(start).toISOString().slice(0, 7)}.jsonl`), text);
  }
  return bytes;
}

function gitIn(vault, env) {
  // Fast compression for this one-time bulk commit only; the timed commands use the repo's defaults.
  return (args) =>
    execFileSync("git", ["-c", "core.looseCompression=1", "-c", "pack.compression=1", ...args], { cwd: vault, env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30 });
}

/**
 * Commits a bulk change the way a long-lived repository holds it: packed (as git gc --auto leaves it)
 * and on disk. Otherwise the timed reads would find hundreds of MB of loose objects (the first read
 * would start git's own gc over them) and dirty pages still being written back.
 */
function commitPacked(git, message) {
  git(["add", "-A"]);
  git(["commit", "-q", "-m", message]);
  git(["repack", "-a", "-d", "-q", "--window=0"]);
  settle();
}

export function buildBigTrail(vault, env) {
  const t0 = Date.now();
  const now = new Date();
  let bytes = 0;
  for (let e = 0; e < ENGINEERS; e++) bytes += writeChain(vault, e === 0 ? "alice" : `eng${String(e).padStart(2, "0")}`, LINES / ENGINEERS, now);
  commitPacked(gitIn(vault, env), "bench: 1,000,000 audit lines");
  return { seconds: (Date.now() - t0) / 1000, megabytes: bytes / 1e6 };
}

export function addVaults(vault, env) {
  for (let v = 0; v < VAULTS; v++) cpSync(join(vault, "clients/acme"), join(vault, `clients/v${String(v).padStart(4, "0")}`), { recursive: true });
  commitPacked(gitIn(vault, env), "bench: 1,000 vaults");
}

function fileKb(vault) {
  const dir = join(vault, "audit/alice");
  const newest = readdirSync(dir).sort().at(-1);
  return Math.round(statSync(join(dir, newest)).size / 1024);
}

export function benchAudit({ runs }) {
  const dir = tempDir("audit");
  try {
    const env = benchEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, ".config") });
    const { key } = makeIdentity(dir, "alice", env);
    const as = { ...env, MFAVAULT_IDENTITY_FILE: key };
    const small = makeRepo(dir, "small", as);
    const big = makeRepo(dir, "big", as);
    const withSyslog = makeRepo(dir, "syslog", as);
    const built = buildBigTrail(big, env);
    const config = JSON.parse(readFileSync(join(withSyslog, "mfavault.json"), "utf8"));
    // UDP to the discard port: the datagram is sent whether or not anything listens, as in production.
    writeFileSync(join(withSyslog, "mfavault.json"), JSON.stringify({ ...config, audit: { syslog: "udp://127.0.0.1:9" } }, null, 2));
    execFileSync("git", ["commit", "-q", "-m", "syslog", "mfavault.json"], { cwd: withSyslog, env });
    settle();

    const code = (vault, ...flags) => ({ cmd: process.execPath, args: [BIN, "code", "acme/aws", ...flags], env: { ...as, MFAVAULT_DIR: vault } });
    const [smallMs, bigMs, syslogMs, smallLineMs, bigLineMs] = timeInTurns(
      [code(small), code(big), code(withSyslog), code(small, "--no-commit"), code(big, "--no-commit")],
      { runs },
    );
    addVaults(big, env);
    const [smallMs2, vaultsMs] = timeInTurns([code(small), code(big)], { runs });
    const lines = [
      `(big repo: ${LINES.toLocaleString("en")} lines, ${built.megabytes.toFixed(0)} MB, ${ENGINEERS} engineers × ${MONTHS} months, this month's file ${fileKb(big)} KB; built in ${built.seconds.toFixed(1)} s; signatures not valid)`,
      row("mfavault code acme/aws, small repo (baseline)", smallMs),
      row("… with 1,000,000 audit lines", bigMs, smallMs, 1.1),
      row("… small repo, each line also sent to syslog (UDP)", syslogMs, smallMs),
      row("mfavault code --no-commit (the line, no git), small repo", smallLineMs),
      row("… with 1,000,000 audit lines", bigLineMs, smallLineMs),
      row("mfavault code acme/aws, small repo (baseline, again)", smallMs2),
      row("… with 1,000 vaults + 1,000,000 audit lines", vaultsMs, smallMs2, 1.1),
    ];
    return { lines };
  } finally {
    cleanup(dir);
  }
}
