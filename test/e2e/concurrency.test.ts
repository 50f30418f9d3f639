// Parallel commands on one repository: each change lands whole, or fails and says so; none is lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ageDecrypt, SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
beforeAll(async () => {
  w = await teamWorld(["alice"]);
  await w.run("alice", ["client", "add", "acme"]);
});
afterAll(() => w.cleanup());

describe("parallel writers", () => {
  it("never lose an entry: every add that reports success is in the vault, the others say to retry", async () => {
    const names = ["p1", "p2", "p3", "p4", "p5"];
    const results = await Promise.all(names.map((n) => w.run("alice", ["add", `acme/${n}`, "--secret-stdin"], { input: SEEDS.aws })));
    const ok = names.filter((_, i) => results[i]!.exitCode === 0);
    for (const [i, r] of results.entries()) {
      if (r.exitCode !== 0) expect(r.stderr, names[i]).toMatch(/changed while this command ran.*run the command again/);
    }
    expect(ok.length).toBeGreaterThan(0);
    const doc = JSON.parse(ageDecrypt(w, "alice", "clients/acme/vault.age")!);
    expect(Object.keys(doc.entries).sort()).toEqual(ok.sort());
    expect(w.git(["status", "--porcelain"])).toBe("");
  });
});
