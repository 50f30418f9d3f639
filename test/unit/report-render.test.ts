import { describe, expect, it } from "vitest";
import type { ReviewLine } from "../../src/core/audit-review.js";
import type { Card } from "../../src/core/card.js";
import type { Entry } from "../../src/core/entry.js";
import { buildPolicyReport, type ReportInput } from "../../src/core/policy-report.js";
import { DEFAULT_POLICY } from "../../src/core/policy-settings.js";
import { DEFAULT_REVIEW } from "../../src/core/review-settings.js";
import { htmlText, reportHtml } from "../../src/formats/report-html.js";
import { mdText, reportMarkdown } from "../../src/formats/report-markdown.js";

const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)> [click](http://evil.example) | www.evil.example \u202eevil \u001b[31m`;
const e = (extra: Partial<Entry> = {}): Entry => ({ type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30, issuer: "AWS", account: "root", notes: "", created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z", ...extra });
const l = (ts: string, engineer: string, action: string, target: string, details?: Record<string, unknown>): ReviewLine => ({ ts: `2026-05-${ts}Z`, engineer, action, target, details });
const card = (name: string, status: Card["status"] = "active"): Card => ({ name, recipient: "age1x", signingKey: "ed25519:x", status, created: "2026-01-01T00:00:00Z" });

function input(): ReportInput {
  return {
    vaults: [
      {
        vault: "acme",
        readers: ["alice", "carol"],
        declared: ["alice", "carol"],
        doc: {
          version: 1,
          vault: "acme",
          settings: { requireTicket: true, rotation: { interval: "90d" } },
          entries: {
            aws: e({ rotationDue: [{ since: "2026-05-20T00:00:00Z", reason: "bob revoked", engineer: "bob" }] }),
            dns: e({ created: "2026-05-01T00:00:00Z", inherited: { since: "2026-05-01T00:00:00Z", window: "48h" } }),
          },
        },
      },
      { vault: "acme/bg", readers: ["alice"], declared: ["alice"], doc: { version: 1, vault: "acme/bg", settings: { sealed: true }, entries: { root: e({ rotationDue: [{ since: "2026-05-21T00:00:00Z", reason: "opened with break-glass by alice", breakGlass: true }] }) } } },
      { vault: "hooli", readers: ["dave"], declared: ["dave"], doc: null },
    ],
    lines: [
      l("10T09:00:00", "alice", "client-set", "acme", { settings: { requireTicket: true } }),
      l("11T09:00:00", "bob", "code", "acme/aws", { ticket: "INC-1" }),
      l("12T09:00:00", "carol", "code", "acme/aws"),
      l("12T09:01:00", "carol", "reveal", "acme/aws", { ticket: "INC-2" }),
      l("15T09:00:00", "dave", "code", "hooli/github"),
      l("20T00:00:00", "alice", "revoke", "acme", { engineer: "bob", vaults: ["acme"] }),
      l("21T00:00:00", "alice", "code", "acme/bg/root", { breakGlass: true, reason: HOSTILE }),
    ],
    team: new Map([["alice", card("alice")], ["bob", card("bob")], ["carol", card("carol")], ["dave", card("dave")]]),
    policy: DEFAULT_POLICY,
    review: DEFAULT_REVIEW,
    since: new Date("2026-05-01T00:00:00Z"),
    now: new Date("2026-06-01T00:00:00Z"),
    generatedBy: "alice",
  };
}

describe("the review report", () => {
  const report = buildPolicyReport(input());
  const acme = report.clients.find((c) => c.vault === "acme")!;
  const bg = report.clients.find((c) => c.vault === "acme/bg")!;

  it("counts per vault who read what, and the reads without a ticket", () => {
    expect(acme.reads).toEqual([
      { engineer: "bob", target: "acme/aws", code: 1, reveal: 0, export: 0, last: "2026-05-11T09:00:00Z" },
      { engineer: "carol", target: "acme/aws", code: 1, reveal: 1, export: 0, last: "2026-05-12T09:01:00Z" },
    ]);
    expect(acme.anomalies.readsWithoutTicket.map((t) => t.engineer)).toEqual(["carol"]);
    expect(acme.anomalies.unassignedReads).toEqual([{ engineer: "bob", vault: "acme", reads: 1, last: "2026-05-11T09:00:00Z" }]);
  });

  it("states rotation: overdue on the vault's schedule, inherited, revoked readers, break-glass openings", () => {
    expect(acme.rotation.overdue.map((i) => i.entry)).toEqual(["acme/aws"]);
    expect(acme.rotation.inherited).toEqual([expect.objectContaining({ entry: "acme/dns", overdue: true })]);
    expect(acme.rotation.revokedNotRotated.map((i) => [i.entry, i.engineers])).toEqual([["acme/aws", ["bob"]]]);
    expect(bg.rotation.breakGlassDue.map((i) => i.entry)).toEqual(["acme/bg/root"]);
    expect(bg.anomalies.breakGlassOpenings).toEqual([expect.objectContaining({ engineer: "alice", target: "acme/bg/root" })]);
  });

  it("lists revocations in the period and what the reviewer could not decrypt", () => {
    expect(report.revocations).toEqual([{ ts: "2026-05-20T00:00:00Z", by: "alice", action: "revoke", engineer: "bob", vaults: ["acme"] }]);
    expect(report.notReviewed).toEqual(["hooli"]);
    expect(report.clients.find((c) => c.vault === "hooli")!.reads).toEqual([expect.objectContaining({ engineer: "dave", code: 1 })]);
    expect(report.summary).toMatchObject({ vaults: 3, reads: 5, breakGlassOpenings: 1, readsWithoutTicket: 1, overdue: 1, inherited: 1, revokedNotRotated: 1, revocations: 1 });
  });

  it("writes HTML as one self-contained file with every piece of text escaped", () => {
    const html = reportHtml(report);
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<(script|img|link|iframe|object|embed|a)\b|<[^>]*\s(src|href|on\w+)=|@import|url\(/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(html).toContain("\\u202eevil \\x1b[31m");
    expect(html).toContain("default-src 'none'");
    expect(html).toMatch(/@media print \{[^}]*body/);
    for (const id of ["summary", "revocations", "vault-acme", "vault-acme--bg", "vault-hooli", "not-reviewed"]) expect(html).toContain(`<section id="${id}"`);
  });

  it("writes Markdown that turns no free text into markup, links or table cells", () => {
    const md = reportMarkdown(report);
    const row = md.split("\n").find((x) => x.includes("locked") || x.includes("alert\\(") || x.includes("\\<script"))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
    expect(md).not.toMatch(/(?<!\\)<script|(?<!\\)\[click(?<!\\)\]|http:\/\/evil/);
    expect(mdText("a_b*c`d|e<f>[g]#h~i&j@k http://x www.y")).toBe("a\\_b\\*c\\`d\\|e\\<f\\>\\[g\\]\\#h\\~i\\&j\\@k http\\://x www\\.y");
    expect(htmlText(`"'&`)).toBe("&quot;&#39;&amp;");
  });
});
