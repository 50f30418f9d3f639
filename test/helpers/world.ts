// A throw-away world for end-to-end tests: a temp HOME, engineers with real age-keygen identities, and
// the built CLI run with execa. No mocks: real git, real age, real files.
import { execa, execaSync } from "execa";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BIN = resolve(import.meta.dirname, "../../bin/mfavault.js");

export interface Engineer {
  name: string;
  keyFile: string;
  recipient: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface World {
  dir: string;
  home: string;
  repo: string;
  engineers: Map<string, Engineer>;
  /** Makes an engineer with a fresh `age-keygen` identity (mode 0600). */
  engineer(name: string): Engineer;
  /** Runs the CLI as an engineer (identity from MFAVAULT_IDENTITY_FILE), never rejecting. */
  run(as: string | null, args: string[], opts?: { input?: string; env?: Record<string, string | undefined>; cwd?: string }): Promise<RunResult>;
  /** Runs git in the vault repo (with `input` on its stdin). */
  git(args: string[], input?: string): string;
  cleanup(): void;
}

export function baseEnv(home: string): Record<string, string | undefined> {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    PATH: process.env.PATH,
    LANG: "C.UTF-8",
    TMPDIR: process.env.TMPDIR,
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.invalid",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.invalid",
    GIT_CONFIG_NOSYSTEM: "1",
  };
}

export function makeWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), "mfavault-test-"));
  const home = join(dir, "home");
  execaSync("mkdir", ["-p", home]);
  const engineers = new Map<string, Engineer>();
  const world: World = {
    dir,
    home,
    repo: join(dir, "vault"),
    engineers,
    engineer(name) {
      const keyFile = join(dir, `${name}.key`);
      execaSync("age-keygen", ["-o", keyFile]);
      chmodSync(keyFile, 0o600);
      const recipient = String(execaSync("age-keygen", ["-y", keyFile]).stdout).trim();
      const e = { name, keyFile, recipient };
      engineers.set(name, e);
      return e;
    },
    async run(as, args, opts = {}) {
      const env: Record<string, string | undefined> = { ...baseEnv(home), MFAVAULT_DIR: world.repo, ...opts.env };
      if (as) env.MFAVAULT_IDENTITY_FILE = engineers.get(as)!.keyFile;
      const r = await execa("node", [BIN, ...args], { env, extendEnv: false, input: opts.input ?? "", reject: false, cwd: opts.cwd ?? dir });
      return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    git(args, input) {
      return String(execaSync("git", args, { cwd: world.repo, env: { ...baseEnv(home) }, extendEnv: false, input }).stdout);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** A repo with alice (who ran init) and the given other engineers added to the team. */
export async function teamWorld(names: string[] = ["alice", "bob"]): Promise<World> {
  const w = makeWorld();
  for (const n of names) w.engineer(n);
  const [first, ...rest] = names;
  const init = await w.run(first!, ["init", w.repo, "--name", first!]);
  if (init.exitCode !== 0) throw new Error(`init failed: ${init.stderr}`);
  for (const n of rest) {
    const card = await w.run(n, ["identity", "card", "--name", n]);
    const cardFile = join(w.dir, `${n}.json`);
    writeFileSync(cardFile, card.stdout);
    const add = await w.run(first!, ["team", "add", cardFile]);
    if (add.exitCode !== 0) throw new Error(`team add ${n} failed: ${add.stderr}`);
  }
  return w;
}

/** The smallest working world: alice's repo with vault acme holding one entry, acme/aws (SEEDS.aws). */
export async function awsWorld(): Promise<World> {
  const w = await teamWorld(["alice"]);
  for (const [args, input] of [[["client", "add", "acme"], ""], [["add", "acme/aws", "--secret-stdin"], SEEDS.aws]] as const) {
    const r = await w.run("alice", [...args], { input });
    if (r.exitCode !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  }
  return w;
}

/** Decrypts a vault file with the real age CLI; returns null when that key cannot open it. */
export function ageDecrypt(w: World, who: string, file: string): string | null {
  const r = execaSync("age", ["-d", "-i", w.engineers.get(who)!.keyFile, join(w.repo, file)], { reject: false });
  return r.exitCode === 0 ? String(r.stdout) : null;
}

/** The TOTP code oathtool computes for a base32 seed at a given instant. */
export function oathtoolTotp(seed: string, at: string, opts: { digits?: number; period?: number; algorithm?: string } = {}): string {
  const args = ["--totp" + (opts.algorithm ? `=${opts.algorithm}` : ""), "-b", `--now=${at}`];
  if (opts.digits) args.push(`--digits=${opts.digits}`);
  if (opts.period) args.push(`--time-step-size=${opts.period}s`);
  return String(execaSync("oathtool", [...args, "-"], { input: seed }).stdout).trim();
}

export function readRepoFile(w: World, path: string): string {
  return readFileSync(join(w.repo, path), "utf8");
}

/** Synthetic seeds for tests: random-looking but invented here, never anyone's real secret. */
export const SEEDS = {
  aws: "JBSWY3DPEHPK3PXP",
  github: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
  long: "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ",
} as const;
