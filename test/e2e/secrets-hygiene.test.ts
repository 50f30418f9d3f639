// Secrets hygiene over a whole team's day: init, team, clients, add (stdin and URI), import, code, show
// --reveal, export to a receiver's key, revoke, rotate, status and the audit commands, with distinctive
// synthetic seeds and identities. Afterwards everything the run wrote is scanned: the repository's work
// tree and .git, every git object, HOME, the run's TMPDIR, every captured stdout and stderr, and the argv
// and environment of every process mfavault started (git and sync run through logging shims). The seeds
// turn up only where they are the requested output (show --reveal, a plaintext export); the identities
// only in their own key files.
import { execaSync } from "execa";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBase32, encodeBase32 } from "../../src/core/base32.js";
import { makeWorld, type RunResult, type World } from "../helpers/world.js";

/** Fresh random 160-bit seeds for this run: nothing else can contain them by chance. */
const seed = () => encodeBase32(randomBytes(20));
const S = { add: seed(), uri: seed(), import1: seed(), import2: seed(), rotated: seed(), bobs: seed(), sealed: seed() };
const ALL_SEEDS = Object.values(S);

let w: World;
let tmp: string;
let shimLog: string;
const outputs: { args: string[]; r: RunResult; allowed: string[] }[] = [];

/** The forms a seed could leak in: base32 as given, lower case, and its raw key bytes (binary and hex). */
function forms(s: string): (string | Buffer)[] {
  const raw = decodeBase32(s);
  return [s, s.toLowerCase(), raw, raw.toString("hex"), raw.toString("base64").replace(/=+$/, "")];
}

function findIn(bytes: Buffer, needles: string[]): string[] {
  return needles.filter((n) => forms(n).some((f) => bytes.includes(f)));
}

function walk(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return [];
    return st.isDirectory() ? walk(p) : st.isFile() ? [p] : [];
  });
}

