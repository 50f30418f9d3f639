// The synthetic repository generator (scripts/bench/synthetic.ts) makes a repository mfavault, git, age and
// oathtool all accept: benchmarks and scale tests of later features build on it.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRepo, type SyntheticRepo } from "../../scripts/bench/synthetic.js";
import { ageDecrypt, baseEnv, makeWorld, oathtoolTotp, type World } from "../helpers/world.js";

let w: World;
let repo: SyntheticRepo;
beforeAll(async () => {
  w = makeWorld();
  repo = await generateRepo({
    dir: w.repo,
    engineers: 3,
    vaults: 4,
    entries: 3,
    scopes: true,
    auditLines: 7,
    readers: (_vault, i, names) => (i % 2 === 0 ? names : [names[0]!]),
    gitEnv: baseEnv(w.home),
  });
  for (const e of repo.engineers) w.engineers.set(e.name, e);
});
afterAll(() => w.cleanup());

describe("synthetic repository", () => {
  it("has the vaults, entries and engineers asked for, in one clean commit", () => {
    expect(repo.vaults).toEqual(["client-0000", "client-0000/prod", "client-0001", "client-0001/prod"]);
    expect(repo.entries).toHaveLength(12);
    expect(repo.engineers.map((e) => e.name)).toEqual(["alice", "bob", "carol"]);
    expect(w.git(["rev-list", "--count", "HEAD"])).toBe("1");
    expect(w.git(["status", "--porcelain"])).toBe("");
  });

  it("encrypts each vault to exactly its readers, with a manifest that matches", () => {
    for (const [i, v] of repo.vaults.entries()) {
      const readers = i % 2 === 0 ? ["alice", "bob", "carol"] : ["alice"];
      for (const e of ["alice", "bob", "carol"]) expect(ageDecrypt(w, e, `clients/${v}/vault.age`) !== null).toBe(readers.includes(e));
      const manifest = JSON.parse(readFileSync(join(w.repo, "clients", v, "manifest.json"), "utf8"));
      expect(manifest.recipients.map((r: { name: string }) => r.name)).toEqual(readers);
      expect(manifest.sha256).toBe(createHash("sha256").update(readFileSync(join(w.repo, "clients", v, "vault.age"))).digest("hex"));
    }
  });

  it("writes audit lines hash-chained per engineer across month files", () => {
    let lines = 0;
    for (const e of repo.engineers) {
      let prev: string | null = null;
      for (const f of w.git(["ls-files", `audit/${e.name}`]).split("\n").filter(Boolean).sort()) {
        for (const text of readFileSync(join(w.repo, f), "utf8").trim().split("\n")) {
          const line = JSON.parse(text);
          expect(line.engineer).toBe(e.name);
          expect(line.prev).toBe(prev === null ? "0".repeat(64) : createHash("sha256").update(prev).digest("hex"));
          prev = text;
          lines++;
        }
      }
    }
    expect(lines).toBe(8);
  });

  it("gives codes through the CLI that oathtool agrees with", async () => {
    const r = await w.run("bob", ["code", "client-0001/svc-02", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const code = JSON.parse(r.stdout);
    expect(code.code).toBe(oathtoolTotp(repo.seeds.get("client-0001/svc-02")!, code.at));
  });


});
