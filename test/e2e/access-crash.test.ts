// `revoke --all` killed with SIGKILL at varying moments: the repository is always either as before or as
// after (never a mix), clean once the next command has run, and re-running the revoke finishes the job.
import { execa } from "execa";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRepo } from "../../scripts/bench/synthetic.js";
import { ageDecrypt, baseEnv, BIN, makeWorld, type World } from "../helpers/world.js";

const VAULTS = 120;
const ENTRIES = 4;

let w: World;
let snapshot: string;
let baseHead: string;
beforeAll(async () => {
  w = makeWorld();
  const keyFiles: Record<string, string> = {};
  for (const n of ["alice", "bob", "carol"]) keyFiles[n] = w.engineer(n).keyFile;
  await generateRepo({ dir: w.repo, engineers: ["alice", "bob", "carol"], keyFiles, vaults: VAULTS, entries: ENTRIES, scopes: true, gitEnv: baseEnv(w.home) });
  snapshot = join(w.dir, "snapshot");
  cpSync(w.repo, snapshot, { recursive: true });
  baseHead = w.git(["rev-parse", "HEAD"]);
});
afterAll(() => w.cleanup());

function restore() {
  rmSync(w.repo, { recursive: true, force: true });
  cpSync(snapshot, w.repo, { recursive: true });
}

const journal = () => join(w.repo, ".git/mfavault-journal.json");
const txDir = () => join(w.repo, ".git/mfavault-tx");

/** A killed mfavault may leave a git child finishing on its own: wait until it has let go of the index. */
async function gitSettled() {
  for (let quiet = 0, i = 0; quiet < 3 && i < 200; i++) {
    quiet = existsSync(join(w.repo, ".git/index.lock")) ? 0 : quiet + 1;
    await sleep(25);
  }
}

type Phase = "before" | "staged" | "journal" | "after";

function phase(): Phase {
  if (existsSync(journal())) return "journal";
  if (existsSync(txDir()) && readdirSync(txDir()).length > 0) return "staged";
  return w.git(["rev-parse", "HEAD"]) === baseHead ? "before" : "after";
}

function runAlice(args: string[]) {
  return execa("node", [BIN, ...args], {
    env: { ...baseEnv(w.home), MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile },
    extendEnv: false,
    reject: false,
    cwd: w.dir,
  });
}

/** Every vault's files agree with each other; returns how many vaults bob is still a reader of. */
function vaultsReadableByBob(vaults: string[]): number {
  let withBob = 0;
  for (const v of vaults) {
    const dir = join(w.repo, "clients", v);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.sha256, `${v}: manifest and vault.age disagree`).toBe(createHash("sha256").update(readFileSync(join(dir, "vault.age"))).digest("hex"));
    const names = manifest.recipients.map((r: { name: string }) => r.name);
    const declared = readFileSync(join(dir, "recipients"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    expect(declared, `${v}: recipients and manifest disagree`).toEqual(names);
    if (names.includes("bob")) withBob++;
  }
  return withBob;
}

describe("revoke --all killed partway", () => {
  it("leaves the repository as before or as after, and a re-run completes", { timeout: 240_000 }, async () => {
    const vaults = readdirSync(join(w.repo, "clients")).flatMap((c) => [c, ...(existsSync(join(w.repo, "clients", c, "prod")) ? [`${c}/prod`] : [])]);
    expect(vaults).toHaveLength(VAULTS);

    // How long an uninterrupted run takes here, to aim the kills inside it.
    restore();
    const t0 = performance.now();
    const full = await runAlice(["revoke", "bob", "--all"]);
    const total = performance.now() - t0;
    expect(full.exitCode, full.stderr).toBe(0);

    const seen: Record<Phase, number> = { before: 0, staged: 0, journal: 0, after: 0 };
    let lo = 0;
    let hi = total;
    for (let round = 0; round < 14 && seen.staged + seen.journal < 3; round++) {
      restore();
      // Bisect towards the write window until a kill lands in it, then spread kills across what is left.
      const delay = seen.staged + seen.journal === 0 ? (lo + hi) / 2 : lo + Math.random() * (hi - lo);
      const child = runAlice(["revoke", "bob", "--all"]);
      await sleep(delay);
      child.kill("SIGKILL");
      await child;
      await gitSettled();
      const p = phase();
      seen[p]++;
      if (p === "before") lo = delay;
      if (p === "after") hi = delay;

      // The next command finishes or discards the interrupted change before it reads anything.
      const status = await runAlice(["status", "--json"]);
      expect(status.exitCode, status.stderr).toBe(0);
      if (p === "journal") expect(status.stderr).toMatch(/finished an interrupted change: revoke bob --all/);
      expect(existsSync(journal())).toBe(false);
      expect(w.git(["status", "--porcelain", "--untracked-files=all"])).toBe("");
      const withBob = vaultsReadableByBob(vaults);
      expect([0, VAULTS], `a mix after a kill in phase ${p}`).toContain(withBob);
      const commits = w.git(["log", "--format=%s", `${baseHead}..HEAD`]);
      expect(commits).toBe(withBob === 0 ? `revoke bob --all (${VAULTS} vaults)` : "");
      const due = JSON.parse(status.stdout).rotationDue as unknown[];
      expect(due).toHaveLength(withBob === 0 ? VAULTS * ENTRIES : 0);

      // Re-running the same command finishes the job, in one commit overall.
      const again = await runAlice(["revoke", "bob", "--all"]);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(vaultsReadableByBob(vaults)).toBe(0);
      expect(w.git(["log", "--format=%s", `${baseHead}..HEAD`])).toBe(`revoke bob --all (${VAULTS} vaults)`);
      expect(w.git(["status", "--porcelain", "--untracked-files=all"])).toBe("");
    }
    // The point of the test: some kills must have landed inside the change itself.
    expect(seen.staged + seen.journal, JSON.stringify(seen)).toBeGreaterThan(0);
    for (const v of [vaults[0]!, vaults[VAULTS - 1]!]) {
      expect(ageDecrypt(w, "bob", `clients/${v}/vault.age`)).toBeNull();
      expect(ageDecrypt(w, "alice", `clients/${v}/vault.age`)).toContain(`"vault": "${v}"`);
    }
  });
});
