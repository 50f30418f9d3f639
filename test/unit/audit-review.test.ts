// The monthly review from lines and vaults: each question answered, and the settings checked.
import { describe, expect, it } from "vitest";
import { auditReview, type ReviewInput, type ReviewLine, type ReviewVault } from "../../src/core/audit-review.js";
import { DEFAULT_REVIEW, parseReviewSettings } from "../../src/core/review-settings.js";
import type { Card } from "../../src/core/card.js";

const NOW = new Date("2026-03-31T12:00:00Z");
const card = (name: string, status: Card["status"] = "active"): Card => ({ name, recipient: "age1x", signingKey: "ed25519:x", status, created: "2025-01-01T00:00:00Z" });
const team = new Map([card("alice"), card("bob", "removed"), card("carol")].map((c) => [c.name, c]));

function read(engineer: string, target: string, ts: string, action = "code", details?: ReviewLine["details"]): ReviewLine {
  return { engineer, target, ts, action, ...(details ? { details } : {}) };
}

const entry = (created = "2026-01-01T00:00:00Z", extra: object = {}) => ({ created, ...extra });

function review(lines: ReviewLine[], vaults: ReviewVault[], over: Partial<ReviewInput> = {}) {
  return auditReview({ lines, vaults, team, settings: DEFAULT_REVIEW, now: NOW, since: new Date("2026-03-01T00:00:00Z"), ...over });
}

const acme: ReviewVault = { vault: "acme", readers: ["alice", "carol"], entries: { aws: entry(), gcp: entry(), vpn: entry() } };
const prod: ReviewVault = { vault: "acme/prod", readers: ["alice"], entries: { db: entry() } };

describe("reads by engineers no longer assigned", () => {
  it("lists reads in the period by engineers not in the vault's recipients, by the longest vault", () => {
    const r = review(
      [
        read("bob", "acme/aws", "2026-03-02T10:00:00.000Z"),
        read("bob", "acme/gcp", "2026-03-05T10:00:00.000Z", "reveal"),
        read("carol", "acme/prod/db", "2026-03-06T10:00:00.000Z"),
        read("carol", "acme/aws", "2026-03-06T10:00:00.000Z"),
        read("bob", "acme/aws", "2026-02-01T10:00:00.000Z"), // before the period
      ],
      [acme, prod],
    );
    expect(r.unassignedReads).toEqual([
      { engineer: "bob", vault: "acme", reads: 2, last: "2026-03-05T10:00:00.000Z" },
      { engineer: "carol", vault: "acme/prod", reads: 1, last: "2026-03-06T10:00:00.000Z" },
    ]);
  });

  it("counts an export against each vault it exported", () => {
    const r = review([read("carol", "acme", "2026-03-02T10:00:00.000Z", "export", { vaults: ["acme", "acme/prod"] })], [acme, prod]);
    expect(r.unassignedReads).toEqual([{ engineer: "carol", vault: "acme/prod", reads: 1, last: "2026-03-02T10:00:00.000Z" }]);
  });
});

describe("bulk reads", () => {
  const settings = { ...DEFAULT_REVIEW, bulkEntries: 3, bulkMinutes: 10 };
  const at = (min: number) => new Date(Date.UTC(2026, 2, 10, 9, min)).toISOString();

  it("flags N different entries within the window, merging overlapping windows", () => {
    const lines = [read("alice", "acme/aws", at(0)), read("alice", "acme/gcp", at(4)), read("alice", "acme/vpn", at(8)), read("alice", "acme/prod/db", at(12))];
    expect(review(lines, [acme, prod], { settings }).bulkReads).toEqual([
      { engineer: "alice", from: at(0), to: at(12), entries: ["acme/aws", "acme/gcp", "acme/prod/db", "acme/vpn"] },
    ]);
  });

  it("does not flag the same entry read many times, or reads spread wider than the window", () => {
    const same = [0, 1, 2, 3, 4].map((m) => read("alice", "acme/aws", at(m)));
    const spread = [read("alice", "acme/aws", at(0)), read("alice", "acme/gcp", at(11)), read("alice", "acme/vpn", at(22))];
    expect(review([...same], [acme], { settings }).bulkReads).toEqual([]);
    expect(review(spread, [acme], { settings }).bulkReads).toEqual([]);
  });

  it("keeps separate bursts apart and lists every export", () => {
    const lines = [
      read("alice", "acme/aws", at(0)), read("alice", "acme/gcp", at(1)), read("alice", "acme/vpn", at(2)),
      read("alice", "acme/aws", at(40)), read("alice", "acme/gcp", at(41)), read("alice", "acme/vpn", at(42)),
      read("carol", "acme", at(50), "export"),
    ];
    const r = review(lines, [acme], { settings });
    expect(r.bulkReads.map((b) => [b.engineer, b.from, b.to])).toEqual([["alice", at(0), at(2)], ["alice", at(40), at(42)], ["carol", at(50), at(50)]]);
    expect(r.bulkReads[2]!.entries).toEqual(["acme/*"]);
  });
});

