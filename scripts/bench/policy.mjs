// What the MSP policy costs, in one run: `code` of a vault that requires a ticket (--ticket, on the fast
// path) against `code` of a plain vault, runs interleaved so the machine's drift hits both (target ≤ 1.1×);
// a break-glass opening (a vault write with the line); and `status` / `status --report html` over a
// synthetic repository of 1,000 vaults × 25 entries with 100,000 audit lines.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BIN, cleanup, mfavault, p50, row, tempDir, timeCommand, aliceRepo } from "./lib.mjs";
import { generateRepo } from "./synthetic.mjs";

const SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/** Sorted wall times of two commands, run alternately (after warm-ups). */
function interleaved(a, b, { env, runs, warmup = 5 }) {
  const times = [[], []];
  for (let i = 0; i < warmup + runs; i++) {
    for (const [k, args] of [a, b].entries()) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { env, stdio: ["pipe", "pipe", "pipe"] });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
      if (i >= warmup) times[k].push(ms);
    }
  }
  return times.map((t) => t.sort((x, y) => x - y));
}

export async function benchPolicy({ runs }) {
  const dir = tempDir("policy");
  try {
    const { env, as } = aliceRepo(dir);
    mfavault(["client", "add", "acme"], { env: as });
    mfavault(["client", "add", "tix", "--require-ticket"], { env: as });
    mfavault(["client", "add", "bg", "--sealed"], { env: as });
    for (const v of ["acme", "tix", "bg"]) mfavault(["add", `${v}/aws`, "--secret-stdin"], { env: as, input: SEED });
    const lines = [];
    const [plainTimes, ticketTimes] = interleaved([BIN, "code", "acme/aws", "--no-commit"], [BIN, "code", "tix/aws", "--no-commit", "--ticket", "INC-1"], { env: as, runs });
    const plain = p50(plainTimes);
    lines.push(row("code acme/aws --no-commit (plain vault)", plain));
    lines.push(row("code tix/aws --no-commit --ticket INC-1", p50(ticketTimes), plain, 1.1));
    const glass = p50(timeCommand(process.execPath, [BIN, "code", "bg/aws", "--break-glass", "--reason", "bench"], { env: as, runs: Math.min(runs, 10) }));
    lines.push(row("code bg/aws --break-glass (vault write + commit)", glass, plain));

    const big = await generateRepo({ dir: join(dir, "big"), engineers: 4, vaults: 1000, entries: 25, auditLines: 100_000, keyDir: join(dir, "keys") });
    const bigEnv = { ...env, MFAVAULT_IDENTITY_FILE: big.engineers[0].keyFile, MFAVAULT_DIR: big.root };
    const n = Math.max(3, Math.min(runs, 5));
    const status = p50(timeCommand(process.execPath, [BIN, "status", "--json"], { env: bigEnv, runs: n, warmup: 1 }));
    lines.push(row("status --json (1,000 vaults × 25, 100,000 lines)", status));
    const report = p50(timeCommand(process.execPath, [BIN, "status", "--report", "html", "--since", "30d"], { env: bigEnv, runs: n, warmup: 1 }));
    lines.push(row("status --report html (same repository)", report));
    return { lines };
  } finally {
    cleanup(dir);
  }
}
