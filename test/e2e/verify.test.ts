// `mfavault verify` end to end: a clean repository passes from a shell with no identity and an empty
// HOME; each tampering, applied to a copy (by hand, with the age CLI where it re-encrypts), fails with
// exit 6 and names the vault and file, in every output format.
import { execa, execaSync } from "execa";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, BIN, SEEDS, teamWorld, type World } from "../helpers/world.js";
import { descendants, parseXml } from "../helpers/xml.js";

let w: World;
let copies = 0;
beforeAll(async () => {
  w = await teamWorld(["alice", "bob", "carol", "dave"]);
  const steps: [string, string[], string?][] = [
    ["alice", ["client", "add", "acme", "--grant", "bob"]],
    ["alice", ["client", "add", "acme/prod"]],
    ["alice", ["client", "add", "globex", "--grant", "carol,dave"]],
    ["alice", ["add", "acme/aws", "--secret-stdin", "--issuer", "AWS"], SEEDS.aws],
    ["alice", ["add", "acme/prod/root", "--secret-stdin"], SEEDS.long],
    ["carol", ["add", "globex/dns", "--secret-stdin"], SEEDS.github],
    ["bob", ["code", "acme/aws"]],
  ];
  for (const [who, args, input] of steps) {
    const r = await w.run(who, args, { input });
    if (r.exitCode !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  }
});
afterAll(() => w.cleanup());

const FORMATS = ["text", "json", "github", "junit"] as const;
type Format = (typeof FORMATS)[number];
const GITHUB_LINE = /^::error file=[^,:\n]+(?:,line=\d+)?,title=[^,:\n]+::[^\n]+$/;

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs verify the way CI does: no identity variables, an empty HOME, the repository as the working directory. */
async function bareVerify(repo: string, args: string[]): Promise<Run> {
  const home = mkdtempSync(join(w.dir, "empty-home-"));
  const r = await execa("node", [BIN, "verify", ...args], { cwd: repo, env: { PATH: process.env.PATH, HOME: home, LANG: "C.UTF-8" }, extendEnv: false, reject: false });
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function copyRepo(): string {
  const dest = join(w.dir, `copy-${++copies}`);
  execaSync("cp", ["-r", w.repo, dest]);
  return dest;
}

function gitIn(repo: string, args: string[]) {
  return execaSync("git", args, { cwd: repo, env: baseEnv(w.home), extendEnv: false, reject: false });
}

function commitAll(repo: string, message: string): void {
  gitIn(repo, ["add", "-A"]);
  const r = gitIn(repo, ["commit", "-q", "--no-verify", "-m", message]);
  if (r.exitCode !== 0) throw new Error(String(r.stderr));
}

interface Expected {
  vault?: string;
  file: string;
  check: string;
}

/** Runs verify in every format and checks that each names the vault, file and check of every expected finding. */
async function expectCaught(repo: string, expected: Expected[]): Promise<Record<Format, Run>> {
  const runs = {} as Record<Format, Run>;
  for (const format of FORMATS) {
    const r = await bareVerify(repo, ["--format", format]);
    runs[format] = r;
    expect(r.exitCode, `${format}: ${r.stderr}`).toBe(6);
    for (const e of expected) {
      const vaultTag = e.vault ? `[${e.vault}] ` : "";
      if (format === "text") {
        expect(r.stdout.split("\n").some((l) => l.startsWith(`${e.file}`) && l.includes(` ${vaultTag}${e.check}: `)), `text names ${e.file} ${e.check}\n${r.stdout}`).toBe(true);
      } else if (format === "json") {
        expect(JSON.parse(r.stdout).findings).toContainEqual(expect.objectContaining({ vault: e.vault ?? null, file: e.file, check: e.check }));
      } else if (format === "github") {
        const lines = r.stdout.trimEnd().split("\n");
        for (const l of lines) expect(l).toMatch(GITHUB_LINE);
        const title = `title=mfavault ${e.check}${e.vault ? ` (${e.vault})` : ""}::`;
        expect(lines.some((l) => l.startsWith(`::error file=${e.file},`) && l.includes(title)), `github names ${e.file}\n${r.stdout}`).toBe(true);
      } else {
        const root = parseXml(r.stdout);
        expect(root.name).toBe("testsuites");
        const suite = descendants(root, "testsuite").find((s) => s.attrs.name === (e.vault ? `vault ${e.vault}` : "repository"));
        expect(suite, `junit suite for ${e.vault ?? "repository"}`).toBeDefined();
        const testcase = descendants(suite!, "testcase").find((t) => t.attrs.name === e.check);
        const failure = testcase && descendants(testcase, "failure")[0];
        expect(failure, `junit failure for ${e.check}`).toBeDefined();
        expect(failure!.text).toContain(`${e.file}`);
        expect(Number(root.attrs.failures)).toBeGreaterThan(0);
      }
    }
  }
  return runs;
}

describe("verify on a clean repository", () => {
  it("passes with no identity and an empty HOME, in every format", async () => {
    const text = await bareVerify(w.repo, []);
    expect(text.exitCode, text.stderr + text.stdout).toBe(0);
    expect(text.stdout).toMatch(/^verify: ok \(3 vaults, 4 team cards, \d+ tracked files scanned, audit trail verified\)$/m);

    const json = await bareVerify(w.repo, ["--format", "json"]);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ findings: [], summary: { ok: true, findings: 0, vaults: 3, teamCards: 4, staged: false, auditTrail: "verified" } });
    expect(JSON.parse((await bareVerify(w.repo, ["--json"])).stdout)).toEqual(JSON.parse(json.stdout));

    const github = await bareVerify(w.repo, ["--format", "github"]);
    expect(github.exitCode).toBe(0);
    expect(github.stdout).toBe("");
    expect(github.stderr).toMatch(/verify: ok/);

    const junit = await bareVerify(w.repo, ["--format", "junit"]);
    expect(junit.exitCode).toBe(0);
    const root = parseXml(junit.stdout);
    expect(root.attrs).toMatchObject({ failures: "0" });
    const suites = descendants(root, "testsuite").map((s) => s.attrs.name);
    expect(suites).toEqual(["repository", "vault acme", "vault acme/prod", "vault globex"]);
    expect(descendants(root, "testcase").length).toBeGreaterThanOrEqual(3 * 12 + 2);
    expect(descendants(root, "failure")).toEqual([]);
  });

  it("refuses an unknown format and a --json that contradicts --format", async () => {
    expect((await bareVerify(w.repo, ["--format", "xml"])).exitCode).toBe(2);
    const both = await bareVerify(w.repo, ["--json", "--format", "github"]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/--json and --format github disagree/);
  });
});

