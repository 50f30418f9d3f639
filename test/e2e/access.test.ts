// Access control end to end: four engineers with age-keygen keys; after every step the plain `age` CLI
// proves who can and cannot open each vault file, and oathtool proves which seed is in use.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ageDecrypt, oathtoolTotp, readRepoFile, SEEDS, teamWorld, type World } from "../helpers/world.js";

const ENGINEERS = ["alice", "bob", "carol", "dave"];
const ROTATED = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
const ROTATED_URI_SEED = "ONSWG4TFOQQGC3TEEBXGK5ZAONSWK3DTEE";

let w: World;
beforeAll(async () => {
  w = await teamWorld(ENGINEERS);
});
afterAll(() => w.cleanup());

async function ok(as: string, args: string[], input?: string) {
  const r = await w.run(as, args, { input });
  expect(r.exitCode, `${as}: mfavault ${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r;
}

/** Proves with the age CLI that exactly `names` open the vault, and that recipients and manifest agree. */
function expectReaders(vault: string, names: string[]) {
  const file = `clients/${vault}/vault.age`;
  for (const e of ENGINEERS) {
    const plain = ageDecrypt(w, e, file);
    if (names.includes(e)) expect(plain && JSON.parse(plain).vault, `${e} should open ${vault}`).toBe(vault);
    else expect(plain, `${e} should not open ${vault}`).toBeNull();
  }
  const declared = readRepoFile(w, `clients/${vault}/recipients`).split("\n").filter((l) => l && !l.startsWith("#"));
  expect(declared).toEqual([...names].sort());
  const manifest = JSON.parse(readRepoFile(w, `clients/${vault}/manifest.json`));
  expect(manifest.recipients.map((r: { name: string }) => r.name)).toEqual([...names].sort());
  expect(manifest.stanzas).toBe(names.length);
  expect(manifest.sha256).toBe(createHash("sha256").update(readFileSync(join(w.repo, file))).digest("hex"));
}

function vaultBytes(vault: string): string {
  return ["recipients", "vault.age", "manifest.json"].map((f) => readRepoFile(w, `clients/${vault}/${f}`)).join("\0");
}

const head = () => w.git(["rev-parse", "HEAD"]);
const clean = () => expect(w.git(["status", "--porcelain"])).toBe("");

async function statusDue(as = "alice") {
  const r = await ok(as, ["status", "--json"]);
  return JSON.parse(r.stdout).rotationDue as { entry: string; vault: string; reason: string; engineer: string; since: string; issuer: string }[];
}

describe("grant and scopes", () => {
  it("sets up clients and scopes, each readable by exactly its recipients", async () => {
    await ok("alice", ["client", "add", "acme", "--grant", "bob"]);
    await ok("alice", ["client", "add", "acme/prod"]);
    await ok("alice", ["client", "add", "hooli", "--grant", "carol,dave"]);
    await ok("alice", ["add", "acme/aws", "--secret-stdin", "--issuer", "Amazon Web Services", "--account", "root@acme"], SEEDS.aws);
    await ok("alice", ["add", "acme/github", "--secret-stdin", "--issuer", "GitHub"], SEEDS.github);
    await ok("alice", ["add", "acme/prod/db", "--secret-stdin", "--issuer", "Postgres"], SEEDS.long);
    await ok("carol", ["add", "hooli/m365", "--secret-stdin", "--issuer", "Microsoft 365"], SEEDS.aws);
    expectReaders("acme", ["alice", "bob"]);
    expectReaders("acme/prod", ["alice"]);
    expectReaders("hooli", ["alice", "carol", "dave"]);
  });

  it("keeps scopes isolated: a reader of acme cannot read acme/prod", async () => {
    const r = await w.run("bob", ["code", "acme/prod/db"]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/no access to acme\/prod/);
    expect(r.stdout).toBe("");
  });

  it("grants exactly the vault named: other vaults stay byte-for-byte the same", async () => {
    const before = { acme: vaultBytes("acme"), hooli: vaultBytes("hooli") };
    const r = await ok("alice", ["grant", "carol", "acme/prod"]);
    expect(r.stdout).toMatch(/granted carol acme\/prod/);
    expectReaders("acme/prod", ["alice", "carol"]);
    expect(vaultBytes("acme")).toBe(before.acme);
    expect(vaultBytes("hooli")).toBe(before.hooli);
    expect(ageDecrypt(w, "carol", "clients/acme/vault.age")).toBeNull();
    expect(w.git(["log", "-1", "--format=%s"])).toBe("grant carol acme/prod");
    expect(w.git(["show", "--name-only", "--format=", "HEAD"]).split("\n")).toEqual(
      expect.arrayContaining(["clients/acme/prod/manifest.json", "clients/acme/prod/recipients", "clients/acme/prod/vault.age", expect.stringMatching(/^audit\/alice\//)]),
    );
    const line = JSON.parse(w.git(["show", "HEAD:" + w.git(["show", "--name-only", "--format=", "HEAD"]).split("\n").find((p) => p.startsWith("audit/"))!]).trim().split("\n").pop()!);
    expect(line).toMatchObject({ action: "grant", target: "acme/prod", engineer: "alice", details: { engineer: "carol", vaults: ["acme/prod"] } });
    clean();
  });

  it("grants a vault and every scope below it with --recursive", async () => {
    const hooli = vaultBytes("hooli");
    await ok("alice", ["grant", "dave", "acme", "--recursive"]);
    expectReaders("acme", ["alice", "bob", "dave"]);
    expectReaders("acme/prod", ["alice", "carol", "dave"]);
    expect(vaultBytes("hooli")).toBe(hooli);
    const code = JSON.parse((await ok("dave", ["code", "acme/prod/db", "--json"])).stdout);
    expect(code.code).toBe(oathtoolTotp(SEEDS.long, code.at));
  });

  it("treats granting twice as a no-op with a message, and makes no commit", async () => {
    const before = head();
    const r = await ok("alice", ["grant", "bob", "acme"]);
    expect(r.stderr).toMatch(/bob can already read acme: nothing to do/);
    expect(head()).toBe(before);
    clean();
  });

  it("refuses to grant an engineer with no card, or a vault that does not exist", async () => {
    const before = head();
    const nobody = await w.run("alice", ["grant", "zed", "acme"]);
    expect(nobody.exitCode).toBe(3);
    expect(nobody.stderr).toMatch(/no engineer "zed" in team\//);
    const novault = await w.run("alice", ["grant", "bob", "initech"]);
    expect(novault.exitCode).toBe(3);
    const clientAdd = await w.run("alice", ["client", "add", "initech", "--grant", "zed"]);
    expect(clientAdd.exitCode).toBe(3);
    expect(head()).toBe(before);
    clean();
  });

  it("refuses to grant a vault the caller cannot read, naming who can", async () => {
    const before = head();
    const r = await w.run("bob", ["grant", "bob", "acme/prod"]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/acme\/prod left unchanged: you cannot decrypt it; it is encrypted to alice, carol, dave — ask one of them to run "mfavault grant bob acme\/prod"/);
    expect(head()).toBe(before);
  });
});

describe("revoke and rotation tracking", () => {
  it("re-encrypts without the revoked engineer and prints the rotation checklist", async () => {
    const hooli = vaultBytes("hooli");
    const r = await ok("alice", ["revoke", "bob", "acme"]);
    expectReaders("acme", ["alice", "dave"]);
    expect(vaultBytes("hooli")).toBe(hooli);
    expect(r.stdout).toMatch(/revoked bob from acme/);
    expect(r.stdout).toMatch(/bob can still generate codes for these 2 seeds until each is rotated/);
    expect(r.stdout).toMatch(/acme\/aws\s+Amazon Web Services\s+root@acme/);
    expect(r.stdout).toMatch(/acme\/github\s+GitHub/);
    expect(r.stdout).not.toContain(SEEDS.aws);
    // Honest: the previous ciphertext in git history still opens for bob.
    const old = w.git(["show", "HEAD~1:clients/acme/vault.age"]);
    writeFileSync(join(w.repo, "old.age"), `${old}\n`);
    expect(ageDecrypt(w, "bob", "old.age")).toContain(SEEDS.aws);
    w.git(["clean", "-fq", "old.age"]);
    const manifest = JSON.parse(readRepoFile(w, "clients/acme/manifest.json"));
    expect(manifest.writer).toBe("alice");
    expect(w.git(["log", "-1", "--format=%s"])).toBe("revoke bob acme");
    clean();
  });

  it("lists exactly the entries bob could read in status, with who, when and why", async () => {
    const due = await statusDue();
    expect(due.map((d) => d.entry)).toEqual(["acme/aws", "acme/github"]);
    expect(due[0]).toMatchObject({ vault: "acme", reason: "bob revoked", engineer: "bob", issuer: "Amazon Web Services" });
    expect(Date.parse(due[0]!.since)).toBeGreaterThan(Date.now() - 120_000);
    // The mark lives inside the encrypted document.
    const doc = JSON.parse(ageDecrypt(w, "alice", "clients/acme/vault.age")!);
    expect(doc.entries.aws.rotationDue).toEqual([{ since: due[0]!.since, reason: "bob revoked", engineer: "bob" }]);
    expect(readRepoFile(w, "clients/acme/vault.age")).not.toContain("rotationDue");
    const text = await ok("alice", ["status"]);
    expect(text.stdout).toMatch(/Rotation due \(2\)/);
    expect(text.stdout).toMatch(/acme\/aws .*bob revoked/);
  });

  it("rotate stores the new seed, clears the mark and records when; oathtool agrees with the new code", async () => {
    const r = await ok("alice", ["rotate", "acme/aws", "--secret-stdin"], ROTATED);
    expect(r.stdout).toMatch(/rotated acme\/aws; no longer due for rotation \(was: bob revoked\)/);
    expect((await statusDue()).map((d) => d.entry)).toEqual(["acme/github"]);
    const code = JSON.parse((await ok("dave", ["code", "acme/aws", "--json"])).stdout);
    expect(code.code).toBe(oathtoolTotp(ROTATED, code.at));
    expect(oathtoolTotp(SEEDS.aws, code.at)).not.toBe(code.code);
    const show = JSON.parse((await ok("alice", ["show", "acme/aws", "--json"])).stdout);
    expect(show).toMatchObject({ issuer: "Amazon Web Services", account: "root@acme" });
    expect(show.rotated).toBe(show.updated);
    expect(show.rotationDue).toBeUndefined();
    expectReaders("acme", ["alice", "dave"]);
    expect(w.git(["log", "-2", "--format=%s"]).split("\n")).toContain("rotate acme/aws");
    clean();
  });

  it("rotate takes an otpauth URI, with its new parameters", async () => {
    const uri = `otpauth://totp/GitHub:ops?secret=${ROTATED_URI_SEED}&issuer=GitHub&digits=8`;
    await ok("alice", ["rotate", "acme/github", "--uri-stdin"], uri);
    const code = JSON.parse((await ok("alice", ["code", "acme/github", "--json"])).stdout);
    expect(code.code).toBe(oathtoolTotp(ROTATED_URI_SEED, code.at, { digits: 8 }));
    expect(await statusDue()).toEqual([]);
  });

  it("refuses to rotate to the seed already stored, and reads the seed only from stdin", async () => {
    const before = head();
    const same = await w.run("alice", ["rotate", "acme/aws", "--secret-stdin"], { input: ROTATED });
    expect(same.exitCode).toBe(5);
    expect(same.stderr).toMatch(/rotate it at the service first/);
    expect(same.stderr).not.toContain(ROTATED);
    const argv = await w.run("alice", ["rotate", "acme/aws", "--secret", ROTATED]);
    expect(argv.exitCode).toBe(2);
    const missing = await w.run("alice", ["rotate", "acme/nope", "--secret-stdin"], { input: ROTATED });
    expect(missing.exitCode).toBe(3);
    expect(head()).toBe(before);
  });

  it("refuses to revoke the last recipient of a vault", async () => {
    await ok("alice", ["client", "add", "solo"]);
    const before = head();
    const bytes = vaultBytes("solo");
    const r = await w.run("alice", ["revoke", "alice", "solo"]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/refusing to revoke alice from solo: they are its last recipient/);
    expect(vaultBytes("solo")).toBe(bytes);
    expect(head()).toBe(before);
    expectReaders("solo", ["alice"]);
  });

  it("says so when the engineer is not a recipient, and checks its arguments", async () => {
    const before = head();
    const r = await ok("alice", ["revoke", "bob", "hooli"]);
    expect(r.stderr).toMatch(/bob is not a recipient of hooli: nothing to do/);
    expect(head()).toBe(before);
    expect((await w.run("alice", ["revoke", "bob"])).exitCode).toBe(2);
    expect((await w.run("alice", ["revoke", "bob", "acme", "--all"])).exitCode).toBe(2);
    expect((await w.run("alice", ["revoke", "bob", "initech"])).exitCode).toBe(3);
  });
});

