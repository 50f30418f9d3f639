// Engineers on several clones of one vault repository, a bare repository as the remote, driving the CLI
// only: concurrent changes to one vault merge entry by entry through the merge driver, and `age -d`
// proves the merged file holds every entry.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditSignatureValid, hashLine, parseAuditLine } from "../../src/core/audit-line.js";
import { manifestSignatureValid, parseManifest } from "../../src/core/manifest.js";
import { ok, sharedAcmeWorld, type CloneWorld } from "../helpers/clones.js";
import { baseEnv, SEEDS } from "../helpers/world.js";

let w: CloneWorld;
let a: string; // alice's first clone (where init ran)
let b: string; // bob's clone
const month = () => new Date().toISOString().slice(0, 7);

function decrypt(as: string, dir: string, vault = "acme"): { entries: Record<string, { secret: string; conflict?: { with: string } }> } {
  const out = execaSync("age", ["-d", "-i", w.engineers.get(as)!.keyFile, join(dir, "clients", vault, "vault.age")]);
  return JSON.parse(String(out.stdout));
}

/** The manifest says exactly what vault.age is: its hash, its stanzas, signed by a team member. */
function manifestMatches(dir: string, vault = "acme"): { writer: string; readers: string[] } {
  const raw = readFileSync(join(dir, "clients", vault, "vault.age"));
  const m = parseManifest(JSON.parse(readFileSync(join(dir, "clients", vault, "manifest.json"), "utf8")), "manifest");
  expect(m.sha256).toBe(createHash("sha256").update(raw).digest("hex"));
  const card = JSON.parse(readFileSync(join(dir, "team", `${m.writer}.json`), "utf8"));
  expect(manifestSignatureValid(m, card.signingKey)).toBe(true);
  expect(m.stanzas).toBe(m.recipients.length);
  return { writer: m.writer, readers: m.recipients.map((r) => r.name) };
}

beforeAll(async () => {
  ({ w, a, other: b } = await sharedAcmeWorld("bob", "bob-clone"));
});
afterAll(() => w.cleanup());

