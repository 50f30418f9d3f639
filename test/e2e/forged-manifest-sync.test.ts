// A malicious colleague with push access (carol: on the team, no reader of acme) pushes a manifest that
// swaps a reader for herself, signed with her own key: stanza count, SHA-256 and signature all hold, so
// keyless checks accept it. A reader whose `sync` has to merge it refuses (the manifest carries no valid
// reader proof), picks no side, and leaves the branch as it was; carol never gets a vault she can open.
// An audit line pushed into alice's file by someone else is never signed again by alice's merge.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAuditLine, hashLine, parseAuditLine } from "../../src/core/audit-line.js";
import { signManifest } from "../../src/core/manifest.js";
import { deriveSigningKey, parseIdentityFile } from "../../src/crypto/keys.js";
import { ok, sharedAcmeWorld, type CloneWorld } from "../helpers/clones.js";
import { SEEDS } from "../helpers/world.js";

let w: CloneWorld;
let a: string; // alice's clone
let c: string; // carol's clone

const keyOf = (who: string) => deriveSigningKey(parseIdentityFile(readFileSync(w.engineers.get(who)!.keyFile, "utf8"))[0]!);

beforeAll(async () => {
  ({ w, a, other: c } = await sharedAcmeWorld("carol", "carol-clone"));
});
afterAll(() => w.cleanup());

describe("a forged manifest pushed by a team member who is no reader", () => {
  it("keyless verify cannot tell it from the truth, and a reader's sync refuses to merge it", async () => {
    const file = join(c, "clients/acme/manifest.json");
    const m = JSON.parse(readFileSync(file, "utf8"));
    const carol = JSON.parse(readFileSync(join(c, "team/carol.json"), "utf8"));
    const { signature: _s, readerProof, ...unsigned } = m;
    unsigned.recipients = unsigned.recipients.map((r: { name: string }) => (r.name === "bob" ? { name: "carol", recipient: carol.recipient } : r));
    unsigned.writer = "carol";
    writeFileSync(file, `${JSON.stringify({ ...signManifest(unsigned, keyOf("carol")), readerProof }, null, 2)}\n`);
    writeFileSync(join(c, "clients/acme/recipients"), "alice\ncarol\n");
    w.gitIn(c, ["commit", "-qam", "acme: readers"]);
    w.gitIn(c, ["push", "-q", "origin", "main"]);
    // The honest limit, stated in SECURITY.md: without a key, nothing shows carol could never open it.
    const verify = await w.runIn(c, null, ["verify"]);
    expect(verify.exitCode, verify.stdout).toBe(0);

    // alice changed acme meanwhile: her sync must merge both sides' vault files.
    await ok(w.runIn(a, "alice", ["add", "acme/new", "--secret-stdin"], { input: SEEDS.github }));
    const before = w.gitIn(a, ["rev-parse", "HEAD"]);
    const sync = await w.runIn(a, "alice", ["sync"]);
    expect(sync.exitCode).not.toBe(0);
    expect(sync.stdout + sync.stderr).toMatch(/clients\/acme\/manifest\.json \(signed by carol\) carries no valid reader proof/);
    expect(w.gitIn(a, ["rev-parse", "HEAD"])).toBe(before);
    expect(w.gitIn(a, ["status", "--porcelain"])).toBe("");
    expect(JSON.parse(readFileSync(join(a, "clients/acme/manifest.json"), "utf8")).recipients.map((r: { name: string }) => r.name)).toEqual(["alice", "bob"]);
    const carolReads = execaSync("age", ["-d", "-i", w.engineers.get("carol")!.keyFile, join(a, "clients/acme/vault.age")], { reject: false });
    expect(carolReads.exitCode).not.toBe(0);
  });
});

describe("an audit line pushed into someone else's file", () => {
  it("is refused by the owner's merge instead of being signed again as theirs", async () => {
    // The remote back to alice's history (carol's forged commit dropped), and a fresh clone of it.
    w.gitIn(a, ["push", "-q", "-f", "origin", "main"]);
    const month = new Date().toISOString().slice(0, 7);
    const path = `audit/alice/${month}.jsonl`;
    const c2 = w.clone("carol-clone-2");
    const lines = readFileSync(join(c2, path), "utf8").trim().split("\n");
    const last = lines[lines.length - 1]!;
    const head = { seq: parseAuditLine(last, "last").seq, hash: hashLine(last) };
    // carol writes a line in alice's name, signed with carol's key, and pushes it.
    const forged = buildAuditLine({ action: "code", target: "acme/framed" }, { engineer: "alice", host: "h", now: new Date(), head }, keyOf("carol")).text;
    writeFileSync(join(c2, path), `${lines.join("\n")}\n${forged}\n`);
    w.gitIn(c2, ["commit", "-qam", "audit"]);
    w.gitIn(c2, ["push", "-q", "origin", "main"]);
    // alice reads a code meanwhile: both sides appended to her file.
    await ok(w.runIn(a, "alice", ["code", "acme/aws"]));
    const before = w.gitIn(a, ["rev-parse", "HEAD"]);
    const sync = await w.runIn(a, "alice", ["sync"]);
    expect(sync.exitCode).not.toBe(0);
    expect(sync.stdout + sync.stderr).toMatch(/a new line on the shared side is not signed by alice/);
    expect(w.gitIn(a, ["rev-parse", "HEAD"])).toBe(before);
    expect(readFileSync(join(a, path), "utf8")).not.toContain("acme/framed");
  });
});
