// Shell completion, run by the real shells: bash (its completion function), zsh (the function, with
// compadd recorded) and fish (complete -C). Candidates come from the command tree and from a 0600 cache
// of the names the user can read, never seeds, refreshed when a vault changes.
import { execaSync } from "execa";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, baseEnv, SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
let env: Record<string, string | undefined>;

function shell(cmd: string, script: string): string {
  const r = execaSync(cmd, ["-c", script], { env, extendEnv: false, reject: false });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return String(r.stdout);
}
const have = (cmd: string) => execaSync("sh", ["-c", `command -v ${cmd}`], { reject: false }).exitCode === 0;

beforeAll(async () => {
  w = await teamWorld(["alice", "bob"]);
  for (const args of [["client", "add", "acme", "--grant", "bob"], ["client", "add", "hooli"]]) expect((await w.run("alice", args)).exitCode).toBe(0);
  for (const [address, seed] of [["acme/aws", SEEDS.aws], ["acme/github", SEEDS.github], ["hooli/dns", SEEDS.long]] as const) {
    expect((await w.run("alice", ["add", address, "--secret-stdin"], { input: seed })).exitCode).toBe(0);
  }
  // `mfavault` on the PATH, as the completion scripts call it.
  const bin = join(w.dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "mfavault"), `#!/bin/sh\nexec node ${BIN} "$@"\n`);
  chmodSync(join(bin, "mfavault"), 0o755);
  env = { ...baseEnv(w.home), PATH: `${bin}:${process.env.PATH}`, MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("bob")!.keyFile };
});
afterAll(() => w.cleanup());

const complete = (...words: string[]) => shell("sh", `mfavault __complete -- ${words.map((x) => `'${x}'`).join(" ")}`).split("\n").filter(Boolean);

describe("mfavault __complete", () => {
  it("offers commands (never the hidden ones), subcommands and a command's flags", () => {
    const commands = complete("");
    expect(commands).toEqual(expect.arrayContaining(["add", "code", "completion", "doctor", "join", "sync", "team"]));
    expect(commands.some((c) => c.startsWith("_") || c === "merge-driver")).toBe(false);
    expect(complete("te")).toEqual(["team"]);
    expect(complete("team", "")).toEqual(["add", "list", "remove"]);
    expect(complete("code", "acme/aws", "--")).toEqual(expect.arrayContaining(["--copy", "--fresh", "--next", "--clear-after", "--json", "--vault"]));
  });

  it("offers only the entries bob can read, and vaults and engineers where those are asked for", () => {
    expect(complete("code", "")).toEqual(["acme/", "acme/aws", "acme/github"]);
    expect(complete("show", "acme/g")).toEqual(["acme/github"]);
    expect(complete("list", "")).toEqual(["acme", "hooli"]);
    expect(complete("client", "add", "hooli", "--grant", "")).toEqual(["alice", "bob"]);
    expect(complete("completion", "")).toEqual(["bash", "fish", "zsh"]);
    // Other verbs' arguments by their names: grant <engineer> <vault>, rotate <address>.
    expect(complete("grant", "")).toEqual(["alice", "bob"]);
    expect(complete("grant", "alice", "h")).toEqual(["hooli"]);
    expect(complete("rotate", "acme/a")).toEqual(["acme/aws"]);
  });

  it("caches names without seeds in a 0600 file, and refreshes it when a vault changes", async () => {
    const dir = join(w.home, ".cache/mfavault");
    const [file] = readdirSync(dir);
    expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
    const text = readFileSync(join(dir, file!), "utf8");
    expect(text).toContain("acme/github");
    for (const seed of Object.values(SEEDS)) expect(text).not.toContain(seed);
    expect((await w.run("alice", ["add", "acme/vpn", "--secret-stdin"], { input: SEEDS.github })).exitCode).toBe(0);
    expect(complete("code", "acme/v")).toEqual(["acme/vpn"]);
  });
});

describe("the completion scripts in real shells", () => {
  it("bash: _mfavault fills COMPREPLY", () => {
    const out = shell("bash", `eval "$(mfavault completion bash)"; COMP_WORDS=(mfavault code acme/a); COMP_CWORD=2; _mfavault; printf '%s\\n' "\${COMPREPLY[@]}"; COMP_WORDS=(mfavault sy); COMP_CWORD=1; _mfavault; printf '%s\\n' "\${COMPREPLY[@]}"`);
    expect(out.split("\n").filter(Boolean)).toEqual(["acme/aws", "sync"]);
  });

  it.skipIf(!have("zsh"))("zsh: _mfavault adds the candidates (directories without a trailing space)", () => {
    const out = shell(
      "zsh",
      `compdef() { :; }; compadd() { print -r -- "compadd $*"; }; _files() { print files; }
       eval "$(mfavault completion zsh)"
       words=(mfavault code ''); CURRENT=3; _mfavault`,
    );
    expect(out.split("\n").filter(Boolean)).toEqual(["compadd -- acme/aws acme/github acme/vpn", "compadd -S  -- acme/"]);
  });

  it.skipIf(!have("fish"))("fish: complete -C lists the candidates", () => {
    const out = shell("fish", `mfavault completion fish | source; complete -C'mfavault code acme/'`);
    expect(out.split("\n").filter(Boolean).map((l) => l.split("\t")[0])).toEqual(["acme/", "acme/aws", "acme/github", "acme/vpn"]);
  });

  it("refuses a shell it has no script for", async () => {
    const r = await w.run("bob", ["completion", "tcsh"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/choose bash, zsh or fish/);
  });
});
