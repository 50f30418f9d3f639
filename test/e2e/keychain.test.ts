// Identities in a real OS keychain: gnome-keyring's Secret Service on a private D-Bus session bus, started
// and unlocked by the test itself. The built CLI stores, finds and uses the identity there.
import { execaSync } from "execa";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKeyring, type KeyringSession } from "../helpers/keyring.js";
import { makeWorld, oathtoolTotp, SEEDS, type World } from "../helpers/world.js";

let w: World;
let keyring: KeyringSession;
let env: Record<string, string>;

/** What the Secret Service itself holds for mfavault, read with libsecret's own CLI. */
function secretToolLookup(): string {
  const r = execaSync("secret-tool", ["lookup", "service", "mfavault", "username", "age-identity"], {
    env: { PATH: process.env.PATH, HOME: w.home, DBUS_SESSION_BUS_ADDRESS: keyring.bus },
    extendEnv: false,
    reject: false,
  });
  return String(r.stdout).trim();
}

beforeAll(async () => {
  w = makeWorld();
  keyring = await startKeyring(w.home);
  env = { DBUS_SESSION_BUS_ADDRESS: keyring.bus };
});
afterAll(async () => {
  await keyring?.stop();
  w.cleanup();
});

describe("an identity in the Secret Service", () => {
  let card: { recipient: string; name: string };

  it("identity new stores the identity in the keychain, not in a file", async () => {
    const r = await w.run(null, ["identity", "new", "--name", "alice"], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Secret Service/);
    card = JSON.parse(r.stdout);
    expect(card.name).toBe("alice");
    const stored = secretToolLookup();
    expect(stored).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    // The secret in the keychain is the identity of the printed card (checked by age-keygen).
    expect(String(execaSync("age-keygen", ["-y"], { input: stored }).stdout).trim()).toBe(card.recipient);
    expect(existsSync(join(w.home, ".config/mfavault/identity.age"))).toBe(false);
    expect(existsSync(join(w.home, ".config/mfavault/identity.txt"))).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(stored);
  });

  it("finds it there: identity show names the keychain as the source", async () => {
    const r = await w.run(null, ["identity", "show", "--json"], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ recipient: card.recipient, source: expect.stringMatching(/Secret Service/) });
  });

  it("runs init, add and code with the keychain identity", async () => {
    expect((await w.run(null, ["init", w.repo, "--name", "alice"], { env })).exitCode).toBe(0);
    expect((await w.run(null, ["client", "add", "acme"], { env })).exitCode).toBe(0);
    expect((await w.run(null, ["add", "acme/aws", "--secret-stdin"], { env, input: SEEDS.aws })).exitCode).toBe(0);
    const code = await w.run(null, ["code", "acme/aws", "--json"], { env });
    expect(code.exitCode, code.stderr).toBe(0);
    const r = JSON.parse(code.stdout);
    expect(r.code).toBe(oathtoolTotp(SEEDS.aws, r.at));
  });

  it("refuses to replace the identity the keychain holds", async () => {
    const r = await w.run(null, ["identity", "new", "--name", "alice"], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/already holds an identity/);
    expect(String(execaSync("age-keygen", ["-y"], { input: secretToolLookup() }).stdout).trim()).toBe(card.recipient);
  });

  it("identity export prints the keychain's secret only with --force when piped", async () => {
    const refused = await w.run(null, ["identity", "export"], { env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toBe("");
    const r = await w.run(null, ["identity", "export", "--force"], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(secretToolLookup());
  });

  it("lets MFAVAULT_IDENTITY_FILE win over the keychain, and MFAVAULT_KEYCHAIN=0 skip it", async () => {
    const bob = w.engineer("bob");
    const r = await w.run("bob", ["identity", "show", "--json"], { env });
    expect(JSON.parse(r.stdout)).toMatchObject({ recipient: bob.recipient, source: "MFAVAULT_IDENTITY_FILE" });
    const skipped = await w.run(null, ["identity", "show"], { env: { ...env, MFAVAULT_KEYCHAIN: "0" } });
    expect(skipped.exitCode).toBe(3);
    expect(skipped.stderr).toMatch(/no age identity/);
  });
});
