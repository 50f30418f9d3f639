// Writing commands killed with SIGKILL at random moments, many times: `add`, `import`, `revoke --all`,
// `rekey --all` and `code` (its audit line and fast commit). Kills land at random delays and, to hit the
// narrow windows, the moment a journal, a staged file, a git lock or an audit append appears. After every
// kill: no half-written file; the next command says what it found and finishes or rolls back; then a clean
// `git status`, consistent vaults (no orphan), an unbroken audit chain, a clean `git fsck`, and the
// repository exactly as before the killed command or exactly as after it.
// MFAVAULT_CRASH_RUNS sets the kills per command (default 4); the access suite has its own revoke test,
// stale-git-locks.test.ts the git lock files such a kill leaves.
import { execa, execaSync } from "execa";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRepo } from "../../scripts/bench/synthetic.js";
import { parseHeader, readAgeFile } from "../../src/crypto/age-header.js";
import { ageDecrypt, baseEnv, BIN, makeWorld, SEEDS, type World } from "../helpers/world.js";

const ROUNDS = Number(process.env.MFAVAULT_CRASH_RUNS ?? 4);
const VAULTS = 16;
const EDITED = 6;

let w: World;
/** The repository to restore before each kill: plain, or with recipients files edited by hand (for rekey). */
const snapshots: Record<"plain" | "edited", { dir: string; base: string }> = { plain: { dir: "", base: "" }, edited: { dir: "", base: "" } };
let snapshot: string;
let base: string;
let vaults: string[];
let entries: string[];
let importFile: string;

beforeAll(async () => {
  w = makeWorld();
  const keyFiles: Record<string, string> = {};
  for (const n of ["alice", "bob", "carol"]) keyFiles[n] = w.engineer(n).keyFile;
  const repo = await generateRepo({ dir: w.repo, engineers: ["alice", "bob", "carol"], keyFiles, vaults: VAULTS, entries: 3, scopes: true, auditLines: 30, gitEnv: baseEnv(w.home) });
  vaults = repo.vaults;
  entries = repo.entries;
  snapshots.plain = { dir: join(w.dir, "snapshot-plain"), base: w.git(["rev-parse", "HEAD"]) };
  cpSync(w.repo, snapshots.plain.dir, { recursive: true });
  // The last vaults' recipients files edited by hand (carol taken out): what `rekey --all` applies.
  for (const v of vaults.slice(-EDITED)) {
    const file = join(w.repo, "clients", v, "recipients");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^carol\n/m, ""));
  }
  w.git(["commit", "-qam", "take carol out of the last vaults"]);
  snapshots.edited = { dir: join(w.dir, "snapshot-edited"), base: w.git(["rev-parse", "HEAD"]) };
  cpSync(w.repo, snapshots.edited.dir, { recursive: true });
  importFile = join(w.dir, "import.csv");
  writeFileSync(importFile, `name,secret,issuer\n${Array.from({ length: 40 }, (_, i) => `imp-${i},${i % 2 ? SEEDS.github : SEEDS.long},Imported ${i}`).join("\n")}\n`);
});
afterAll(() => w.cleanup());

function restore() {
  rmSync(w.repo, { recursive: true, force: true });
  cpSync(snapshot, w.repo, { recursive: true });
}

const env = () => ({ ...baseEnv(w.home), MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile });
// Its own process group, so that the git children a killed run leaves behind can be waited for.
const run = (args: string[], input = "") => execa("node", [BIN, ...args], { env: env(), extendEnv: false, input, reject: false, cwd: w.dir, detached: true });
const gitDir = (...p: string[]) => join(w.repo, ".git", ...p);
const lockFiles = () => ["index.lock", "HEAD.lock", "refs/heads/main.lock", "mfavault.lock"].filter((f) => existsSync(gitDir(f)));

interface Scenario {
  name: string;
  snapshot?: "edited";
  args: string[];
  input?: string;
  /** Where the kill may be aimed, besides a random delay: files appearing in .git, or the audit append. */
  triggers: string[];
}

const SCENARIOS: Scenario[] = [
  { name: "add", args: ["add", "client-0000/new", "--secret-stdin"], input: SEEDS.github, triggers: ["mfavault-tx", "mfavault-journal.json", "index.lock", "audit"] },
  { name: "import", args: ["import", "client-0000", "IMPORT"], triggers: ["mfavault-tx", "mfavault-journal.json", "index.lock", "audit"] },
  { name: "revoke --all", args: ["revoke", "bob", "--all"], triggers: ["mfavault-tx", "mfavault-journal.json", "index.lock", "audit"] },
  { name: "rekey --all", snapshot: "edited", args: ["rekey", "--all"], triggers: ["mfavault-tx", "mfavault-journal.json", "index.lock", "audit"] },
  { name: "code", args: ["code", "ENTRY"], triggers: ["audit", "index.lock", "main.lock"] },
];

