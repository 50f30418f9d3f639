// `revoke <engineer> --all` over a synthetic repository of 1,000 vaults × 25 entries (DESIGN.md: ≤ 5 s and
// one commit). The repository is generated in this run (its time is reported too) and reset between runs.
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { BIN, benchEnv, cleanup, p50, tempDir } from "./lib.mjs";
import { generateRepo } from "./synthetic.mjs";

const TARGET_MS = 5000;

export async function benchRevoke({ vaults = 1000, entries = 25, runs = Number(process.env.BENCH_REVOKE_RUNS ?? 3) } = {}) {
  const dir = tempDir("revoke");
  try {
    const env = benchEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, ".config") });
    const g0 = performance.now();
    const repo = await generateRepo({ dir: join(dir, "vault"), engineers: 4, vaults, entries, gitEnv: env });
    const generated = performance.now() - g0;
    const git = (args) => execFileSync("git", args, { cwd: repo.root, env, encoding: "utf8", maxBuffer: 64 << 20 }).trim();
    const base = git(["rev-parse", "HEAD"]);
    const as = { ...env, MFAVAULT_DIR: repo.root, MFAVAULT_IDENTITY_FILE: repo.engineers[0].keyFile };
    const times = [];
    let commits = 0;
    let changed = 0;
    for (let i = 0; i < runs; i++) {
      git(["reset", "--quiet", "--hard", base]);
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [BIN, "revoke", "bob", "--all"], { env: as, stdio: ["ignore", "ignore", "pipe"] });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`revoke bob --all failed: ${r.stderr}`);
      commits = Number(git(["rev-list", "--count", `${base}..HEAD`]));
      changed = git(["diff", "--name-only", base, "HEAD"]).split("\n").length;
    }
    times.sort((a, b) => a - b);
    const ms = p50(times);
    const ok = ms <= TARGET_MS && commits === 1;
    const label = (s) => s.padEnd(52);
    return {
      ms,
      commits,
      lines: [
        `${label(`generate ${vaults} vaults × ${entries} entries (synthetic)`)} ${generated.toFixed(0).padStart(8)} ms`,
        `${label(`revoke bob --all (${vaults} vaults, p50 of ${runs})`)} ${ms.toFixed(0).padStart(8)} ms  ${commits} commit, ${changed} files  ${ok ? "ok" : "OVER"} (target ≤ ${TARGET_MS} ms, 1 commit)`,
        `${label("  runs, fastest first (a shared machine spreads them)")} ${times.map((t) => t.toFixed(0)).join(", ")} ms`,
      ],
    };
  } finally {
    cleanup(dir);
  }
}
