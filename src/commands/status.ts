// `mfavault status`: what needs attention, in sections. Each section adds its own keys to the one
// report object (`status --json`) and renders its own block of text; a new review adds a section here.
import type { Command } from "commander";
import type { AuditReview } from "../core/audit-review.js";
import { escapeText } from "../core/escape.js";
import { isMfaError, usageError } from "../core/errors.js";
import { rotationDueItems, type RotationDueItem } from "../core/policy.js";
import { REVIEW_ACTION, type BreakGlassOpening, type ReviewMark, type TicketlessRead } from "../core/read-anomalies.js";
import type { InheritedItem, ScheduleItem } from "../core/rotation-state.js";
import { parseSince } from "../core/schedule.js";
import { recordRead } from "../repo/audit-log.js";
import { listVaults } from "../repo/layout.js";
import type { Session } from "../repo/session.js";
import { sharedVaultDoc } from "../repo/session-reads.js";
import { readManifest } from "../repo/vault-store.js";
import { accessSession, listSome } from "./access.js";
import { auditReviewSection } from "./audit-review.js";
import { emit, note, type Ctx } from "./context.js";
import { conflictSection, type ConflictItem } from "./status-conflicts.js";
import { readPolicySection, scheduleSection } from "./policy-status.js";
import { REPORT_FORMATS, runStatusReport, type ReportFormat } from "./status-report.js";

/** The whole report. Sections own disjoint keys; a later section (audit review, schedules) adds its own. */
export interface StatusReport {
  /** The moment everything was evaluated at: now, or `--now`. */
  asOf: string;
  /** Entries due for rotation because someone lost access, in the vaults you can read. */
  rotationDue: RotationDueItem[];
  /** Vaults you cannot decrypt: what is due in them is visible only to their readers. */
  notReadable: string[];
  /** Entries a merge kept with two seeds (see status-conflicts.ts). */
  conflicts: ConflictItem[];
  /** The monthly audit review over the last 30 days (see commands/audit-review.ts). */
  review?: AuditReview;
  /** Scheduled entries overdue, due soon, or never rotated (see commands/policy-status.ts). */
  schedule?: ScheduleItem[];
  /** Seeds inherited from a previous provider, until rotated. */
  inherited?: InheritedItem[];
  /** When `status --mark-reviewed` last ran, or null. */
  lastReview?: ReviewMark | null;
  /** The start of the anomaly window below: --since, else the last review; null means all time. */
  anomaliesSince?: string | null;
  breakGlassOpenings?: BreakGlassOpening[];
  /** Reads without a ticket of vaults that require one. */
  readsWithoutTicket?: TicketlessRead[];
  /** Set by --mark-reviewed: the time of the review line it wrote. */
  markedReviewed?: string;
}

/** What a section may be asked for beyond the session's clock. */
export interface StatusWindow {
  /** --since: the start of the anomaly window, instead of the last review. */
  since?: Date;
}

export interface StatusSection {
  title(report: StatusReport): string;
  collect(ctx: Ctx, s: Session, window?: StatusWindow): Promise<Partial<StatusReport>>;
  /** Lines under the section's title; the title is printed by the renderer. */
  render(report: StatusReport): string[];
}

const rotationSection: StatusSection = {
  title: (r) => `Rotation due (${r.rotationDue.length})`,
  async collect(ctx, s) {
    const rotationDue: RotationDueItem[] = [];
    const notReadable: string[] = [];
    for (const vault of listVaults(s.root)) {
      try {
        if (!readManifest(s.root, vault).recipients.some((r) => r.name === s.me.name)) {
          notReadable.push(vault);
          continue;
        }
        rotationDue.push(...rotationDueItems(await sharedVaultDoc(s, vault)));
      } catch (e) {
        if (!isMfaError(e)) throw e;
        note(ctx, `warning: ${vault} not checked: ${e.message}`);
        notReadable.push(vault);
      }
    }
    return { rotationDue, notReadable };
  },
  render(r) {
    const lines =
      r.rotationDue.length === 0
        ? ["nothing is due for rotation"]
        : r.rotationDue.map((i) => `  ${i.entry}  ${escapeText(i.issuer) || "-"}${i.account ? ` — ${escapeText(i.account)}` : ""}  since ${i.since.slice(0, 10)}: ${escapeText(i.reason)}`);
    if (r.rotationDue.length > 0) lines.push("  rotate each seed at its service, then: mfavault rotate <entry> --secret-stdin");
    if (r.notReadable.length > 0) lines.push(`  not checked (you cannot decrypt them): ${listSome(r.notReadable)}`);
    return lines;
  },
};