/** Waits until every process of a group has exited (the killed run's git children finish on their own). */
async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await sleep(10);
  }
  throw new Error(`processes of group ${pgid} still running after 5 s`);
}

/**
 * Starts the command and kills it (SIGKILL, mfavault only, as the OOM killer or a closed laptop lid would):
 * after `delay` ms, or the moment `trigger` shows up, whichever is first. Returns once its children are done.
 */
async function runAndKill(args: string[], input: string, delay: number, trigger: string | null): Promise<void> {
  const child = run(args, input);
  const watchers: FSWatcher[] = [];
  const kill = () => child.kill("SIGKILL");
  if (trigger) {
    const fire = (name: string | null) => {
      if (name && name.startsWith(trigger === "audit" ? "20" : trigger)) kill();
    };
    const dir = trigger === "audit" ? join(w.repo, "audit/alice") : trigger === "main.lock" ? gitDir("refs/heads") : gitDir();
    watchers.push(watch(dir, (_e, name) => fire(name)));
  }
  const timer = setTimeout(kill, delay);
  await child;
  clearTimeout(timer);
  for (const x of watchers) x.close();
  await groupGone(child.pid!);
}

/** Every file in the work tree is whole: parses as what it is. Audit files may end in one cut-off line. */
function filesAreWhole(): void {
  const walk = (rel: string): string[] =>
    readdirSync(join(w.repo, rel), { withFileTypes: true }).flatMap((d) => (d.name === ".git" ? [] : d.isDirectory() ? walk(join(rel, d.name)) : [join(rel, d.name)]));
  for (const f of walk("")) {
    const text = readFileSync(join(w.repo, f));
    expect(f, "a temp file was left in the work tree").not.toMatch(/\.tmp$/);
    if (f.endsWith("vault.age")) expect(() => parseHeader(readAgeFile(text)), f).not.toThrow();
    else if (f.endsWith(".json")) expect(() => JSON.parse(text.toString()), f).not.toThrow();
    else if (f.endsWith(".jsonl")) {
      const lines = text.toString().split("\n");
      lines.pop(); // "" after the last newline, or an unfinished line a killed append left (recovered later)
      for (const l of lines) expect(() => JSON.parse(l), `${f}: a complete line that is not JSON`).not.toThrow();
    }
  }
}

