// The monthly review end to end: reads by the built CLI, then bob is revoked and removed from the team
// with the real commands, and `audit review` (and `status`) answer each question.
import { execaSync } from "execa";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ageDecrypt, readRepoFile, SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
beforeAll(async () => {
  w = await teamWorld(["alice", "bob", "carol"]);
  const ok = async (who: string, args: string[], input?: string) => {
    const r = await w.run(who, args, { input });
    if (r.exitCode !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  };
  const config = JSON.parse(readRepoFile(w, "mfavault.json"));
  writeFileSync(join(w.repo, "mfavault.json"), JSON.stringify({ ...config, audit: { bulk: { entries: 3, minutes: 60 }, rotateWithin: "365d" } }, null, 2));
  w.git(["commit", "-qm", "review settings", "mfavault.json"]);
  await ok("alice", ["client", "add", "acme", "--grant", "bob,carol"]);
  await ok("alice", ["client", "add", "hooli"]);
  for (const e of ["aws", "gcp", "vpn", "web"]) await ok("alice", ["add", `acme/${e}`, "--secret-stdin"], SEEDS.aws);
  await ok("alice", ["add", "hooli/github", "--secret-stdin"], SEEDS.github);

  // acme/web was imported long ago (written with the plain age CLI, the break-glass path).
  const doc = JSON.parse(ageDecrypt(w, "alice", "clients/acme/vault.age")!);
  doc.entries.web.created = "2024-01-01T00:00:00Z";
  const plain = join(w.dir, "acme.json");
  writeFileSync(plain, JSON.stringify(doc));
  const to = ["alice", "bob", "carol"].flatMap((n) => ["-r", w.engineers.get(n)!.recipient]);
  execaSync("age", ["-e", "-a", ...to, "-o", join(w.repo, "clients/acme/vault.age"), plain]);
  w.git(["commit", "-qm", "acme/web from the old system", "clients/acme/vault.age"]);
  // A vault re-encrypted outside mfavault is applied deliberately before anything re-encrypts it again.
  await ok("alice", ["rekey", "acme"]);

  for (const [who, e] of [["bob", "aws"], ["bob", "gcp"], ["bob", "aws"], ["carol", "aws"], ["carol", "gcp"], ["carol", "vpn"]]) await ok(who!, ["code", `acme/${e}`]);
  await ok("alice", ["revoke", "bob", "acme"]);
  await ok("alice", ["team", "remove", "bob"]);
});
afterAll(() => w.cleanup());

describe("audit review", () => {
  it("answers the monthly review questions as JSON", async () => {
    const r = await w.run("alice", ["audit", "review", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const { review } = JSON.parse(r.stdout);
    expect(review.settings).toEqual({ bulkEntries: 3, bulkMinutes: 60, rotateWithin: "365d" });
    expect(review.unassignedReads).toEqual([{ engineer: "bob", vault: "acme", reads: 3, last: expect.any(String) }]);
    expect(review.bulkReads).toEqual([{ engineer: "carol", from: expect.any(String), to: expect.any(String), entries: ["acme/aws", "acme/gcp", "acme/vpn"] }]);
    expect(review.neverRead).toEqual(["acme/web", "hooli/github"]);
    expect(review.notRotated).toEqual([{ entry: "acme/web", since: "2024-01-01T00:00:00Z", due: "2024-12-31T00:00:00.000Z" }]);
    expect(review.lostAccess).toEqual([
      {
        engineer: "bob",
        removed: true,
        read: [
          { entry: "acme/aws", reads: 2, last: expect.any(String) },
          { entry: "acme/gcp", reads: 1, last: expect.any(String) },
        ],
        notRead: ["acme/vpn", "acme/web"],
      },
    ]);
    expect(review.notReviewed).toEqual([]);
  });

  it("prints each question with its count, and names what the reviewer cannot decrypt", async () => {
    const r = await w.run("carol", ["audit", "review"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("Reads by engineers no longer assigned to the vault (1)\n  bob read acme 3×");
    expect(r.stdout).toMatch(/Bulk reads \(3\+ entries within 60 min, and exports\) \(1\)\n {2}carol .*: 3 entries: acme\/aws, acme\/gcp, acme\/vpn/);
    expect(r.stdout).toContain("Entries never read (1)\n  acme/web");
    expect(r.stdout).toContain("Entries not rotated within 365d (1)\n  acme/web  since 2024-01-01, due 2024-12-31");
    expect(r.stdout).toContain("bob (removed): read acme/aws 2×, acme/gcp 1×; could read, never did: acme/vpn, acme/web");
    expect(r.stdout).toContain("Not reviewed (you cannot decrypt them): hooli");
  });

  it("is part of status: a review key beside rotationDue, and a section of its text", async () => {
    const json = await w.run("alice", ["status", "--json"]);
    expect(json.exitCode, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.rotationDue.map((i: { entry: string }) => i.entry).sort()).toEqual(["acme/aws", "acme/gcp", "acme/vpn", "acme/web"]);
    expect(report.review.lostAccess).toEqual([expect.objectContaining({ engineer: "bob", removed: true, notRead: ["acme/vpn", "acme/web"] })]);
    expect(report.review.neverRead).toEqual(["acme/web", "hooli/github"]);
    expect(Date.now() - Date.parse(report.review.since)).toBeGreaterThan(29 * 86_400_000);

    const text = await w.run("alice", ["status"]);
    expect(text.stdout).toMatch(/^Rotation due \(4\)/);
    expect(text.stdout).toMatch(/\n\nAudit review since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\nReads by engineers no longer assigned to the vault \(1\)\n {2}bob read acme 3×/);
    expect(text.stdout).toContain("bob (removed): read acme/aws 2×, acme/gcp 1×; could read, never did: acme/vpn, acme/web");
  });

  it("limits the reads it reviews to the period", async () => {
    const r = await w.run("alice", ["audit", "review", "--since", "2000-01-01", "--json"]);
    expect(JSON.parse(r.stdout).review.unassignedReads).toHaveLength(1);
    const future = await w.run("alice", ["audit", "review", "--since", "2099-01-01", "--json"]);
    const { review } = JSON.parse(future.stdout);
    expect(review.unassignedReads).toEqual([]);
    expect(review.bulkReads).toEqual([]);
    expect(review.lostAccess[0].read).toHaveLength(2); // what a departed engineer read is never forgotten
  });
});