describe("verify catches each tampering, naming vault and file, in every format", () => {
  it("a name appended to a recipients file", async () => {
    const repo = copyRepo();
    appendFileSync(join(repo, "clients/acme/recipients"), "carol\n");
    const runs = await expectCaught(repo, [{ vault: "acme", file: "clients/acme/recipients", check: "manifest-recipients" }]);
    expect(runs.text.stdout).toMatch(/declares alice, bob, carol but vault.age is encrypted to alice, bob/);
  });

  it("an unknown name in a recipients file", async () => {
    const repo = copyRepo();
    appendFileSync(join(repo, "clients/acme/prod/recipients"), "mallory\n");
    await expectCaught(repo, [
      { vault: "acme/prod", file: "clients/acme/prod/recipients", check: "recipients-known" },
      { vault: "acme/prod", file: "clients/acme/prod/recipients", check: "manifest-recipients" },
    ]);
  });

  it("a vault.age re-encrypted by hand with the age CLI to an extra recipient", async () => {
    const repo = copyRepo();
    const vaultAge = join(repo, "clients/acme/vault.age");
    const plain = execaSync("age", ["-d", "-i", w.engineers.get("alice")!.keyFile, vaultAge], { encoding: "buffer" }).stdout;
    const recipients = ["alice", "bob", "carol"].flatMap((n) => ["-r", w.engineers.get(n)!.recipient]);
    execaSync("age", ["-e", "-a", ...recipients, "-o", vaultAge], { input: plain });
    const runs = await expectCaught(repo, [
      { vault: "acme", file: "clients/acme/vault.age", check: "stanza-count" },
      { vault: "acme", file: "clients/acme/vault.age", check: "vault-sha256" },
    ]);
    expect(runs.json.stdout).toMatch(/holds 3 recipient stanzas but clients\/acme\/manifest.json lists 2 readers/);
  });

  it("a vault.age re-encrypted by hand to a swapped recipient (same count, another key)", async () => {
    const repo = copyRepo();
    const vaultAge = join(repo, "clients/globex/vault.age");
    const plain = execaSync("age", ["-d", "-i", w.engineers.get("carol")!.keyFile, vaultAge], { encoding: "buffer" }).stdout;
    const recipients = ["alice", "carol", "bob"].flatMap((n) => ["-r", w.engineers.get(n)!.recipient]); // bob in dave's place
    execaSync("age", ["-e", "-a", ...recipients, "-o", vaultAge], { input: plain });
    const runs = await expectCaught(repo, [{ vault: "globex", file: "clients/globex/vault.age", check: "vault-sha256" }]);
    expect(JSON.parse(runs.json.stdout).findings).toHaveLength(1);
  });

  it("a hand-edited manifest", async () => {
    const repo = copyRepo();
    const path = join(repo, "clients/acme/prod/manifest.json");
    writeFileSync(path, readFileSync(path, "utf8").replace(/"written": "[^"]+"/, '"written": "2020-01-01T00:00:00.000Z"'));
    await expectCaught(repo, [{ vault: "acme/prod", file: "clients/acme/prod/manifest.json", check: "manifest-signature" }]);
  });

  it("a forgery that makes recipients, vault.age and manifest agree, without the writer's signing key", async () => {
    const repo = copyRepo();
    const dir = join(repo, "clients/acme");
    appendFileSync(join(dir, "recipients"), "carol\n");
    const plain = execaSync("age", ["-d", "-i", w.engineers.get("bob")!.keyFile, join(dir, "vault.age")], { encoding: "buffer" }).stdout;
    execaSync("age", ["-e", "-a", ...["alice", "bob", "carol"].flatMap((n) => ["-r", w.engineers.get(n)!.recipient]), "-o", join(dir, "vault.age")], { input: plain });
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    manifest.recipients.push({ name: "carol", recipient: w.engineers.get("carol")!.recipient });
    manifest.stanzas = 3;
    manifest.sha256 = execaSync("sha256sum", [join(dir, "vault.age")]).stdout.split(" ")[0];
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
    const runs = await expectCaught(repo, [{ vault: "acme", file: "clients/acme/manifest.json", check: "manifest-signature" }]);
    expect(JSON.parse(runs.json.stdout).findings).toHaveLength(1);
  });

  it("a team card flipped to removed while still listed as a recipient", async () => {
    const repo = copyRepo();
    const card = join(repo, "team/dave.json");
    writeFileSync(card, JSON.stringify({ ...JSON.parse(readFileSync(card, "utf8")), status: "removed", removed: "2026-01-01T00:00:00Z" }, null, 2));
    const runs = await expectCaught(repo, [{ vault: "globex", file: "clients/globex/recipients", check: "recipients-active" }]);
    expect(runs.text.stdout).toMatch(/names "dave", whose card team\/dave.json is removed/);
  });

  it("a team card that no longer parses", async () => {
    const repo = copyRepo();
    writeFileSync(join(repo, "team/dave.json"), '{"name": "dave",');
    await expectCaught(repo, [
      { file: "team/dave.json", check: "team-card" },
      { vault: "globex", file: "clients/globex/recipients", check: "recipients-known" },
    ]);
  });

  it("a vault.age deleted while its recipients and manifest stay", async () => {
    const repo = copyRepo();
    gitIn(repo, ["rm", "-q", "clients/acme/prod/vault.age"]);
    await expectCaught(repo, [{ vault: "acme/prod", file: "clients/acme/prod/vault.age", check: "age-header" }]);
  });

  it("a team card or vault file replaced by a symbolic link, reported and never followed", async () => {
    const repo = copyRepo();
    const outside = join(w.dir, "outside-card.json");
    writeFileSync(outside, readFileSync(join(repo, "team/dave.json")));
    rmSync(join(repo, "team/dave.json"));
    symlinkSync(outside, join(repo, "team/dave.json"));
    rmSync(join(repo, "clients/acme/recipients"));
    symlinkSync(join(w.repo, "clients/acme/recipients"), join(repo, "clients/acme/recipients"));
    const runs = await expectCaught(repo, [
      { file: "team/dave.json", check: "team-card" },
      { vault: "acme", file: "clients/acme/recipients", check: "recipients-file" },
    ]);
    expect(runs.text.stdout).toMatch(/team\/dave.json is a symbolic link/);
  });

  it.each([
    ["an otpauth URI in a text file", "notes/aws-root.txt", `AWS root MFA for acme\notpauth://totp/AWS:root?secret=${SEEDS.github}&issuer=AWS\n`, 2],
    ["a CSV with a secret column", "clients/acme/onboarding.csv", `name,issuer,secret\naws,AWS,${SEEDS.long}\n`, 2],
    ["an Aegis plain export", "backup/aegis-export.json", readFileSync(join(import.meta.dirname, "../../fixtures/import/aegis-plain.json"), "utf8"), 22],
  ])("a plaintext seed committed anywhere: %s", async (_label, file, content, line) => {
    const repo = copyRepo();
    mkdirSync(join(repo, file, ".."), { recursive: true });
    writeFileSync(join(repo, file), content);
    commitAll(repo, `add ${file}`);
    const runs = await expectCaught(repo, [{ file, check: "plaintext-seed" }]);
    expect(runs.github.stdout).toContain(`::error file=${file},line=${line},title=mfavault plaintext-seed::`);
    for (const r of Object.values(runs)) expect(r.stdout + r.stderr).not.toContain(SEEDS.github);
  });

  it("an edited audit line", async () => {
    const repo = copyRepo();
    const file = readdirSync(join(repo, "audit/bob"))[0]!;
    const path = join(repo, "audit/bob", file);
    writeFileSync(path, readFileSync(path, "utf8").replace('"action":"code"', '"action":"list"'));
    await expectCaught(repo, [{ file: `audit/bob/${file}`, check: "audit-signature" }]);
    const text = await bareVerify(repo, []);
    expect(text.stdout).toMatch(new RegExp(`^audit/bob/${file}:1 audit-signature: `, "m"));
  });

  it("ignores a seed file that is not tracked (CI checks what is committed)", async () => {
    const repo = copyRepo();
    writeFileSync(join(repo, "scratch.txt"), `otpauth://totp/x?secret=${SEEDS.github}\n`);
    expect((await bareVerify(repo, [])).exitCode).toBe(0);
  });
});

describe("verify --staged and the pre-commit hook", () => {
  it("installs a hook that refuses to commit a plaintext seed, reading what is staged", async () => {
    const repo = copyRepo();
    const install = await bareVerify(repo, ["--install-hook"]);
    expect(install.exitCode, install.stderr).toBe(0);
    const hook = join(repo, ".git/hooks/pre-commit");
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    expect(readFileSync(hook, "utf8")).toMatch(/verify --staged/);
    const head = gitIn(repo, ["rev-parse", "HEAD"]).stdout;

    writeFileSync(join(repo, "seeds.txt"), `otpauth://totp/x?secret=${SEEDS.github}\n`);
    gitIn(repo, ["add", "seeds.txt"]);
    writeFileSync(join(repo, "seeds.txt"), "nothing to see here\n"); // the index, not the work tree, is what counts
    const refused = gitIn(repo, ["commit", "-m", "oops"]);
    expect(refused.exitCode).not.toBe(0);
    expect(String(refused.stdout) + String(refused.stderr)).toMatch(/seeds\.txt:1 plaintext-seed: looks like a plaintext MFA seed/);
    expect(gitIn(repo, ["rev-parse", "HEAD"]).stdout).toBe(head);

    gitIn(repo, ["reset", "-q", "--", "seeds.txt"]);
    writeFileSync(join(repo, "README.md"), "# acme MSP vaults\n");
    gitIn(repo, ["add", "README.md"]);
    const ok = gitIn(repo, ["commit", "-m", "readme"]);
    expect(ok.exitCode, String(ok.stderr)).toBe(0);
  });

  it("checks the vaults a staged change touches, and only what is staged", async () => {
    const repo = copyRepo();
    appendFileSync(join(repo, "clients/globex/recipients"), "bob\n");
    const unstaged = await bareVerify(repo, ["--staged", "--json"]);
    expect(unstaged.exitCode).toBe(0);
    expect(JSON.parse(unstaged.stdout).summary).toMatchObject({ staged: true, vaults: 0, filesScanned: 0 });
    gitIn(repo, ["add", "clients/globex/recipients"]);
    const staged = await bareVerify(repo, ["--staged", "--json"]);
    expect(staged.exitCode).toBe(6);
    const doc = JSON.parse(staged.stdout);
    expect(doc.summary).toMatchObject({ staged: true, vaults: 1, filesScanned: 1 });
    expect(doc.findings).toEqual([expect.objectContaining({ vault: "globex", file: "clients/globex/recipients", check: "manifest-recipients" })]);
  });

  it("re-checks every vault when a team card is staged", async () => {
    const repo = copyRepo();
    const card = join(repo, "team/bob.json");
    writeFileSync(card, JSON.stringify({ ...JSON.parse(readFileSync(card, "utf8")), status: "removed" }, null, 2));
    gitIn(repo, ["add", "team/bob.json"]);
    const r = await bareVerify(repo, ["--staged", "--json"]);
    expect(r.exitCode).toBe(6);
    expect(JSON.parse(r.stdout).summary.vaults).toBe(3);
    expect(JSON.parse(r.stdout).findings).toContainEqual(expect.objectContaining({ vault: "acme", check: "recipients-active" }));
  });

  it("checks the audit trail when an audit file is staged, and only then", async () => {
    const repo = copyRepo();
    const file = `audit/bob/${readdirSync(join(repo, "audit/bob"))[0]!}`;
    writeFileSync(join(repo, file), readFileSync(join(repo, file), "utf8").replace('"action":"code"', '"action":"list"'));
    expect(JSON.parse((await bareVerify(repo, ["--staged", "--json"])).stdout).summary.auditTrail).toBe("no audit file or team card staged");
    gitIn(repo, ["add", file]);
    const r = await bareVerify(repo, ["--staged", "--json"]);
    expect(r.exitCode).toBe(6);
    expect(JSON.parse(r.stdout).findings).toContainEqual(expect.objectContaining({ vault: null, file, check: "audit-signature" }));
  });

  it("never replaces a pre-commit hook that is not mfavault's", async () => {
    const repo = copyRepo();
    writeFileSync(join(repo, ".git/hooks/pre-commit"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const r = await bareVerify(repo, ["--install-hook"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/already exists and is not mfavault's/);
    expect(readFileSync(join(repo, ".git/hooks/pre-commit"), "utf8")).toBe("#!/bin/sh\nexit 0\n");
  });

  it("init installs the hook with --hook, and neither asks nor installs without a terminal", async () => {
    const withHook = join(w.dir, "init-hook");
    expect((await w.run("alice", ["init", withHook, "--name", "alice", "--hook"])).exitCode).toBe(0);
    expect(readFileSync(join(withHook, ".git/hooks/pre-commit"), "utf8")).toMatch(/mfavault pre-commit hook/);
    for (const [dir, flags] of [["init-no-hook", ["--no-hook"]], ["init-default", []]] as const) {
      const r = await w.run("alice", ["init", join(w.dir, dir), "--name", "alice", ...flags]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(existsSync(join(w.dir, dir, ".git/hooks/pre-commit"))).toBe(false);
    }
  });
});
