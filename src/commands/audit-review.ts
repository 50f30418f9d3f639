// `mfavault audit review`: the monthly review questions of an MSP credential audit, answered from the
// audit trail and the vaults you can read; `status` carries the same review as its "review" section.
import type { Command } from "commander";
import type { AuditReview } from "../core/audit-review.js";
import { escapeText } from "../core/escape.js";
import { parseSince } from "../core/schedule.js";
import { loadAuditReview } from "../repo/audit-review-input.js";
import { emit, note, session, type Ctx } from "./context.js";
import type { StatusSection } from "./status.js";

const minute = (iso: string) => iso.slice(0, 16).replace("T", " ");

function listSome(items: string[], max = 8): string {
  const shown = items.slice(0, max).map(escapeText).join(", ");
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

function section(title: string, rows: string[], count = rows.length): string[] {
  return [`${title} (${count})`, ...(count === 0 ? ["  none"] : rows)];
}

export const auditReviewTitle = (r: AuditReview) => `Audit review since ${minute(r.since)} UTC`;

/** The review as text under its title: one block a question, each headed by its count. */
export function renderAuditReview(r: AuditReview): string[] {
  const { bulkEntries, bulkMinutes, rotateWithin } = r.settings;
  return [
    ...section(
      "Reads by engineers no longer assigned to the vault",
      r.unassignedReads.map((u) => `  ${escapeText(u.engineer)} read ${escapeText(u.vault)} ${u.reads}×, last ${minute(u.last)}`),
    ),
    ...section(
      `Bulk reads (${bulkEntries}+ entries within ${bulkMinutes} min, and exports)`,
      r.bulkReads.map((b) => `  ${escapeText(b.engineer)} ${minute(b.from)} – ${minute(b.to)}: ${b.entries.length} ${b.entries.length === 1 ? "entry" : "entries"}: ${listSome(b.entries)}`),
    ),
    ...section("Entries never read", [`  ${listSome(r.neverRead, 20)}`], r.neverRead.length),
    ...section(
      `Entries not rotated within ${rotateWithin}`,
      r.notRotated.map((n) => `  ${n.entry}  since ${n.since.slice(0, 10)}, due ${n.due.slice(0, 10)}`),
    ),
    ...section(
      "Engineers who lost access: the seeds they read (rotate these first)",
      r.lostAccess.map(
        (l) =>
          `  ${escapeText(l.engineer)}${l.removed ? " (removed)" : ""}: read ${l.read.length ? listSome(l.read.map((x) => `${x.entry} ${x.reads}×`)) : "none"}` +
          `${l.notRead.length ? `; could read, never did: ${listSome(l.notRead)}` : ""}`,
      ),
    ),
    ...(r.notReviewed.length ? [`Not reviewed (you cannot decrypt them): ${listSome(r.notReviewed)}`] : []),
  ];
}

export async function runAuditReview(ctx: Ctx, o: { since: string }): Promise<void> {
  const s = await session(ctx);
  const review = await loadAuditReview(s, parseSince(o.since, s.now()), (m) => note(ctx, `warning: ${m}`));
  emit(ctx, { review }, (r) => [auditReviewTitle(r.review), ...renderAuditReview(r.review)].join("\n"));
}

/** The review as a section of `status` (key "review"), over the last 30 days: the monthly review. */
export const auditReviewSection: StatusSection = {
  title: (r) => (r.review ? auditReviewTitle(r.review) : "Audit review"),
  async collect(ctx, s) {
    return { review: await loadAuditReview(s, parseSince("30d", s.now()), (m) => note(ctx, `warning: ${m}`)) };
  },
  render: (r) => (r.review ? renderAuditReview(r.review) : []),
};

export function defineAuditReview(audit: Command, ctx: Ctx): void {
  audit
    .command("review")
    .description("the monthly review: unassigned and bulk reads, seeds never read or not rotated, what departed engineers read")
    .option("--since <time>", "start of the review period for reads: a date, a timestamp, or a span back from now", "30d")
    .addHelpText(
      "after",
      '\nSettings in mfavault.json: "audit": {"bulk": {"entries": 10, "minutes": 60}, "rotateWithin": "365d"}\n' +
        "Entries are reviewed in the vaults you can decrypt; the trail of every engineer is read.\n\n" +
        "Examples:\n  mfavault audit review\n  mfavault audit review --since 2026-01-01 --json",
    )
    .action((o: { since: string }) => runAuditReview(ctx, o));
}