describe("entries never read and not rotated", () => {
  it("lists entries with no read ever, following renames, and counting exports made after creation", () => {
    const r = review(
      [
        read("alice", "acme/old", "2026-01-02T00:00:00.000Z"),
        read("alice", "acme/old", "2026-01-03T00:00:00.000Z", "mv", { to: "acme/aws" }),
        read("carol", "acme/prod", "2026-01-02T00:00:00.000Z", "export", { vaults: ["acme/prod"] }),
      ],
      [acme, { ...prod, entries: { db: entry(), later: entry("2026-02-01T00:00:00Z") } }],
    );
    expect(r.neverRead).toEqual(["acme/gcp", "acme/vpn", "acme/prod/later"]);
  });

  it("lists entries not rotated, or never rotated and created, longer ago than the interval", () => {
    const vault: ReviewVault = {
      vault: "acme",
      readers: ["alice"],
      entries: { old: entry("2024-01-01T00:00:00Z"), rotated: entry("2024-01-01T00:00:00Z", { rotated: "2026-01-01T00:00:00Z" }), stale: entry("2024-01-01T00:00:00Z", { rotated: "2025-01-01T00:00:00Z" }) },
    };
    expect(review([], [vault]).notRotated).toEqual([
      { entry: "acme/old", since: "2024-01-01T00:00:00Z", due: "2024-12-31T00:00:00.000Z" },
      { entry: "acme/stale", since: "2025-01-01T00:00:00Z", due: "2026-01-01T00:00:00.000Z" },
    ]);
  });

  it("names the vaults it could not look into", () => {
    expect(review([], [acme, { vault: "hooli", readers: ["bob"], entries: null }]).notReviewed).toEqual(["hooli"]);
  });
});

describe("engineers who lost access", () => {
  it("splits the seeds they could read into those they read and those they never did", () => {
    const mark = (engineer: string) => ({ rotationDue: [{ since: "2026-03-20T00:00:00Z", reason: `${engineer} revoked`, engineer }] });
    const vault: ReviewVault = { vault: "acme", readers: ["alice"], entries: { aws: entry(undefined, mark("bob")), gcp: entry(undefined, mark("bob")), vpn: entry(undefined, mark("bob")), web: entry(undefined, mark("carol")) } };
    const r = review(
      [
        read("bob", "acme/aws", "2026-01-05T00:00:00.000Z"),
        read("bob", "acme/aws", "2026-03-02T00:00:00.000Z", "reveal"),
        read("bob", "acme/gcp", "2026-02-05T00:00:00.000Z"),
        read("alice", "acme/vpn", "2026-02-05T00:00:00.000Z"),
      ],
      [vault],
    );
    expect(r.lostAccess).toEqual([
      {
        engineer: "bob",
        removed: true,
        read: [
          { entry: "acme/aws", reads: 2, last: "2026-03-02T00:00:00.000Z" },
          { entry: "acme/gcp", reads: 1, last: "2026-02-05T00:00:00.000Z" },
        ],
        notRead: ["acme/vpn"],
      },
      { engineer: "carol", removed: false, read: [], notRead: ["acme/web"] },
    ]);
  });
});

describe("review settings", () => {
  it("reads bulk and rotation settings, with defaults", () => {
    expect(parseReviewSettings({})).toEqual(DEFAULT_REVIEW);
    expect(parseReviewSettings({ bulk: { entries: 5, minutes: 15 }, rotateWithin: "90d" })).toEqual({ bulkEntries: 5, bulkMinutes: 15, rotateWithin: "90d" });
  });
  it.each([{ bulk: { entries: 1 } }, { bulk: { minutes: 0 } }, { bulk: 5 }, { rotateWithin: "soon" }, { rotateWithin: 90 }])("refuses %j", (audit) => {
    expect(() => parseReviewSettings(audit)).toThrow(/mfavault\.json|rotation interval/);
  });
});
