import { describe, expect, it } from "vitest";
import type { ReviewLine } from "../../src/core/audit-review.js";
import { breakGlassMark, markOpened } from "../../src/core/break-glass.js";
import type { Entry } from "../../src/core/entry.js";
import { breakGlassOpenings, lastReviewMark, readsWithoutTicket } from "../../src/core/read-anomalies.js";
import { severityOf, syslogMessage } from "../../src/core/syslog-message.js";
import type { VaultDoc } from "../../src/core/vault-doc.js";

const line = (ts: string, engineer: string, action: string, target: string, details?: Record<string, unknown>): ReviewLine => ({ ts: `2026-05-${ts}Z`, engineer, action, target, details });

const trail: ReviewLine[] = [
  line("01T09:00:00", "alice", "code", "acme/aws"),
  line("02T09:00:00", "alice", "client-set", "acme", { settings: { requireTicket: true } }),
  line("03T09:00:00", "bob", "code", "acme/aws"),
  line("03T10:00:00", "bob", "code", "acme/aws", { ticket: "INC-1" }),
  line("04T09:00:00", "carol", "export", "acme", { format: "csv" }),
  line("04T10:00:00", "carol", "code", "acme/prod/db"),
  line("05T09:00:00", "dave", "code", "acme/bg/root", { breakGlass: true, reason: "locked out", ticket: "INC-2" }),
  line("06T09:00:00", "alice", "review", "*"),
  line("07T09:00:00", "erin", "reveal", "acme/bg/root", { breakGlass: true, reason: "again" }),
  line("07T10:00:00", "erin", "add", "acme/bg/x", { breakGlass: true }),
];

describe("reads that need a second look", () => {
  it("finds the last review mark", () => {
    expect(lastReviewMark(trail)).toEqual({ ts: "2026-05-06T09:00:00Z", engineer: "alice" });
    expect(lastReviewMark(trail.slice(0, 3))).toBeNull();
  });

  it("lists break-glass openings after the last review, or all of them", () => {
    expect(breakGlassOpenings(trail, "2026-05-06T09:00:00Z")).toEqual([{ ts: "2026-05-07T09:00:00Z", engineer: "erin", action: "reveal", target: "acme/bg/root", reason: "again" }]);
    expect(breakGlassOpenings(trail, null).map((o) => [o.engineer, o.ticket])).toEqual([["dave", "INC-2"], ["erin", undefined]]);
  });

  it("lists reads without a ticket only after the vault began to require one, scopes apart", () => {
    const vaults = [{ vault: "acme", requireTicket: true }, { vault: "acme/prod", requireTicket: false }, { vault: "acme/bg", requireTicket: false }];
    expect(readsWithoutTicket(trail, vaults, null)).toEqual([
      { ts: "2026-05-03T09:00:00Z", engineer: "bob", action: "code", target: "acme/aws", vault: "acme" },
      { ts: "2026-05-04T09:00:00Z", engineer: "carol", action: "export", target: "acme", vault: "acme" },
    ]);
    expect(readsWithoutTicket(trail, vaults, "2026-05-03T09:00:00Z").map((t) => t.engineer)).toEqual(["carol"]);
    expect(readsWithoutTicket(trail, [{ vault: "acme", requireTicket: false }], null)).toEqual([]);
  });

  it("counts every read when the requirement was set without a trace in the trail", () => {
    const vaults = [{ vault: "acme/prod", requireTicket: true }];
    expect(readsWithoutTicket(trail, vaults, null).map((t) => t.target)).toEqual(["acme/prod/db"]);
  });
});

describe("break-glass marks and alerts", () => {
  const e: Entry = { type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30, issuer: "", account: "", notes: "", created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z" };
  const doc: VaultDoc = { version: 1, vault: "acme/bg", entries: { root: e, other: e } };

  it("marks only the opened entries, keeping the first opening's date", () => {
    const first = markOpened(doc, ["root"], breakGlassMark("dave", new Date("2026-05-05T09:00:00Z")));
    expect(first.entries.root!.rotationDue).toEqual([{ since: "2026-05-05T09:00:00.000Z", reason: "opened with break-glass by dave", breakGlass: true }]);
    expect(first.entries.other!.rotationDue).toBeUndefined();
    const again = markOpened(first, ["root", "other"], breakGlassMark("erin", new Date("2026-05-07T09:00:00Z")));
    expect(again.entries.root!.rotationDue).toHaveLength(1);
    expect(again.entries.other!.rotationDue![0]!.reason).toBe("opened with break-glass by erin");
  });

  it("sends a break-glass line to syslog at alert severity, other lines as before", () => {
    expect(severityOf({ action: "code", details: { breakGlass: true, reason: "x" } })).toBe(1);
    expect(severityOf({ action: "export", details: { breakGlass: true } })).toBe(1);
    expect(severityOf({ action: "code", details: { ticket: "INC-1" } })).toBe(6);
    expect(severityOf({ action: "reveal" })).toBe(5);
    const l = { v: 1 as const, seq: 3, ts: "2026-05-05T09:00:00.000Z", engineer: "dave", action: "code", target: "acme/bg/root", host: "h", prev: "0", sig: "s", details: { breakGlass: true } };
    expect(syslogMessage(l, "{}", { pid: 1, facility: 13 })).toMatch(/^<105>1 /);
  });
});