describe("mfavault sync", () => {
  it("pushed alice's history to the bare remote, and bob's clone has it and the merge driver", () => {
    expect(w.gitIn(w.remote, ["log", "--format=%s", "main"])).toContain("add acme/aws");
    expect(w.gitIn(b, ["config", "--get", "merge.mfavault.driver"])).toMatch(/merge-driver %O %A %B %P$/);
    expect(readFileSync(join(b, ".gitattributes"), "utf8")).toMatch(/^clients\/\*\*\/vault\.age merge=mfavault$/m);
  });

  it("merges different entries added on two clones into one vault: no conflict to resolve by hand", async () => {
    await ok(w.runIn(a, "alice", ["add", "acme/github", "--secret-stdin"], { input: SEEDS.github }));
    await ok(w.runIn(b, "bob", ["add", "acme/vpn", "--secret-stdin"], { input: SEEDS.long }));
    await ok(w.runIn(a, "alice", ["code", "acme/aws"]));
    await ok(w.runIn(b, "bob", ["code", "acme/aws"]));
    expect((await ok(w.runIn(a, "alice", ["sync"]))).stdout).toMatch(/0 commits in, 2 out/);
    const r = await ok(w.runIn(b, "bob", ["sync", "--json"]));
    expect(JSON.parse(r.stdout)).toMatchObject({ remote: "origin", branch: "main", received: 2, sent: 2 });
    expect(r.stderr).not.toMatch(/conflict/i);
    for (const who of ["alice", "bob"]) expect(Object.keys(decrypt(who, b).entries).sort()).toEqual(["aws", "github", "vpn"]);
    expect(manifestMatches(b)).toEqual({ writer: "bob", readers: ["alice", "bob"] });
    expect(w.gitIn(b, ["status", "--porcelain"])).toBe("");
    // Each engineer's audit file came through untouched: one file per engineer never conflicts.
    expect(w.gitIn(b, ["log", "--format=%s", "-6"])).toMatch(/audit: bob code acme\/aws[\s\S]*audit: alice code acme\/aws/);
  });

  it("lets a rotation on one clone win while the other adds an entry", async () => {
    await ok(w.runIn(a, "alice", ["sync"]));
    await ok(w.runIn(b, "bob", ["rotate", "acme/github", "--secret-stdin"], { input: "MFRGGZDFMZTWQ2LK" }));
    await ok(w.runIn(a, "alice", ["add", "acme/dns", "--secret-stdin"], { input: "ONSWG4TFOQYTEMZU" }));
    await ok(w.runIn(b, "bob", ["sync"]));
    await ok(w.runIn(a, "alice", ["sync"]));
    const doc = decrypt("alice", a);
    expect(Object.keys(doc.entries).sort()).toEqual(["aws", "dns", "github", "vpn"]);
    expect(doc.entries.github!.secret).toBe("MFRGGZDFMZTWQ2LK");
    expect(manifestMatches(a).writer).toBe("alice");
    await ok(w.runIn(b, "bob", ["sync"]));
    expect(w.gitIn(a, ["rev-parse", "HEAD"])).toBe(w.gitIn(b, ["rev-parse", "HEAD"]));
  });

  it("keeps both seeds when two clones rotate one entry differently, and marks both", async () => {
    await ok(w.runIn(a, "alice", ["rotate", "acme/aws", "--secret-stdin"], { input: "GAYTEMZUGU3DOOBZ" }));
    await ok(w.runIn(b, "bob", ["rotate", "acme/aws", "--secret-stdin"], { input: "HBSWY3DPEHPK3PXQ" }));
    await ok(w.runIn(a, "alice", ["sync"]));
    const r = await ok(w.runIn(b, "bob", ["sync"]));
    expect(r.stderr).toMatch(/acme\/aws.* rotated to two different seeds: both kept and marked/);
    const doc = decrypt("bob", b);
    const other = doc.entries.aws!.conflict!.with;
    expect(other).toMatch(/^aws\.conflict-[0-9a-f]{8}$/);
    // Bob's rotation came later, so it keeps the name; alice's seed is kept beside it.
    expect(doc.entries.aws!.secret).toBe("HBSWY3DPEHPK3PXQ");
    expect(doc.entries[other]!.secret).toBe("GAYTEMZUGU3DOOBZ");
    expect(doc.entries[other]!.conflict!.with).toBe("aws");
    const show = await ok(w.runIn(b, "bob", ["show", "acme/aws"]));
    expect(show.stdout).toMatch(new RegExp(`CONFLICT since .*rotated to two different seeds.*the other seed: acme/${other.replace(".", "\\.")}`));
    expect((await ok(w.runIn(b, "bob", ["list", "acme"]))).stdout).toMatch(/acme\/aws .*CONFLICT/);
    const status = JSON.parse((await ok(w.runIn(b, "bob", ["status", "--json"]))).stdout);
    expect(status.conflicts.map((c: { entry: string }) => c.entry)).toEqual(["acme/aws", `acme/${other}`]);
    expect((await ok(w.runIn(b, "bob", ["status"]))).stdout).toMatch(/Merge conflicts \(2\)\n {2}acme\/aws .*two seeds, the other is acme\/aws\.conflict-/);

    await ok(w.runIn(b, "bob", ["rm", `acme/${other}`]));
    expect(decrypt("bob", b).entries.aws!.conflict).toBeUndefined();
    expect((await ok(w.runIn(b, "bob", ["show", "acme/aws"]))).stdout).not.toMatch(/CONFLICT/);
    await ok(w.runIn(b, "bob", ["sync"]));
    await ok(w.runIn(a, "alice", ["sync"]));
  });

  it("re-chains one engineer's audit lines read on two machines, so the chain stays unbroken", async () => {
    const laptop = w.clone("alice-laptop");
    await ok(w.runIn(laptop, "alice", ["sync"]));
    await ok(w.runIn(laptop, "alice", ["code", "acme/vpn"]));
    await ok(w.runIn(a, "alice", ["code", "acme/dns"]));
    await ok(w.runIn(a, "alice", ["sync"]));
    await ok(w.runIn(laptop, "alice", ["sync"]));
    const text = readFileSync(join(laptop, "audit/alice", `${month()}.jsonl`), "utf8").trim().split("\n");
    const card = JSON.parse(readFileSync(join(laptop, "team/alice.json"), "utf8"));
    const lines = text.map((t, i) => parseAuditLine(t, `line ${i + 1}`));
    for (let i = 1; i < lines.length; i++) {
      expect(lines[i]!.prev).toBe(hashLine(text[i - 1]!));
      expect(lines[i]!.seq).toBe(lines[i - 1]!.seq + 1);
    }
    for (const l of lines) expect(auditSignatureValid(l, card.signingKey)).toBe(true);
    expect(lines.slice(-2).map((l) => l.target)).toEqual(["acme/dns", "acme/vpn"]);
  });

  it("fails clearly, without picking a side, when the merging engineer cannot decrypt the vault", async () => {
    const c = w.clone("carol-clone");
    await ok(w.runIn(c, "carol", ["sync"]));
    await ok(w.runIn(a, "alice", ["sync"]));
    w.gitIn(a, ["checkout", "-q", "-b", "side"]);
    await ok(w.runIn(a, "alice", ["add", "acme/side", "--secret-stdin"], { input: "MZXW6YTBOI2DAMJQ" }));
    w.gitIn(a, ["push", "-q", "origin", "side"]);
    w.gitIn(a, ["checkout", "-q", "main"]);
    await ok(w.runIn(b, "bob", ["add", "acme/other", "--secret-stdin"], { input: "MZXW6YTBOI2DAMJR" }));
    await ok(w.runIn(b, "bob", ["sync"]));
    await ok(w.runIn(c, "carol", ["sync"]));
    w.gitIn(c, ["fetch", "-q", "origin"]);
    const before = readFileSync(join(c, "clients/acme/vault.age"), "utf8");
    const merge = execaSync("git", ["merge", "--no-edit", "origin/side"], {
      cwd: c,
      reject: false,
      env: { ...baseEnv(w.home), MFAVAULT_IDENTITY_FILE: w.engineers.get("carol")!.keyFile },
      extendEnv: false,
    });
    expect(merge.exitCode).not.toBe(0);
    expect(String(merge.stderr) + String(merge.stdout)).toMatch(/cannot merge clients\/acme\/vault\.age: you \(carol\) cannot decrypt the ours version, encrypted to alice, bob; no side was picked/);
    expect(w.gitIn(c, ["diff", "--name-only", "--diff-filter=U"])).toMatch(/clients\/acme\/vault\.age/);
    expect(readFileSync(join(c, "clients/acme/vault.age"), "utf8")).toBe(before);
    w.gitIn(c, ["merge", "--abort"]);
  });

  it("merges a grant on one clone with an add on the other: the new reader can read the new entry", async () => {
    await ok(w.runIn(a, "alice", ["sync"]));
    await ok(w.runIn(b, "bob", ["sync"]));
    await ok(w.runIn(a, "alice", ["grant", "carol", "acme"]));
    await ok(w.runIn(b, "bob", ["add", "acme/granted", "--secret-stdin"], { input: "GEZDGNBVGY3TQOJR" }));
    await ok(w.runIn(b, "bob", ["sync"]));
    await ok(w.runIn(a, "alice", ["sync"]));
    expect(readFileSync(join(a, "clients/acme/recipients"), "utf8")).toMatch(/^alice\nbob\ncarol\n$/m);
    expect(manifestMatches(a)).toEqual({ writer: "alice", readers: ["alice", "bob", "carol"] });
    expect(decrypt("carol", a).entries.granted!.secret).toBe("GEZDGNBVGY3TQOJR");
    expect(Object.keys(decrypt("bob", a).entries)).toContain("granted");
  });

  it("honours a revoke on one clone against an add on the other, marking what the revoked reader saw", async () => {
    await ok(w.runIn(b, "bob", ["sync"]));
    await ok(w.runIn(a, "alice", ["revoke", "bob", "acme"]));
    await ok(w.runIn(b, "bob", ["add", "acme/late", "--secret-stdin"], { input: "GEZDGNBVGY3TQOJS" }));
    await ok(w.runIn(b, "bob", ["sync"]));
    await ok(w.runIn(a, "alice", ["sync"]));
    expect(manifestMatches(a)).toEqual({ writer: "alice", readers: ["alice", "carol"] });
    const doc = decrypt("alice", a) as unknown as { entries: Record<string, { rotationDue?: { engineer?: string; reason: string }[] }> };
    // Revoke marked what bob could read on alice's side; the merge marks what he saw on his own side.
    expect(doc.entries.late!.rotationDue).toEqual([expect.objectContaining({ engineer: "bob", reason: expect.stringMatching(/readable by bob on a branch merged after/) })]);
    expect(doc.entries.aws!.rotationDue).toEqual([expect.objectContaining({ engineer: "bob", reason: "bob revoked" })]);
    for (const e of Object.values(doc.entries)) expect(e.rotationDue!.filter((m) => m.engineer === "bob")).toHaveLength(1);
    expect(() => decrypt("bob", a)).toThrow();
  });
});

