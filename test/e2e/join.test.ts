// A new engineer joins from a clone: `join` proposes a pending card on a branch for review, a pending card
// grants nothing, and an active member's `team add <name>` activates it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneWorld, type CloneWorld } from "../helpers/clones.js";
import { oathtoolTotp, SEEDS } from "../helpers/world.js";

let w: CloneWorld;
let bobClone: string;

beforeAll(async () => {
  w = await cloneWorld(["alice"]);
  w.engineer("bob");
  expect((await w.runIn(w.repo, "alice", ["client", "add", "acme"])).exitCode).toBe(0);
  expect((await w.runIn(w.repo, "alice", ["add", "acme/aws", "--secret-stdin"], { input: SEEDS.aws })).exitCode).toBe(0);
  expect((await w.runIn(w.repo, "alice", ["sync"])).exitCode).toBe(0);
  bobClone = w.clone("bob-clone");
});
afterAll(() => w.cleanup());

describe("mfavault join", () => {
  it("commits bob's pending card on join/bob, leaving his branch, index and files as they were", async () => {
    const head = w.gitIn(bobClone, ["rev-parse", "HEAD"]);
    const r = await w.runIn(bobClone, "bob", ["join", "--name", "bob", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ name: "bob", branch: "join/bob", recipient: w.engineers.get("bob")!.recipient, pushed: false });
    expect(r.stderr).toMatch(/using your identity from MFAVAULT_IDENTITY_FILE/);
    expect(w.gitIn(bobClone, ["rev-parse", "HEAD"])).toBe(head);
    expect(w.gitIn(bobClone, ["symbolic-ref", "--short", "HEAD"])).toBe("main");
    expect(w.gitIn(bobClone, ["status", "--porcelain"])).toBe("");
    expect(w.gitIn(bobClone, ["log", "-1", "--format=%s|%P", "join/bob"])).toBe(`join: bob (pending card, for review)|${head}`);
    expect(w.gitIn(bobClone, ["diff", "--name-only", "main", "join/bob"])).toBe("team/bob.json");
    const card = JSON.parse(w.gitIn(bobClone, ["show", "join/bob:team/bob.json"]));
    expect(card).toMatchObject({ name: "bob", status: "pending", recipient: w.engineers.get("bob")!.recipient });
    expect(w.gitIn(bobClone, ["config", "--get", "merge.mfavault.driver"])).toMatch(/merge-driver/);
  });

  it("refuses to propose twice, and a name that belongs to another key", async () => {
    const again = await w.runIn(bobClone, "bob", ["join", "--name", "bob"]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/branch join\/bob already exists/);
    const taken = await w.runIn(bobClone, "bob", ["join", "--name", "alice"]);
    expect(taken.exitCode).toBe(1);
    expect(taken.stderr).toMatch(/team\/alice\.json already belongs to another key/);
  });

  it("makes an identity when there is none (here a passphrase-protected file) and pushes with --push", async () => {
    const passFile = join(w.dir, "dave-pass");
    writeFileSync(passFile, "dave's passphrase\n", { mode: 0o600 });
    const daveClone = w.clone("dave-clone");
    const r = await w.runIn(daveClone, null, ["join", "--name", "dave", "--push"], { env: { MFAVAULT_PASSPHRASE_FILE: passFile } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/made your identity and stored it in .*identity\.age \(passphrase-protected/);
    expect(r.stdout).toMatch(/pushed join\/dave/);
    expect(JSON.parse(w.gitIn(w.remote, ["show", "join/dave:team/dave.json"])).status).toBe("pending");
  });

  it("a pending card grants nothing, even once merged", async () => {
    w.gitIn(bobClone, ["push", "-q", "-u", "origin", "join/bob"]);
    w.gitIn(w.repo, ["fetch", "-q", "origin"]);
    w.gitIn(w.repo, ["merge", "-q", "--no-edit", "origin/join/bob"]);
    expect(JSON.parse(readFileSync(join(w.repo, "team/bob.json"), "utf8")).status).toBe("pending");
    expect((await w.runIn(w.repo, "alice", ["sync"])).exitCode).toBe(0);
    expect((await w.runIn(bobClone, "bob", ["sync"])).exitCode).toBe(0);
    const r = await w.runIn(bobClone, "bob", ["code", "acme/aws"]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/belongs to "bob", whose card is pending: an active team member must run "mfavault team add bob"/);
    expect(r.stdout).toBe("");
    // Nobody can grant a pending engineer a vault either.
    const grant = await w.runIn(w.repo, "alice", ["client", "add", "hooli", "--grant", "bob"]);
    expect(grant.exitCode).toBe(5);
    expect(grant.stderr).toMatch(/card is pending/);
  });

  it("team add <name> by an active member activates the pending card", async () => {
    const unknown = await w.runIn(w.repo, "alice", ["team", "add", "zoe"]);
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toMatch(/no card "zoe" in team\/: ask them to run "mfavault join --name zoe"/);
    const r = await w.runIn(w.repo, "alice", ["team", "add", "bob"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(w.repo, "team/bob.json"), "utf8")).status).toBe("active");
    expect(w.gitIn(w.repo, ["log", "-1", "--format=%s"])).toBe("team: add bob");
    expect((await w.runIn(w.repo, "alice", ["client", "add", "hooli", "--grant", "bob"])).exitCode).toBe(0);
    expect((await w.runIn(w.repo, "alice", ["add", "hooli/aws", "--secret-stdin"], { input: SEEDS.github })).exitCode).toBe(0);
    expect((await w.runIn(w.repo, "alice", ["sync"])).exitCode).toBe(0);
    expect((await w.runIn(bobClone, "bob", ["sync"])).exitCode).toBe(0);
    const code = await w.runIn(bobClone, "bob", ["code", "hooli/aws", "--json"]);
    expect(code.exitCode, code.stderr).toBe(0);
    expect(JSON.parse(code.stdout).code).toBe(oathtoolTotp(SEEDS.github, JSON.parse(code.stdout).at));
  });
});