/** A PATH shim: logs argv and environment of every call, then runs the real program. */
function shim(dir: string, name: string): void {
  const real = execaSync("sh", ["-c", `command -v ${name}`]).stdout.trim();
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n{ printf 'argv: ${name}'; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\nenv:\\n'; env; printf '\\n'; } >> "$MFAVAULT_TEST_SHIM_LOG"\nexec ${real} "$@"\n`);
  chmodSync(file, 0o755);
}

let identities: Record<string, string>;

beforeAll(async () => {
  w = makeWorld();
  for (const n of ["alice", "bob", "carol"]) w.engineer(n);
  identities = Object.fromEntries([...w.engineers].map(([n, e]) => [n, readFileSync(e.keyFile, "utf8").match(/AGE-SECRET-KEY-1[0-9A-Z]+/)![0]]));
  tmp = join(w.dir, "tmp");
  mkdirSync(tmp);
  const shims = join(w.dir, "shims");
  mkdirSync(shims);
  shim(shims, "git");
  shim(shims, "sync");
  shimLog = join(w.dir, "shim.log");
  const input = join(w.dir, "input"); // the user's own files: what they import and hand in
  mkdirSync(input);

  const env = { TMPDIR: tmp, PATH: `${shims}:${process.env.PATH}`, MFAVAULT_TEST_SHIM_LOG: shimLog };
  /** Runs a step; `allowed` are the seeds this step's stdout is meant to show. */
  const step = async (who: string | null, args: string[], opts: { input?: string; allowed?: string[]; identityInEnv?: boolean; mayFail?: boolean } = {}) => {
    const extra: Record<string, string | undefined> = { ...env };
    if (opts.identityInEnv && who) extra.MFAVAULT_IDENTITY = identities[who];
    const r = await w.run(opts.identityInEnv ? null : who, args, { input: opts.input, env: extra });
    outputs.push({ args, r, allowed: opts.allowed ?? [] });
    if (!opts.mayFail) expect(r.exitCode, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r;
  };

  await step("alice", ["init", w.repo, "--name", "alice"]);
  execaSync("git", ["init", "-q", "--bare", join(w.dir, "remote.git")]);
  w.git(["remote", "add", "origin", join(w.dir, "remote.git")]);
  for (const n of ["bob", "carol"]) {
    const card = await step(n, ["identity", "card", "--name", n]);
    writeFileSync(join(input, `${n}.json`), card.stdout);
    await step("alice", ["team", "add", join(input, `${n}.json`)]);
  }
  await step("alice", ["client", "add", "acme", "--grant", "bob"]);
  await step("alice", ["client", "add", "acme/prod"]);
  await step("alice", ["add", "acme/aws", "--secret-stdin", "--issuer", "AWS"], { input: S.add });
  await step("alice", ["add", "acme/gh", "--uri-stdin"], { input: `otpauth://totp/GitHub:ops?secret=${S.uri}&issuer=GitHub` });
  writeFileSync(join(input, "seeds.csv"), `name,secret,issuer\nvpn,${S.import1},VPN\ndns,${S.import2},DNS\n`);
  await step("alice", ["import", "acme", join(input, "seeds.csv")]);
  // bob works from CI: his identity in MFAVAULT_IDENTITY, which no child process may inherit.
  await step("bob", ["add", "acme/bobs", "--secret-stdin"], { input: S.bobs, identityInEnv: true });
  await step("bob", ["code", "acme/aws"], { identityInEnv: true });
  await step("alice", ["code", "acme/aws"]);
  await step("alice", ["code", "acme/vpn", "--json"]);
  await step("alice", ["list", "--json"]);
  await step("alice", ["show", "acme/gh"]);
  await step("alice", ["show", "acme/aws", "--reveal"], { allowed: [S.add] });
  await step("alice", ["export", "acme", "--format", "aegis", "--to", w.engineers.get("carol")!.recipient, "--out", join(input, "handoff.age")]);
  await step("alice", ["export", "acme", "--format", "csv", "--to", w.engineers.get("carol")!.recipient]);
  await step("alice", ["export", "acme", "--format", "otpauth", "--plaintext"], { allowed: [S.add, S.uri, S.import1, S.import2, S.bobs] });
  await step("alice", ["revoke", "bob", "acme"]);
  await step("alice", ["rotate", "acme/aws", "--secret-stdin"], { input: S.rotated });
  await step("alice", ["status", "--json"]);
  await step("alice", ["audit", "log", "--json"]);
  await step("alice", ["audit", "export", "--format", "cef"]);
  await step("alice", ["audit", "verify"]);
  // Policy: a ticketed vault and a sealed (break-glass) one, read under their rules; the review report.
  await step("alice", ["client", "set", "acme/prod", "--sealed"]);
  await step("alice", ["add", "acme/prod/root", "--secret-stdin"], { input: S.sealed });
  await step("alice", ["code", "acme/prod/root", "--break-glass", "--reason", "owner locked out, INC-1"]);
  await step("alice", ["client", "set", "acme", "--require-ticket"]);
  await step("alice", ["code", "acme/gh", "--ticket", "INC-2"]);
  await step("alice", ["status", "--report", "html", "--out", join(input, "review.html")]);
  await step("alice", ["status", "--report", "json"]);
  await step("alice", ["team", "remove", "bob"]);
  // The daily team commands: sync (git push and pull), doctor, keyless verify, shell completion's names.
  await step("alice", ["sync"]);
  await step("carol", ["sync"], { identityInEnv: true });
  await step("alice", ["doctor", "--fix"], { mayFail: true });
  await step(null, ["verify"]);
  await step("alice", ["__complete", "code", ""]);
}, 120_000);
afterAll(() => w.cleanup());

describe("secrets hygiene of a whole run", () => {
  it("the walk really used the seeds: they decrypt from the vault and were shown where asked", () => {
    const plain = execaSync("age", ["-d", "-i", w.engineers.get("alice")!.keyFile, join(w.repo, "clients/acme/vault.age")]).stdout;
    for (const s of [S.rotated, S.uri, S.import1, S.import2, S.bobs]) expect(plain).toContain(s);
    expect(outputs.find((o) => o.args.includes("--reveal"))!.r.stdout).toContain(S.add);
  });

  it("no seed and no identity in any file of the work tree or of .git", () => {
    const files = walk(w.repo);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(findIn(bytes, ALL_SEEDS), f).toEqual([]);
      for (const id of Object.values(identities)) expect(bytes.includes(id), `${f} holds an identity`).toBe(false);
    }
  });

  it("no seed in any git object (every blob, tree and commit, uncompressed)", () => {
    const all = execaSync("git", ["cat-file", "--batch-all-objects", "--batch"], { cwd: w.repo, encoding: "buffer", maxBuffer: 1 << 30 }).stdout as Uint8Array;
    const bytes = Buffer.from(all);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(findIn(bytes, ALL_SEEDS)).toEqual([]);
    for (const id of Object.values(identities)) expect(bytes.includes(id)).toBe(false);
  });

  it("no seed in HOME, in the run's TMPDIR, or in the hand-off file; identities only in their key files", () => {
    for (const f of [...walk(w.home), ...walk(tmp), join(w.dir, "input/handoff.age"), join(w.dir, "input/review.html")]) {
      const bytes = readFileSync(f);
      expect(findIn(bytes, ALL_SEEDS), f).toEqual([]);
      for (const id of Object.values(identities)) expect(bytes.includes(id), `${f} holds an identity`).toBe(false);
    }
    // Nothing was left in TMPDIR at all.
    expect(walk(tmp)).toEqual([]);
  });

  it("no seed in any output except where it is the requested output; no identity in any output", () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const { args, r, allowed } of outputs) {
      const what = args.join(" ");
      expect(findIn(Buffer.from(r.stderr), ALL_SEEDS), `stderr of ${what}`).toEqual([]);
      expect(findIn(Buffer.from(r.stdout), ALL_SEEDS.filter((s) => !allowed.includes(s))), `stdout of ${what}`).toEqual([]);
      for (const id of Object.values(identities)) expect(r.stdout + r.stderr, what).not.toContain(id);
    }
  });

  it("no seed and no identity in the argv or environment of any process mfavault started", () => {
    const log = readFileSync(shimLog);
    const calls = log.toString().split("argv: ").length - 1;
    expect(calls).toBeGreaterThan(50);
    expect(log.toString()).toMatch(/argv: git \[update-index\]/);
    expect(findIn(log, ALL_SEEDS)).toEqual([]);
    for (const id of Object.values(identities)) expect(log.includes(id), "an identity reached a child process").toBe(false);
    expect(log.toString()).not.toMatch(/^MFAVAULT_IDENTITY=/m);
  });
});
