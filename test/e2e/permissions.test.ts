// File permissions: what mfavault writes in the vault repository follows the user's umask but is never
// more open than 0644 (folders 0755), even under umask 000; seed hand-offs, audit exports and identities
// are 0600 from the first byte; an identity file readable by group or world is refused, from every source.
import { execa } from "execa";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, BIN, makeWorld, SEEDS, type World } from "../helpers/world.js";

let w: World;
beforeAll(() => {
  w = makeWorld();
  for (const n of ["alice", "bob"]) w.engineer(n);
});
afterAll(() => w.cleanup());

/** Runs the CLI under a umask, as alice (identity file) unless `env` says otherwise. */
async function runUnder(umask: string, repo: string, args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}) {
  const env = { ...baseEnv(w.home), MFAVAULT_DIR: repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile, ...opts.env };
  const r = await execa("sh", ["-c", `umask ${umask} && exec node "$0" "$@"`, BIN, ...args], { env, extendEnv: false, input: opts.input ?? "", reject: false, cwd: w.dir });
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function modes(dir: string, skip = ".git"): { path: string; mode: number; dir: boolean }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name === skip) return [];
    const path = join(dir, d.name);
    const mode = statSync(path).mode & 0o7777;
    return d.isDirectory() ? [{ path, mode, dir: true }, ...modes(path, skip)] : [{ path, mode, dir: false }];
  });
}

