// Where no keychain answers (no session bus here), the identity goes to a passphrase-protected age file:
// the passphrase comes from MFAVAULT_PASSPHRASE_FILE or is typed on a (pseudo-)terminal, never asked
// without one.
import { execaSync } from "execa";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandOnPty, runOnPty } from "../helpers/pty.js";
import { makeWorld, oathtoolTotp, SEEDS, type World } from "../helpers/world.js";

let w: World;
let passFile: string;
const identityAge = () => join(w.home, ".config/mfavault/identity.age");

beforeAll(() => {
  w = makeWorld();
  passFile = join(w.dir, "passphrase");
  writeFileSync(passFile, "correct horse battery\n", { mode: 0o600 });
});
afterAll(() => w.cleanup());

describe("the passphrase-protected identity file", () => {
  let recipient: string;

  it("identity new falls back to it when no keychain answers, mode 0600, a real age scrypt file", async () => {
    const r = await w.run(null, ["identity", "new", "--name", "carol"], { env: { MFAVAULT_PASSPHRASE_FILE: passFile } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no keychain: no D-Bus session bus/);
    expect(r.stderr).toMatch(/passphrase-protected/);
    recipient = JSON.parse(r.stdout).recipient;
    expect(statSync(identityAge()).mode & 0o777).toBe(0o600);
    const text = readFileSync(identityAge(), "utf8");
    expect(text).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(text).not.toContain("AGE-SECRET-KEY");
    const header = Buffer.from(text.split("\n").slice(1, -2).join(""), "base64").toString("latin1");
    expect(header).toMatch(/^age-encryption\.org\/v1\n-> scrypt /);
  });

  it("opens with the plain age CLI and the passphrase (break-glass)", async () => {
    const r = await commandOnPty(w.home, ["age", "-d", identityAge()], { steps: [{ expect: /passphrase/i, send: "correct horse battery\r" }] });
    expect(r.exitCode, r.output).toBe(0);
    const secret = /AGE-SECRET-KEY-1[0-9A-Z]+/.exec(r.output)![0];
    expect(String(execaSync("age-keygen", ["-y"], { input: secret }).stdout).trim()).toBe(recipient);
  });

  it("reads it with MFAVAULT_PASSPHRASE_FILE, and says so when the passphrase is wrong", async () => {
    const ok = await w.run(null, ["identity", "show", "--json"], { env: { MFAVAULT_PASSPHRASE_FILE: passFile } });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ recipient, source: identityAge() });
    const wrong = join(w.dir, "wrong");
    writeFileSync(wrong, "not it\n", { mode: 0o600 });
    const r = await w.run(null, ["identity", "show"], { env: { MFAVAULT_PASSPHRASE_FILE: wrong } });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/wrong passphrase for .*identity\.age \(from MFAVAULT_PASSPHRASE_FILE\)/);
  });

  it("never prompts without a terminal: a clear error instead", async () => {
    const r = await w.run(null, ["identity", "show"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/passphrase-protected .*identity\.age and there is no terminal .* MFAVAULT_PASSPHRASE_FILE/);
  });

  it("refuses a passphrase file that others can read", async () => {
    const loose = join(w.dir, "loose-pass");
    writeFileSync(loose, "correct horse battery\n");
    chmodSync(loose, 0o644);
    const r = await w.run(null, ["identity", "show"], { env: { MFAVAULT_PASSPHRASE_FILE: loose } });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/chmod 600/);
  });

  it("asks once per command on a terminal: a code read with the protected identity", async () => {
    const env = { MFAVAULT_PASSPHRASE_FILE: passFile };
    expect((await w.run(null, ["init", w.repo, "--name", "carol"], { env })).exitCode).toBe(0);
    expect((await w.run(null, ["client", "add", "acme"], { env })).exitCode).toBe(0);
    expect((await w.run(null, ["add", "acme/aws", "--secret-stdin"], { env, input: SEEDS.aws })).exitCode).toBe(0);
    const r = await runOnPty(w.home, ["code", "acme/aws", "--json"], {
      env: { MFAVAULT_DIR: w.repo },
      steps: [{ expect: /Passphrase for .*identity\.age/, send: "correct horse battery\r" }],
    });
    // One answer was given: a second prompt would hang until the pty run times out.
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).not.toMatch(/Wrong passphrase/);
    const json = JSON.parse(r.output.slice(r.output.indexOf("{"), r.output.lastIndexOf("}") + 1));
    expect(json.code).toBe(oathtoolTotp(SEEDS.aws, json.at));
  });
});

describe("a new protected identity typed on a terminal", () => {
  it("asks for the passphrase twice, again when the two differ, and never echoes it", async () => {
    const home = join(w.dir, "home2");
    execaSync("mkdir", ["-p", home]);
    const r = await runOnPty(home, ["identity", "new", "--name", "dave"], {
      steps: [
        { expect: /New passphrase/, send: "first try\r" },
        { expect: /same passphrase again/, send: "typo\r" },
        { expect: /differ/ },
        { expect: /New passphrase/, send: "second try\r" },
        { expect: /same passphrase again/, send: "second try\r" },
      ],
    });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).not.toMatch(/first try|second try|typo/);
    expect(r.output).toMatch(/"name": "dave"/);
    const show = await runOnPty(home, ["identity", "show"], { steps: [{ expect: /Passphrase for/, send: "second try\r" }] });
    expect(show.exitCode, show.output).toBe(0);
    expect(show.output).toMatch(/recipient: +age1/);
  });
});
