// `mfavault status --report md|html|json [--since 30d] [--out FILE] [--now T]`: the review report for a
// period, written to stdout or a file. It reveals no seed (names, counts, dates), so it writes no audit line.
import { resolve } from "node:path";
import { buildPolicyReport } from "../core/policy-report.js";
import { policyOf } from "../core/policy-settings.js";
import { parseReviewSettings } from "../core/review-settings.js";
import { reportHtml } from "../formats/report-html.js";
import { reportMarkdown } from "../formats/report-markdown.js";
import { writeFileAtomic } from "../repo/atomic-write.js";
import { loadPolicyInput } from "../repo/policy-input.js";
import type { Session } from "../repo/session.js";
import { note, type Ctx } from "./context.js";

export const REPORT_FORMATS = ["md", "html", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export async function runStatusReport(ctx: Ctx, s: Session, o: { format: ReportFormat; since: Date; out?: string }): Promise<void> {
  const input = await loadPolicyInput(s, (m) => note(ctx, `warning: ${m}`));
  const report = buildPolicyReport({
    vaults: input.vaults,
    lines: input.lines,
    team: s.team,
    policy: policyOf(s.config),
    review: parseReviewSettings(s.config.audit),
    since: o.since,
    now: s.now(),
    generatedBy: s.me.name,
  });
  const text = o.format === "html" ? reportHtml(report) : o.format === "md" ? reportMarkdown(report) : `${JSON.stringify(report, null, 2)}\n`;
  if (!o.out) {
    ctx.io.out(text);
    return;
  }
  const path = resolve(ctx.io.cwd, o.out);
  writeFileAtomic(path, text, 0o600);
  const sum = report.summary;
  note(ctx, `wrote the review report (${o.format}) to ${path}: ${sum.vaults} vaults, ${sum.reads} reads, ${sum.anomalies} anomalies, ${sum.overdue} overdue`);
}