describe("files the repository commands write", () => {
  it.each([
    ["000", "644", "755"],
    ["022", "644", "755"],
    ["077", "600", "700"],
  ])("under umask %s: files %s, folders %s, whatever the command", async (umask, fileOctal, dirOctal) => {
    const fileMode = parseInt(fileOctal, 8);
    const dirMode = parseInt(dirOctal, 8);
    const repo = join(w.dir, `repo-${umask}`);
    const cache = join(w.dir, `cache-${umask}`);
    const ok = async (args: string[], input?: string) => {
      const r = await runUnder(umask, repo, args, { input, env: { XDG_CACHE_HOME: cache } });
      expect(r.exitCode, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r;
    };
    await ok(["init", repo, "--name", "alice"]);
    await ok(["client", "add", "acme"]);
    await ok(["client", "add", "acme/prod"]);
    await ok(["add", "acme/aws", "--secret-stdin"], SEEDS.aws);
    await ok(["add", "acme/prod/db", "--secret-stdin"], SEEDS.github);
    await ok(["code", "acme/aws"]);
    await ok(["import", "acme", "-", "--format", "otpauth"], `otpauth://totp/X:y?secret=${SEEDS.long}\n`);
    await ok(["rotate", "acme/aws", "--secret-stdin"], SEEDS.long);
    const outs = join(w.dir, `outs-${umask}`);
    mkdirSync(outs);
    await ok(["export", "acme", "--format", "csv", "--plaintext", "--out", join(outs, "seeds.csv")]);
    await ok(["audit", "export", "--format", "jsonl", "--out", join(outs, "audit.jsonl")]);
    await ok(["status", "--report", "md", "--out", join(outs, "review.md")]);
    await ok(["__complete", "code", ""]);

    const written = modes(repo);
    expect(written.length).toBeGreaterThan(10);
    for (const f of written) {
      if (f.dir) expect(f.mode, `${f.path} ${f.mode.toString(8)}`).toBe(dirMode);
      else expect(f.mode, `${f.path} ${f.mode.toString(8)}`).toBe(fileMode);
    }
    // mfavault's own files in .git (the repository lock, a journal) exist only while a command runs.
    expect(readdirSync(join(repo, ".git")).filter((n) => n.startsWith("mfavault"))).toEqual([]);
    // Hand-offs of seeds, audit exports and review reports: the owner's only, whatever the umask.
    for (const f of readdirSync(outs)) expect(statSync(join(outs, f)).mode & 0o777, f).toBe(0o600);
    // Shell completion's cache of entry names: the owner's only too.
    const names = readdirSync(join(cache, "mfavault"));
    expect(names).toHaveLength(1);
    expect(statSync(join(cache, "mfavault", names[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(cache, "mfavault")).mode & 0o777).toBe(0o700);
  });
});

describe("identity files", () => {
  it("identity new writes 0600 files in 0700 folders even under umask 000: plain (--out) and passphrase-protected", async () => {
    const home = join(w.dir, "home-new");
    mkdirSync(home);
    const passphrase = join(w.dir, "passphrase.txt");
    writeFileSync(passphrase, "a long passphrase\n", { mode: 0o600 });
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), MFAVAULT_IDENTITY_FILE: undefined, MFAVAULT_PASSPHRASE_FILE: passphrase, DBUS_SESSION_BUS_ADDRESS: undefined };
    const plain = await runUnder("000", join(w.dir, "none"), ["identity", "new", "--name", "carol", "--out", join(home, "keys/carol.key")], { env });
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(statSync(join(home, "keys/carol.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, "keys")).mode & 0o777).toBe(0o700);
    const stored = await runUnder("000", join(w.dir, "none"), ["identity", "new", "--name", "carol"], { env });
    expect(stored.exitCode, stored.stderr).toBe(0);
    expect(statSync(join(home, ".config/mfavault/identity.age")).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, ".config/mfavault")).mode & 0o777).toBe(0o700);
    // The protected file and the passphrase file are refused too once others can read them (exit 4).
    chmodSync(join(home, ".config/mfavault/identity.age"), 0o644);
    const loose = await runUnder("022", join(w.dir, "repo-022"), ["identity", "show"], { env });
    expect(loose.exitCode).toBe(4);
    expect(loose.stderr).toMatch(/identity file .*identity\.age is readable by others \(mode 644\)/);
    chmodSync(join(home, ".config/mfavault/identity.age"), 0o600);
    chmodSync(passphrase, 0o640);
    const loosePass = await runUnder("022", join(w.dir, "repo-022"), ["identity", "show"], { env });
    expect(loosePass.exitCode).toBe(4);
    expect(loosePass.stderr).toMatch(/passphrase file .*passphrase\.txt is readable by others \(mode 640\)/);
  });

  it.each(["640", "604", "644", "660", "666"])("refuses an identity file of mode %s from every file source", async (octal) => {
    const mode = parseInt(octal, 8);
    const repo = join(w.dir, "repo-022");
    const key = join(w.dir, `alice-${mode.toString(8)}.key`);
    copyFileSync(w.engineers.get("alice")!.keyFile, key);
    chmodSync(key, mode);
    const home = join(w.dir, `home-${mode.toString(8)}`);
    mkdirSync(join(home, ".config/mfavault"), { recursive: true });
    copyFileSync(key, join(home, ".config/mfavault/identity.txt"));
    chmodSync(join(home, ".config/mfavault/identity.txt"), mode);
    const link = join(w.dir, `link-${mode.toString(8)}.key`);
    symlinkSync(key, link);
    for (const env of [
      { MFAVAULT_IDENTITY_FILE: key },
      { MFAVAULT_IDENTITY_FILE: link }, // the mode of the file behind a link is what counts
      { MFAVAULT_IDENTITY_FILE: undefined, HOME: home, XDG_CONFIG_HOME: join(home, ".config") },
    ]) {
      const r = await runUnder("022", repo, ["code", "acme/aws"], { env });
      expect(r.exitCode, r.stderr).toBe(5);
      expect(r.stderr).toMatch(new RegExp(`identity file .* is readable by others \\(mode ${mode.toString(8)}\\): run chmod 600`));
      expect(r.stdout).toBe("");
    }
  });

  it("accepts 0600 and 0400, directly and through a link", async () => {
    const repo = join(w.dir, "repo-022");
    for (const mode of [0o600, 0o400]) {
      const key = join(w.dir, `alice-ok-${mode.toString(8)}.key`);
      copyFileSync(w.engineers.get("alice")!.keyFile, key);
      chmodSync(key, mode);
      const link = join(w.dir, `link-ok-${mode.toString(8)}.key`);
      symlinkSync(key, link);
      for (const file of [key, link]) {
        const r = await runUnder("022", repo, ["code", "acme/aws"], { env: { MFAVAULT_IDENTITY_FILE: file } });
        expect(r.exitCode, r.stderr).toBe(0);
      }
    }
  });

  it("refuses an identity file that is huge or a device instead of reading it", async () => {
    const r = await runUnder("022", join(w.dir, "repo-022"), ["code", "acme/aws"], { env: { MFAVAULT_IDENTITY_FILE: "/dev/zero" } });
    // /dev/zero is mode 0666: refused as readable by others before a byte is read.
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/identity file \/dev\/zero is readable by others/);
  });
});
