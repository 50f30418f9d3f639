// `npm run demo`: a throw-away vault under a temp dir, with synthetic seeds, walked from init to code.
// Everything it runs is the built CLI, exactly as a user would type it; it prints each step.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const bin = resolve(import.meta.dirname, "../bin/mfavault.js");
const dir = mkdtempSync(join(tmpdir(), "mfavault-demo-"));
const vault = join(dir, "msp-vault");
const env = {
  ...process.env,
  HOME: dir,
  XDG_CONFIG_HOME: join(dir, ".config"),
  MFAVAULT_DIR: vault,
  GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? "mfavault demo",
  GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? "demo@mfavault.invalid",
  GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? "mfavault demo",
  GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? "demo@mfavault.invalid",
};
delete env.MFAVAULT_IDENTITY;

// Synthetic seeds, invented for this demo (the RFC 4226 test key and a well-known example).
const SEEDS = { aws: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", github: "JBSWY3DPEHPK3PXP" };

function step(title, args, opts = {}) {
  const shown = args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ");
  process.stdout.write(`\n# ${title}\n$ ${opts.pipe ? `${opts.pipe} | ` : ""}mfavault ${shown}\n`);
  const out = execFileSync(process.execPath, [bin, ...args], { env: { ...env, ...opts.env }, input: opts.input ?? "", encoding: "utf8" });
  process.stdout.write(out.replace(/^/gm, "  "));
  return out;
}

try {
  process.stdout.write(`mfavault demo in ${dir} (deleted at the end)\n`);
  const aliceKey = join(dir, "alice.key");
  const bobKey = join(dir, "bob.key");
  step("alice makes an identity", ["identity", "new", "--out", aliceKey, "--name", "alice"]);
  const bobCard = step("bob makes an identity", ["identity", "new", "--out", bobKey, "--name", "bob"]);
  writeFileSync(join(dir, "bob.json"), bobCard);
  chmodSync(aliceKey, 0o600);
  const alice = { MFAVAULT_IDENTITY_FILE: aliceKey };
  step("init", ["init", vault, "--name", "alice"], { env: alice });
  step("team", ["team", "add", join(dir, "bob.json")], { env: alice });
  step("client", ["client", "add", "acme", "--grant", "bob"], { env: alice });
  step("scope", ["client", "add", "acme/prod"], { env: alice });
  step("add", ["add", "acme/aws", "--secret-stdin", "--issuer", "Amazon Web Services", "--account", "root@acme"], { env: alice, input: SEEDS.aws, pipe: 'echo "$SEED"' });
  step("add uri", ["add", "acme/github", "--uri-stdin"], { env: alice, input: `otpauth://totp/GitHub:ops%40acme?secret=${SEEDS.github}&issuer=GitHub`, pipe: 'echo "otpauth://totp/GitHub:ops%40acme?secret=…"' });
  step("code", ["code", "acme/aws"], { env: alice });
  step("code as bob", ["code", "acme/github", "--json"], { env: { MFAVAULT_IDENTITY_FILE: bobKey } });
  step("list", ["list", "acme"], { env: alice });
  step("clients", ["client", "list"], { env: alice });
  step("keyless check, as CI runs it (no identity at all)", ["verify"], { env: { MFAVAULT_IDENTITY_FILE: "" } });
  step("offboarding bob from acme", ["revoke", "bob", "acme"], { env: alice });
  step("what must now be rotated", ["status"], { env: alice });
  step("the audit trail verifies", ["audit", "verify"], { env: alice });
  step("who read what", ["audit", "log"], { env: alice });
  process.stdout.write("\n$ git log --oneline\n");
  process.stdout.write(execFileSync("git", ["-C", vault, "log", "--oneline"], { encoding: "utf8", env }).replace(/^/gm, "  "));
  process.stdout.write("\ndemo done: every change above is one commit; every code read wrote a signed audit line first.\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