describe("the merge driver called directly", () => {
  it("gives the same merged pair whichever file git merges first (manifest.json here, then vault.age)", async () => {
    const d = w.clone("driver-order");
    await ok(w.runIn(d, "alice", ["sync"]));
    w.gitIn(d, ["checkout", "-q", "-b", "other"]);
    await ok(w.runIn(d, "alice", ["add", "acme/order-theirs", "--secret-stdin"], { input: "GEZDGNBVGY3TQOJT" }));
    w.gitIn(d, ["checkout", "-q", "main"]);
    await ok(w.runIn(d, "alice", ["add", "acme/order-ours", "--secret-stdin"], { input: "GEZDGNBVGY3TQOJU" }));
    const base = w.gitIn(d, ["merge-base", "main", "other"]);
    const tmp = (side: string, rev: string, file: string) => {
      const path = join(w.dir, `${side}-${file}`);
      writeFileSync(path, execaSync("git", ["show", `${rev}:clients/acme/${file}`], { cwd: d, stripFinalNewline: false }).stdout);
      return path;
    };
    const driver = async (file: string) => {
      const paths = [tmp("base", base, file), tmp("ours", "main", file), tmp("theirs", "other", file)];
      const r = await w.run("alice", ["merge-driver", ...paths, `clients/acme/${file}`], { cwd: d });
      expect(r.exitCode, r.stderr).toBe(0);
      return readFileSync(paths[1]!, "utf8");
    };
    const manifest = JSON.parse(await driver("manifest.json"));
    const vaultAge = await driver("vault.age");
    expect(manifest.sha256).toBe(createHash("sha256").update(vaultAge).digest("hex"));
    expect(manifest.writer).toBe("alice");
    const plain = execaSync("age", ["-d", "-i", w.engineers.get("alice")!.keyFile], { input: vaultAge }).stdout;
    expect(Object.keys(JSON.parse(String(plain)).entries)).toEqual(expect.arrayContaining(["order-ours", "order-theirs", "aws"]));
  });
});

