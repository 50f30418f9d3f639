import { describe, expect, it } from "vitest";
import type { Entry } from "../../src/core/entry.js";
import { DEFAULT_POLICY, parsePolicySettings } from "../../src/core/policy-settings.js";
import { inheritedItems, scheduleItems } from "../../src/core/rotation-state.js";
import { resolveRotation, spanMs } from "../../src/core/schedule.js";
import type { VaultDoc } from "../../src/core/vault-doc.js";

const now = new Date("2026-06-01T00:00:00Z");
const base: Entry = { type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30, issuer: "AWS", account: "root", notes: "", created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z" };
const doc = (vault: string, entries: Record<string, Partial<Entry>>, settings?: VaultDoc["settings"]): VaultDoc => ({
  version: 1,
  vault,
  settings,
  entries: Object.fromEntries(Object.entries(entries).map(([n, e]) => [n, { ...base, ...e }])),
});

describe("which schedule applies to an entry", () => {
  const repo = { interval: "1y", tier: "standard" as const, high: "90d" };
  it("takes the entry's own setting, else its vault's, else the repository's", () => {
    expect(resolveRotation({ interval: "30d" }, { interval: "90d", tier: "high" }, repo)).toEqual({ interval: "30d", tier: "high" });
    expect(resolveRotation(undefined, { interval: "180d" }, repo)).toEqual({ interval: "180d", tier: "standard" });
    expect(resolveRotation(undefined, undefined, repo)).toEqual({ interval: "1y", tier: "standard" });
  });

  it("rotates a high-tier entry at least every high-tier interval of the repository", () => {
    expect(resolveRotation({ tier: "high" }, undefined, repo)).toEqual({ interval: "90d", tier: "high" });
    expect(resolveRotation(undefined, { interval: "180d", tier: "high" }, repo)).toEqual({ interval: "90d", tier: "high" });
    expect(resolveRotation({ tier: "high" }, undefined, { interval: "30d", tier: "standard", high: "90d" })).toEqual({ interval: "30d", tier: "high" });
    expect(resolveRotation(undefined, { tier: "high" }, { tier: "standard", high: "30d" })).toEqual({ interval: "30d", tier: "high" });
    expect(resolveRotation(undefined, undefined, { tier: "standard", high: "90d" })).toEqual({ tier: "standard" });
  });

  it.each([["48h", 48 * 3600_000], ["7d", 7 * 86_400_000], ["2w", 14 * 86_400_000]])("reads the window %s", (w, ms) => expect(spanMs(w)).toBe(ms));
  it.each(["0h", "48", "2 days", "1y"])("refuses the window %j", (w) => expect(() => spanMs(w)).toThrow(/invalid window/));
});

describe("repository policy in mfavault.json", () => {
  it("defaults when absent and reads every key", () => {
    expect(parsePolicySettings(undefined)).toEqual(DEFAULT_POLICY);
    expect(parsePolicySettings({ rotation: { interval: "1y", tier: "high", high: "30d" }, inheritedWindow: "7d", dueSoonDays: 30 })).toEqual({
      rotation: { interval: "1y", tier: "high", high: "30d" },
      inheritedWindow: "7d",
      dueSoonDays: 30,
    });
  });

  it.each([
    [{ inheritedWindw: "7d" }, /unknown key "inheritedWindw"/],
    [{ rotation: { every: "90d" } }, /policy.rotation: unknown key "every"/],
    [{ rotation: { interval: "quarterly" } }, /policy.rotation.interval: invalid rotation interval/],
    [{ inheritedWindow: 48 }, /inheritedWindow must be a string/],
    [{ dueSoonDays: -1 }, /dueSoonDays must be a whole number/],
    [[], /policy must be an object/],
  ])("refuses %j and names the key", (raw, message) => {
    expect(() => parsePolicySettings(raw)).toThrow(message);
  });
});

describe("schedule and inherited lists", () => {
  const policy = { ...DEFAULT_POLICY, rotation: { ...DEFAULT_POLICY.rotation, interval: "1y" } };
  const docs = [
    doc("acme", {
      overdue: { rotated: "2026-02-01T00:00:00Z", rotation: { interval: "90d" } },
      soon: { rotated: "2026-03-10T00:00:00Z", rotation: { interval: "90d" } },
      fine: { rotated: "2026-05-20T00:00:00Z", rotation: { interval: "90d" } },
      fresh: { created: "2026-05-01T00:00:00Z" },
    }),
    doc("acme/prod", { root: { created: "2026-02-01T00:00:00Z" } }, { rotation: { tier: "high" } }),
  ];

  it("lists overdue, due soon and never rotated, most urgent first, with the tier and interval that apply", () => {
    const items = scheduleItems(docs, policy, now);
    expect(items.map((i) => [i.entry, i.state, i.interval, i.tier])).toEqual([
      ["acme/overdue", "overdue", "90d", "standard"],
      ["acme/prod/root", "overdue", "90d", "high"],
      ["acme/soon", "due-soon", "90d", "standard"],
      ["acme/fresh", "never-rotated", "1y", "standard"],
    ]);
    expect(items[0]).toMatchObject({ due: "2026-05-02T00:00:00.000Z", daysLeft: -30, lastRotated: "2026-02-01T00:00:00Z", issuer: "AWS" });
    expect(items[3]!.lastRotated).toBeNull();
  });

  it("lists nothing for entries without any schedule", () => {
    expect(scheduleItems([doc("x", { a: {} })], DEFAULT_POLICY, now)).toEqual([]);
  });

  it("shows inherited seeds until rotated, overdue once the window has passed", () => {
    const d = doc("acme", {
      old: { inherited: { since: "2026-05-28T00:00:00Z", window: "48h" } },
      recent: { inherited: { since: "2026-05-31T12:00:00Z", window: "48h" } },
      own: {},
    });
    expect(inheritedItems([d], now)).toEqual([
      { entry: "acme/old", vault: "acme", issuer: "AWS", account: "root", since: "2026-05-28T00:00:00Z", window: "48h", due: "2026-05-30T00:00:00.000Z", overdue: true },
      { entry: "acme/recent", vault: "acme", issuer: "AWS", account: "root", since: "2026-05-31T12:00:00Z", window: "48h", due: "2026-06-02T12:00:00.000Z", overdue: false },
    ]);
  });
});