describe("revoke --all", () => {
  it("leaves a vault the caller cannot decrypt byte-for-byte unchanged, names it, and commits the rest", async () => {
    await ok("alice", ["grant", "bob", "acme/prod"]);
    await ok("alice", ["grant", "bob", "hooli"]);
    await ok("carol", ["client", "add", "carolcorp", "--grant", "bob"]);
    await ok("carol", ["add", "carolcorp/okta", "--secret-stdin", "--issuer", "Okta"], SEEDS.github);
    const carolcorp = vaultBytes("carolcorp");
    const before = head();
    const r = await w.run("alice", ["revoke", "bob", "--all", "--json"]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/carolcorp left unchanged: you cannot decrypt it; it is encrypted to bob, carol — ask one of them to run "mfavault revoke bob carolcorp"/);
    const out = JSON.parse(r.stdout);
    expect(out.revoked).toEqual(["acme/prod", "hooli"]);
    expect(out.notRevoked).toEqual([expect.objectContaining({ vault: "carolcorp", kind: "noAccess" })]);
    expect(out.rotationDue.map((d: { entry: string }) => d.entry)).toEqual(["acme/prod/db", "hooli/m365"]);
    expectReaders("acme/prod", ["alice", "carol", "dave"]);
    expectReaders("hooli", ["alice", "carol", "dave"]);
    expect(vaultBytes("carolcorp")).toBe(carolcorp);
    expect(ageDecrypt(w, "bob", "clients/carolcorp/vault.age")).toContain("Okta");
    expect(w.git(["rev-list", "--count", `${before}..HEAD`])).toBe("1");
    expect(w.git(["log", "-1", "--format=%s"])).toBe("revoke bob --all (2 vaults)");
    clean();
  });

  it("lets a reader of the remaining vault finish the job", async () => {
    const r = await ok("carol", ["revoke", "bob", "--all"]);
    expect(r.stdout).toMatch(/revoked bob from carolcorp/);
    expectReaders("carolcorp", ["carol"]);
    const due = await statusDue("carol");
    expect(due.map((d) => d.entry)).toEqual(["acme/prod/db", "carolcorp/okta", "hooli/m365"]);
    const again = await ok("alice", ["revoke", "bob", "--all"]);
    expect(again.stderr).toMatch(/bob is a recipient of no vault: nothing to revoke/);
    clean();
  });

  it("does not list, for a reader, entries in vaults they cannot decrypt", async () => {
    const status = JSON.parse((await ok("alice", ["status", "--json"])).stdout);
    expect(status.rotationDue.map((d: { entry: string }) => d.entry)).toEqual(["acme/prod/db", "hooli/m365"]);
    expect(status.notReadable).toEqual(["carolcorp"]);
  });
});

