// Everyday codes: the countdown and the fuzzy pick on a terminal (a real pty), the bare code in a pipe,
// --fresh, and HOTP counters checked against oathtool.
import { execaSync } from "execa";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOnPty } from "../helpers/pty.js";
import { ageDecrypt, oathtoolTotp, SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
let ptyEnv: Record<string, string>;
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");

beforeAll(async () => {
  w = await teamWorld(["alice", "bob"]);
  ptyEnv = { MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile };
  for (const args of [["client", "add", "acme"], ["client", "add", "hooli"], ["client", "add", "acme/prod"]]) {
    expect((await w.run("alice", args)).exitCode).toBe(0);
  }
  const adds: [string, string, string[]][] = [
    ["acme/aws", SEEDS.aws, []],
    ["acme/github", SEEDS.github, []],
    ["hooli/github", SEEDS.long, []],
    ["acme/prod/vpn", SEEDS.github, ["--period", "4"]],
    ["hooli/token", SEEDS.github, ["--type", "hotp", "--counter", "0"]],
  ];
  for (const [address, seed, extra] of adds) {
    const r = await w.run("alice", ["add", address, "--secret-stdin", ...extra], { input: seed });
    expect(r.exitCode, r.stderr).toBe(0);
  }
});
afterAll(() => w.cleanup());

describe("code on a terminal", () => {
  it("counts the code down in place, with the next code, until a key is pressed", async () => {
    const started = Date.now();
    const r = await runOnPty(w.home, ["code", "acme/aws", "--next"], { env: ptyEnv, steps: [{ expect: /\d+s/ }, { expect: /\r\x1b\[2K.*\d+s/, send: "q" }] });
    expect(r.exitCode, r.output).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const frames = strip(r.output).split(/\r/).filter((f) => /^\d{6} /.test(f));
    expect(frames.length).toBeGreaterThanOrEqual(2);
    const m = /^(\d{6}) +[█░]{10} +(\d+)s +next (\d{6})/.exec(frames[0]!)!;
    expect(m, frames[0]).not.toBeNull();
    // The code shown is the one for the window it was read in (checked against oathtool).
    const at = new Date(started).toISOString();
    const later = new Date(started + 1500).toISOString();
    expect([oathtoolTotp(SEEDS.aws, at), oathtoolTotp(SEEDS.aws, later)]).toContain(m[1]);
    expect(Number(m[2])).toBeLessThanOrEqual(30);
  });

  it("matches a partial address it can resolve to one entry, and says which", async () => {
    const r = await runOnPty(w.home, ["code", "aws"], { env: ptyEnv, steps: [{ expect: /\d+s/, send: "q" }] });
    expect(r.exitCode, r.output).toBe(0);
    expect(strip(r.output)).toMatch(/→ acme\/aws/);
    const prod = await runOnPty(w.home, ["code", "prod/vpn"], { env: ptyEnv, steps: [{ expect: /\d+s/, send: "q" }] });
    expect(strip(prod.output)).toMatch(/→ acme\/prod\/vpn/);
  });

  it("offers the candidates when a partial address fits several entries", async () => {
    const r = await runOnPty(w.home, ["code", "github", "--json"], { env: ptyEnv });
    // --json is for scripts: no pick, the exact-or-not-found rule.
    expect(r.exitCode).toBe(3);
    const pick = await runOnPty(w.home, ["code", "github"], {
      env: ptyEnv,
      steps: [{ expect: /hooli\/github/, send: "\x1b[B" }, { expect: /❯ hooli\/github/, send: "\r" }, { expect: /\d+s/, send: "q" }],
    });
    expect(pick.exitCode, pick.output).toBe(0);
    expect(strip(pick.output)).toMatch(/Which entry for "github"\?/);
    expect(execaSync("git", ["log", "-1", "--format=%s"], { cwd: w.repo }).stdout).toBe("audit: alice code hooli/github");
  });

  it("shows an HOTP code without a countdown", async () => {
    const r = await runOnPty(w.home, ["code", "hooli/token"], { env: ptyEnv });
    expect(r.exitCode, r.output).toBe(0);
    expect(strip(r.output)).toMatch(/^\d{6} +\(counter 0\)/m);
  });
});

describe("code in a pipe", () => {
  it("prints the bare code and a newline, --next or not, and no escapes", async () => {
    for (const args of [["code", "acme/aws"], ["code", "acme/aws", "--next"]]) {
      const r = await w.run("alice", args);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^\d{6}$/);
      expect(r.stderr).toBe("");
    }
  });

  it("never guesses: a partial address is not found (exit 3)", async () => {
    const r = await w.run("alice", ["code", "aws"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/no entry "aws": give the full address <vault>\/<entry>/);
    const missing = await w.run("alice", ["code", "acme/aw"]);
    expect(missing.exitCode).toBe(3);
  });
});

describe("code --fresh", () => {
  it("waits until at least N seconds remain (period 4 s, --fresh 3), on the fast path and the full CLI", async () => {
    // --clear-after is not a fast-path flag: that run goes through the full CLI.
    for (const args of [["--fresh", "3", "--next"], ["--fresh=3", "--clear-after", "0"]]) {
      // Start late in a window (under 1.5 s left), so the command has to wait for the next one.
      while (4000 - (Date.now() % 4000) > 1500) await new Promise((done) => setTimeout(done, 50));
      const started = Date.now();
      const r = await w.run("alice", ["code", "acme/prod/vpn", ...args, "--json"]);
      expect(r.exitCode, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.remaining).toBeGreaterThanOrEqual(3);
      expect(Math.floor(Date.parse(j.at) / 4000)).toBe(Math.floor(started / 4000) + 1);
      expect(j.code).toBe(oathtoolTotp(SEEDS.github, j.at, { period: 4 }));
    }
    w.git(["checkout", "--", "audit"]);
  });

  it("refuses a wait longer than the code's window", async () => {
    const r = await w.run("alice", ["code", "acme/prod/vpn", "--fresh", "4"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--fresh 4 asks for more than the 4-second window/);
  });
});

describe("HOTP", () => {
  it("advances the counter atomically with the audit line, one commit each, codes matching oathtool", async () => {
    const codes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await w.run("alice", ["code", "hooli/token", "--json"]);
      expect(r.exitCode, r.stderr).toBe(0);
      codes.push(JSON.parse(r.stdout).code);
    }
    const oath = (c: number) => String(execaSync("oathtool", ["--hotp", "-b", `--counter=${c}`, SEEDS.github]).stdout).trim();
    // Counter 0 was used on the terminal above; these are counters 1 and 2.
    expect(codes).toEqual([oath(1), oath(2)]);
    expect(w.git(["log", "-2", "--format=%s"]).split("\n")).toEqual(["audit: alice code hooli/token (HOTP counter 3)", "audit: alice code hooli/token (HOTP counter 2)"]);
    expect(w.git(["show", "--name-only", "--format=", "HEAD"]).split("\n").sort()).toEqual(
      [`audit/alice/${new Date().toISOString().slice(0, 7)}.jsonl`, "clients/hooli/manifest.json", "clients/hooli/vault.age"].sort(),
    );
    expect(w.git(["status", "--porcelain"])).toBe("");
    expect(JSON.parse(ageDecrypt(w, "alice", join("clients/hooli/vault.age"))!).entries.token.counter).toBe(3);
  });
});