/** Every vault's three files agree: the manifest describes vault.age, and recipients lists its readers (but in `edited`). */
function vaultsConsistent(edited: string[]): void {
  for (const v of vaults) {
    const dir = join(w.repo, "clients", v);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    const age = readFileSync(join(dir, "vault.age"));
    expect(manifest.sha256, `${v}: manifest and vault.age disagree`).toBe(createHash("sha256").update(age).digest("hex"));
    expect(parseHeader(readAgeFile(age)).stanzas.length, `${v}: stanzas`).toBe(manifest.recipients.length);
    const declared = readFileSync(join(dir, "recipients"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    if (edited.includes(v)) continue;
    expect(declared, `${v}: recipients and manifest disagree`).toEqual(manifest.recipients.map((r: { name: string }) => r.name));
  }
}

/** Code reads of an entry recorded in the audit trail at a commit. */
function readsOf(entry: string, rev: string): number {
  const r = execaSync("git", ["grep", "-c", `"target":"${entry}"`, rev, "--", "audit"], { cwd: w.repo, reject: false });
  return String(r.stdout).split("\n").filter(Boolean).reduce((n, l) => n + Number(l.split(":").pop()), 0);
}

const commitsSinceBase = () => w.git(["log", "--format=%s", `${base}..HEAD`]).split("\n").filter(Boolean);

describe("writing commands killed at random moments", () => {
  for (const sc of SCENARIOS) {
    it(`${sc.name}: every kill leaves the repository recoverable, and as before or as after`, { timeout: 300_000 }, async () => {
      ({ dir: snapshot, base } = snapshots[sc.snapshot ?? "plain"]);
      const args = sc.args.map((a) => (a === "IMPORT" ? importFile : a === "ENTRY" ? entries[0]! : a));
      // One uninterrupted run: how long it takes, and the commit it makes.
      restore();
      const t0 = performance.now();
      const full = await run(args, sc.input);
      const total = performance.now() - t0;
      expect(full.exitCode, full.stderr).toBe(0);
      const subject = commitsSinceBase()[0]!;
      const seen = { before: 0, after: 0, staged: 0, journal: 0, locks: 0, unfinishedLine: 0 };

      for (let round = 0; round < ROUNDS; round++) {
        restore();
        // Alternate: a random delay over the whole run, and a kill aimed at one of the write windows.
        const trigger = round % 2 === 1 ? sc.triggers[Math.floor(round / 2) % sc.triggers.length]! : null;
        const delay = trigger ? total * 2 : 30 + Math.random() * total;
        await runAndKill(args, sc.input ?? "", delay, trigger);
        const how = `${sc.name}, round ${round}, killed ${trigger ? `when ${trigger} appeared` : `after ${delay.toFixed(0)} ms`}`;

        // What the kill left, before anything recovers it.
        filesAreWhole();
        const journal = existsSync(gitDir("mfavault-journal.json"));
        const staged = !journal && existsSync(gitDir("mfavault-tx")) && readdirSync(gitDir("mfavault-tx")).length > 0;
        const locks = lockFiles().filter((f) => f !== "mfavault.lock");
        const auditText = readdirSync(join(w.repo, "audit/alice")).map((f) => readFileSync(join(w.repo, "audit/alice", f), "utf8")).join("");
        const unfinished = auditText !== "" && !auditText.endsWith("\n");
        Object.assign(seen, { journal: seen.journal + +journal, staged: seen.staged + +staged, locks: seen.locks + +(locks.length > 0), unfinishedLine: seen.unfinishedLine + +unfinished });

        // The next command (a code read: it takes the lock, recovers, appends and commits) says what it found.
        const next = await run(["code", entries[3]!]);
        expect(next.exitCode, `${how}: ${next.stderr}`).toBe(0);
        expect(next.stdout).toMatch(/^\d{6}\n?$/);
        if (journal) expect(next.stderr, how).toMatch(/mfavault: note: finished an interrupted change: /);
        if (staged) expect(next.stderr, how).toMatch(/mfavault: note: discarded the staged files of a change that was interrupted/);
        for (const l of locks) expect(next.stderr, how).toContain(`.git/${l}`);
        if (unfinished) expect(next.stderr, how).toMatch(/removed the unfinished last line of .*audit\/alice/);

        // Then: clean, consistent, verifiable, and exactly before or after.
        expect(w.git(["status", "--porcelain", "--untracked-files=all"]), how).toBe("");
        expect(existsSync(gitDir("mfavault-journal.json")), how).toBe(false);
        expect(existsSync(gitDir("mfavault-tx")) && readdirSync(gitDir("mfavault-tx")).length > 0, how).toBe(false);
        expect(lockFiles(), how).toEqual([]);
        filesAreWhole();
        vaultsConsistent(sc.snapshot === "edited" && !commitsSinceBase().includes(subject) ? vaults.slice(-EDITED) : []);
        const verify = await run(["audit", "verify"]);
        expect(verify.exitCode, `${how}: ${verify.stdout}${verify.stderr}`).toBe(0);
        const fsck = await execa("git", ["fsck", "--no-progress", "--no-dangling"], { cwd: w.repo, reject: false });
        expect(fsck.exitCode, `${how}: ${fsck.stdout}${fsck.stderr}`).toBe(0);
        expect(fsck.stdout + fsck.stderr, how).not.toMatch(/error|missing|broken|corrupt/i);

        const commits = commitsSinceBase();
        expect(commits[0], how).toBe(`audit: alice code ${entries[3]}`);
        const applied = commits.includes(subject);
        seen[applied ? "after" : "before"]++;
        if (sc.name === "code") {
          // The killed read's line is either absent or on disk and committed; at most one of it.
          expect(readsOf(entries[0]!, "HEAD") - readsOf(entries[0]!, base), how).toBeLessThanOrEqual(1);
        } else {
          expect(commits.filter((c) => c === subject).length, how).toBe(applied ? 1 : 0);
          expect(commits.length, how).toBe(applied ? 2 : 1);
          expect(stateAfter(sc.name), `${how}: the files say ${applied ? "before" : "after"} but the commits say otherwise`).toBe(applied);
        }
      }
      // Where the kills landed, for long runs (MFAVAULT_CRASH_RUNS) to show what they covered.
      if (process.env.MFAVAULT_CRASH_RUNS) console.log(`${sc.name}: ${JSON.stringify(seen)}`);
      expect(seen.before + seen.after, JSON.stringify(seen)).toBe(ROUNDS);
    });
  }
});

/** Whether the repository holds the killed command's change, judged from the files alone. */
function stateAfter(name: string): boolean {
  const names = (v: string) => JSON.parse(readFileSync(join(w.repo, "clients", v, "manifest.json"), "utf8")).recipients.map((r: { name: string }) => r.name);
  if (name === "add") return "new" in JSON.parse(ageDecrypt(w, "alice", "clients/client-0000/vault.age")!).entries;
  if (name === "import") return "imp-0" in JSON.parse(ageDecrypt(w, "alice", "clients/client-0000/vault.age")!).entries;
  if (name === "revoke --all") {
    const withBob = vaults.filter((v) => names(v).includes("bob")).length;
    expect([0, VAULTS], "a mix of revoked and not").toContain(withBob);
    return withBob === 0;
  }
  const withCarol = vaults.slice(-EDITED).filter((v) => names(v).includes("carol")).length;
  expect([0, EDITED], "a mix of re-keyed and not").toContain(withCarol);
  return withCarol === 0;
}
