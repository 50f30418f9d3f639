// Shared bench helpers: timing whole commands (p50 of N runs after warm-ups) and a synthetic world.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BIN = resolve(import.meta.dirname, "../../bin/mfavault.js");

/** The environment every timed command runs in: no CA bundle (it adds ~150 ms to each Node start). */
export function benchEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  env.GIT_AUTHOR_NAME ??= "bench";
  env.GIT_AUTHOR_EMAIL ??= "bench@mfavault.invalid";
  env.GIT_COMMITTER_NAME ??= "bench";
  env.GIT_COMMITTER_EMAIL ??= "bench@mfavault.invalid";
  return env;
}

export function have(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** Runs a command `runs` times (after `warmup`), returns the sorted wall times in ms. */
export function timeCommand(cmd, args, { env, input, runs = 30, warmup = 5, cwd } = {}) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, input, cwd, stdio: ["pipe", "pipe", "pipe"] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
    if (i >= warmup) times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

export const p50 = (times) => times[Math.floor(times.length / 2)];

/**
 * Flushes the setup's writes to disk before timing: a repository made a moment ago still has dirty
 * pages in flight, and every timed `code` (which fdatasyncs its audit line) would wait behind them.
 */
export function settle() {
  spawnSync("sync");
}

/**
 * p50 of each command ({ cmd, args, env, input }), timed in turns (A, B, C, A, B, C, ...) so that a slow
 * spell of the machine hits a command and its baseline alike: ratios stay honest on a noisy host.
 */
export function timeInTurns(commands, { runs, warmup = 5 }) {
  const times = commands.map(() => []);
  for (let i = 0; i < warmup + runs; i++) {
    commands.forEach(({ cmd, args, env, input }, k) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { env, input, stdio: ["pipe", "pipe", "pipe"] });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
      if (i >= warmup) times[k].push(ms);
    });
  }
  return times.map((t) => p50(t.sort((a, b) => a - b)));
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `mfavault-bench-${prefix}-`));
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export function mfavault(args, { env, input = "" } = {}) {
  return execFileSync(process.execPath, [BIN, ...args], { env, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

/** A fresh engineer identity file made with the CLI itself (mode 0600). */
export function makeIdentity(dir, name, env) {
  const key = join(dir, `${name}.key`);
  const card = mfavault(["identity", "new", "--out", key, "--name", name], { env });
  chmodSync(key, 0o600);
  const cardFile = join(dir, `${name}.json`);
  writeFileSync(cardFile, card);
  return { key, cardFile };
}

export function row(label, ms, baseline, target) {
  const ratio = baseline ? ms / baseline : null;
  const verdict = target === undefined || ratio === null ? "" : ratio <= target ? `  ok (target ≤ ${target}×)` : `  OVER target ${target}×`;
  return `${label.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms${ratio === null ? "" : `  ${ratio.toFixed(2)}×`}${verdict}`;
}

/**
 * A fresh vault repository in `dir` with alice (identity from a file) as its first engineer: `env` for
 * baselines, `as` for running mfavault as alice.
 */
export function aliceRepo(dir) {
  const env = benchEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, ".config") });
  const { key } = makeIdentity(dir, "alice", env);
  const vault = join(dir, "vault");
  const as = { ...env, MFAVAULT_IDENTITY_FILE: key, MFAVAULT_DIR: vault };
  mfavault(["init", vault, "--name", "alice"], { env: as });
  return { env, as, key, vault };
}