export const STATUS_SECTIONS: StatusSection[] = [rotationSection, conflictSection, scheduleSection, readPolicySection, auditReviewSection];

export function renderStatus(report: StatusReport, sections: StatusSection[] = STATUS_SECTIONS): string {
  return sections.map((sec) => [sec.title(report), ...sec.render(report)].join("\n")).join("\n\n");
}

export interface StatusOptions {
  now?: string;
  since?: string;
  markReviewed?: boolean;
  report?: string;
  out?: string;
}

/** --now: an absolute UTC time only (a relative one would shift with the real clock it replaces). */
function parseNow(value: string): Date {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/.test(value) || Number.isNaN(t)) {
    throw usageError(`--now takes an ISO date or UTC time, e.g. 2026-06-01 or 2026-06-01T09:00:00Z (got "${escapeText(value.slice(0, 40))}")`);
  }
  return new Date(t);
}

export async function runStatus(ctx: Ctx, o: StatusOptions = {}): Promise<void> {
  if (o.report !== undefined && !REPORT_FORMATS.includes(o.report as ReportFormat)) throw usageError(`--report takes ${REPORT_FORMATS.join(", ")}`);
  if (o.out !== undefined && o.report === undefined) throw usageError("--out goes with --report");
  if (o.markReviewed && (o.now !== undefined || o.report !== undefined)) {
    throw usageError("--mark-reviewed records that you reviewed what status shows now: run it without --now and --report");
  }
  const asOf = o.now === undefined ? undefined : parseNow(o.now);
  const s = await accessSession(ctx);
  // Everything is evaluated as of --now; anything written (the review line) keeps the real clock.
  const view: Session = asOf ? { ...s, now: () => asOf } : s;
  if (o.report !== undefined) {
    await runStatusReport(ctx, view, { format: o.report as ReportFormat, since: parseSince(o.since ?? "30d", view.now()), out: o.out });
    return;
  }
  const window: StatusWindow = o.since === undefined ? {} : { since: parseSince(o.since, view.now()) };
  const report: StatusReport = { asOf: view.now().toISOString(), rotationDue: [], notReadable: [], conflicts: [] };
  for (const section of STATUS_SECTIONS) Object.assign(report, await section.collect(ctx, view, window));
  if (o.markReviewed) {
    const details = { since: report.anomaliesSince ?? null, breakGlassOpenings: report.breakGlassOpenings?.length ?? 0, readsWithoutTicket: report.readsWithoutTicket?.length ?? 0 };
    recordRead(s, { action: REVIEW_ACTION, target: "*", details }, ctx.global.commit !== false);
    report.markedReviewed = s.now().toISOString();
  }
  emit(ctx, report, (r) => {
    const text = renderStatus(r);
    return r.markedReviewed ? `${text}\n\nmarked reviewed: break-glass openings and reads without a ticket up to now will not be listed again` : text;
  });
}

export function defineStatus(program: Command, ctx: Ctx): void {
  program
    .command("status")
    .description("what needs attention: rotation due and schedules, inherited seeds, break-glass openings, reads without tickets, the monthly review")
    .option("--now <time>", "evaluate as of this time (ISO date or UTC time) instead of now: schedules, windows, the review period")
    .option("--since <time>", "list break-glass openings and reads without a ticket since this time (default: since the last --mark-reviewed); with --report, the period (default 30d)")
    .option("--mark-reviewed", "record (audit line \"review\") that you reviewed the openings and ticketless reads listed: later runs list only newer ones")
    .option("--report <format>", `write the review report: ${REPORT_FORMATS.join(", ")} (html is one self-contained, printable file)`)
    .option("--out <file>", "write the report to this file (mode 0600) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  mfavault status\n" +
        '  mfavault status --json    # {"asOf":"…","rotationDue":[…],"schedule":[…],"inherited":[…],"breakGlassOpenings":[…],"readsWithoutTicket":[…],"review":{…}}\n' +
        "  mfavault status --mark-reviewed\n  mfavault status --now 2026-09-01   # what will be overdue by then\n" +
        "  mfavault status --report html --since 30d --out review-2026-06.html\n  mfavault status --report md --since 2026-05-01 --now 2026-06-01",
    )
    .action((o: StatusOptions) => runStatus(ctx, o));
}