describe("rekey applies a hand-edited recipients file", () => {
  it("refuses content changes while recipients and manifest disagree, pointing at rekey", async () => {
    writeFileSync(join(w.repo, "clients/hooli/recipients"), "# edited by hand\nalice\ncarol\nbob\n");
    const r = await w.run("alice", ["add", "hooli/slack", "--secret-stdin"], { input: SEEDS.aws });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/clients\/hooli\/recipients lists alice, bob, carol but vault\.age is encrypted to alice, carol, dave: apply the file with "mfavault rekey hooli"/);
    const g = await w.run("alice", ["grant", "bob", "hooli"]);
    expect(g.exitCode).toBe(5);
    expect(g.stderr).toMatch(/mfavault rekey hooli/);
  });

  it("re-encrypts to the file as written; whoever it removed makes their seeds rotation due", async () => {
    const r = await ok("alice", ["rekey", "hooli"]);
    expect(r.stdout).toMatch(/re-keyed hooli: readable by alice, bob, carol \(added bob; removed dave\)/);
    expectReaders("hooli", ["alice", "bob", "carol"]);
    const due = (await statusDue()).filter((d) => d.vault === "hooli");
    expect(due).toEqual([expect.objectContaining({ entry: "hooli/m365", reason: "bob revoked; dave removed from the recipients file (rekey)" })]);
    expect(w.git(["log", "-1", "--format=%s"])).toBe("rekey hooli");
    clean();
  });

  it("rekey --all re-encrypts only what is out of date, in one commit", async () => {
    const before = head();
    const nothing = await ok("alice", ["rekey", "--all"]);
    expect(nothing.stderr).toMatch(/already encrypted to exactly their recipients: nothing to do/);
    expect(head()).toBe(before);
    writeFileSync(join(w.repo, "clients/acme/recipients"), "alice\nbob\ndave\n");
    writeFileSync(join(w.repo, "clients/solo/recipients"), "alice\ncarol\n");
    const r = await ok("alice", ["rekey", "--all", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ rekeyed: ["acme", "solo"] });
    expectReaders("acme", ["alice", "bob", "dave"]);
    expectReaders("solo", ["alice", "carol"]);
    expect(w.git(["rev-list", "--count", `${before}..HEAD`])).toBe("1");
    clean();
  });

  it("refuses a recipients file that names a stranger or nobody", async () => {
    const before = head();
    writeFileSync(join(w.repo, "clients/solo/recipients"), "alice\nzed\n");
    const stranger = await w.run("alice", ["rekey", "solo"]);
    expect(stranger.exitCode).toBe(3);
    expect(stranger.stderr).toMatch(/names "zed", who has no card/);
    writeFileSync(join(w.repo, "clients/solo/recipients"), "# nobody\n");
    const empty = await w.run("alice", ["rekey", "solo"]);
    expect(empty.exitCode).toBe(5);
    expect(empty.stderr).toMatch(/no recipient/);
    w.git(["checkout", "--", "clients/solo/recipients"]);
    expect(head()).toBe(before);
    expectReaders("solo", ["alice", "carol"]);
  });
});