describe("sync's messages", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // A git smart-HTTP remote that refuses every request for want of credentials.
    server = createServer((_req, res) => {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="vault"' });
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("says there is no remote (exit 3)", async () => {
    const lone = w.clone("lone");
    w.gitIn(lone, ["remote", "remove", "origin"]);
    const r = await w.runIn(lone, "alice", ["sync"]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/no remote to sync with: add one with "git remote add origin <url>"/);
  });

  it("says the remote refused the credentials (exit 4)", async () => {
    const d = w.clone("auth");
    w.gitIn(d, ["remote", "set-url", "origin", `http://127.0.0.1:${port}/vault.git`]);
    const r = await w.runIn(d, "alice", ["sync"]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/cannot fetch from origin \(http:\/\/127\.0\.0\.1:\d+\/vault\.git\): the remote refused your credentials/);
  });

  it("says the remote cannot be reached, keeping the commits (exit 1)", async () => {
    const d = w.clone("offline");
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    w.gitIn(d, ["remote", "set-url", "origin", `http://127.0.0.1:${deadPort}/vault.git`]);
    await ok(w.runIn(d, "alice", ["code", "acme/aws"]));
    const head = w.gitIn(d, ["rev-parse", "HEAD"]);
    const r = await w.runIn(d, "alice", ["sync"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/the remote cannot be reached \(offline, or the server is down\) — your commits are safe here/);
    expect(w.gitIn(d, ["rev-parse", "HEAD"])).toBe(head);
  });
});