describe("team remove", () => {
  it("revokes the engineer everywhere the caller can, names the rest, and marks the card removed", async () => {
    await ok("dave", ["code", "acme/aws"]);
    await ok("carol", ["client", "add", "dcorp", "--grant", "dave"]);
    const dcorp = vaultBytes("dcorp");
    const before = head();
    const r = await w.run("alice", ["team", "remove", "dave"]);
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toMatch(/removed dave from the team \(the card stays/);
    expect(r.stdout).toMatch(/revoked dave from acme, acme\/prod/);
    expect(r.stderr).toMatch(/dcorp left unchanged: you cannot decrypt it; it is encrypted to carol, dave — ask one of them to run "mfavault revoke dave dcorp"/);
    expectReaders("acme", ["alice", "bob"]);
    expectReaders("acme/prod", ["alice", "carol"]);
    expect(vaultBytes("dcorp")).toBe(dcorp);
    const card = JSON.parse(readRepoFile(w, "team/dave.json"));
    expect(card).toMatchObject({ name: "dave", status: "removed" });
    expect(Date.parse(card.removed)).toBeGreaterThan(Date.now() - 120_000);
    expect(existsSync(join(w.repo, "audit/dave"))).toBe(true);
    expect(w.git(["rev-list", "--count", `${before}..HEAD`])).toBe("1");
    expect(w.git(["log", "-1", "--format=%s"])).toBe("team: remove dave (revoked from 2 vaults)");
    const due = await statusDue();
    expect(due.find((d) => d.entry === "acme/aws")).toMatchObject({ reason: "dave removed from the team", engineer: "dave" });
    clean();
  });

  it("lets the removed engineer's other vault be finished by its reader", async () => {
    await ok("carol", ["revoke", "dave", "dcorp"]);
    expectReaders("dcorp", ["carol"]);
    const again = await ok("alice", ["team", "remove", "dave"]);
    expect(again.stderr).toMatch(/already removed .*nothing to do/);
  });

  it("refuses a removed engineer: no session, no grant, no client add --grant", async () => {
    const code = await w.run("dave", ["code", "acme/aws"]);
    expect(code.exitCode).toBe(4);
    expect(code.stderr).toMatch(/whose card is removed/);
    const grant = await w.run("alice", ["grant", "dave", "acme"]);
    expect(grant.exitCode).toBe(5);
    expect(grant.stderr).toMatch(/cannot grant acme to dave: their card is removed/);
    const clientAdd = await w.run("alice", ["client", "add", "initech", "--grant", "dave"]);
    expect(clientAdd.exitCode).toBe(5);
    expect(existsSync(join(w.repo, "clients/initech"))).toBe(false);
    for (const v of ["acme", "acme/prod", "hooli", "solo", "carolcorp", "dcorp"]) expect(ageDecrypt(w, "dave", `clients/${v}/vault.age`)).toBeNull();
  });

  it("refuses to remove yourself or a stranger", async () => {
    expect((await w.run("alice", ["team", "remove", "alice"])).exitCode).toBe(2);
    expect((await w.run("alice", ["team", "remove", "zed"])).exitCode).toBe(3);
    clean();
  });
});
