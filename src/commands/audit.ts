// `mfavault audit verify|log|export`: checking, reading and exporting the signed audit trail. None of
// these needs a private key: they read the public audit files and team cards, so CI can run them.
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { MfaError } from "../core/errors.js";
import { escapeText } from "../core/escape.js";
import { parseSince } from "../core/schedule.js";
import { auditCefEvent } from "../formats/audit-cef.js";
import { auditCsvHeader, auditCsvRow } from "../formats/audit-csv.js";
import { writeFileAtomic } from "../repo/atomic-write.js";
import { checkAuditTrail, readAuditTrail, type TrailLine } from "../repo/audit-trail.js";
import { readTeam } from "../repo/team-store.js";
import { defineAuditReview } from "./audit-review.js";
import { emit, note, repoRoot, type Ctx } from "./context.js";

export async function runAuditVerify(ctx: Ctx): Promise<void> {
  const root = repoRoot(ctx);
  const check = checkAuditTrail(root, readTeam(root));
  const result = { ok: check.findings.length === 0, lines: check.lines, engineers: check.engineers, findings: check.findings };
  emit(ctx, result, (r) =>
    r.ok
      ? `audit trail ok: ${r.lines} lines from ${r.engineers} engineer${r.engineers === 1 ? "" : "s"}, every signature, sequence and chain verified`
      : r.findings.map((f) => escapeText(`${f.file}${f.line ? `:${f.line}` : ""}: ${f.message} [${f.check}]`)).join("\n"),
  );
  if (!result.ok) throw new MfaError("finding", `${result.findings.length} finding${result.findings.length === 1 ? "" : "s"} in the audit trail: the first broken line of each engineer is named above`);
}

export interface LogOptions {
  client?: string;
  engineer?: string;
  action?: string;
  since?: string;
  until?: string;
}

/** The lines of the trail in a time range, filtered as asked, oldest first. */
function selectLines(ctx: Ctx, o: LogOptions): TrailLine[] {
  const root = repoRoot(ctx);
  const now = ctx.io.now();
  const since = o.since ? parseSince(o.since, now) : undefined;
  const until = o.until ? parseSince(o.until, now) : undefined;
  const read = readAuditTrail(root, { since, until, engineer: o.engineer });
  if (read.unreadable > 0) note(ctx, `warning: ${read.unreadable} audit line${read.unreadable === 1 ? "" : "s"} could not be read and ${read.unreadable === 1 ? "is" : "are"} left out: run "mfavault audit verify"`);
  const actions = o.action?.split(",").map((a) => a.trim()).filter(Boolean);
  const sinceIso = since?.toISOString();
  const untilIso = until?.toISOString();
  return read.lines.filter(({ line }) => {
    if (sinceIso && line.ts < sinceIso) return false;
    if (untilIso && line.ts >= untilIso) return false;
    if (actions && !actions.includes(line.action)) return false;
    if (o.client && line.target !== o.client && !line.target.startsWith(`${o.client}/`)) return false;
    return true;
  });
}

function table(rows: TrailLine[]): string {
  const cells = rows.map(({ line }) => [
    line.ts.replace(/\.\d{3}Z$/, "Z"),
    escapeText(line.engineer),
    escapeText(line.action),
    escapeText(line.target),
    escapeText(line.host),
    line.details ? escapeText(JSON.stringify(line.details)) : "",
  ]);
  const head = ["TIME", "ENGINEER", "ACTION", "TARGET", "HOST", "DETAILS"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [head, ...cells].map((c) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

export async function runAuditLog(ctx: Ctx, o: LogOptions): Promise<void> {
  const rows = selectLines(ctx, o);
  if (ctx.global.json) {
    // JSON lines: one audit line a line, with where it sits, so a script can stream and filter it.
    for (let i = 0; i < rows.length; i += 5000) {
      ctx.io.out(rows.slice(i, i + 5000).map((r) => `${JSON.stringify({ ...r.line, at: `${r.file}:${r.number}` })}\n`).join(""));
    }
    return;
  }
  ctx.io.out(rows.length === 0 ? "no audit lines match\n" : `${table(rows)}\n`);
}

export type ExportFormat = "jsonl" | "csv" | "cef";

export async function runAuditExport(ctx: Ctx, o: LogOptions & { format: ExportFormat; out?: string }): Promise<void> {
  const rows = selectLines(ctx, o);
  const render: (r: TrailLine) => string =
    o.format === "csv" ? (r) => auditCsvRow(r.line) : o.format === "cef" ? (r) => `${auditCefEvent(r.line, r.text, pkg.version)}\n` : (r) => `${r.text}\n`;
  const chunks: string[] = o.format === "csv" ? [auditCsvHeader()] : [];
  for (let i = 0; i < rows.length; i += 5000) chunks.push(rows.slice(i, i + 5000).map(render).join(""));
  if (o.out) {
    const path = resolve(ctx.io.cwd, o.out);
    writeFileAtomic(path, chunks.join(""), 0o600);
    note(ctx, `wrote ${rows.length} audit line${rows.length === 1 ? "" : "s"} to ${path} (${o.format})`);
    return;
  }
  for (const c of chunks) ctx.io.out(c);
}

const TIME_HELP = "a date (2026-01-31 = 00:00 UTC), a UTC timestamp, or a span back from now (30d, 12h, 2w)";

export function defineAudit(program: Command, ctx: Ctx): void {
  const audit = program.command("audit").description("the signed, hash-chained audit trail: verify, log, export, review");
  audit
    .command("verify")
    .description("check every audit line of every engineer: signature (removed engineers' cards count), sequence, hash chain")
    .addHelpText(
      "after",
      "\nExits 6 and names the first broken line (file:line) of each engineer when anything is wrong.\nIt cannot see lines cut from the end of a file: compare with git history (see README).\n\nExamples:\n  mfavault audit verify\n  mfavault audit verify --json",
    )
    .action(() => runAuditVerify(ctx));
  audit
    .command("log")
    .description("show audit lines as a table (or JSON lines with --json), oldest first")
    .option("--client <vault>", "only lines about this vault and the scopes and entries inside it")
    .option("--engineer <name>", "only this engineer's lines")
    .option("--action <actions>", "only these actions, comma-separated (code, reveal, add, ...)")
    .option("--since <time>", `from this time on: ${TIME_HELP}`)
    .option("--until <time>", "before this time (same forms)")
    .addHelpText("after", "\nExamples:\n  mfavault audit log --client acme --since 30d\n  mfavault audit log --engineer bob --action code,reveal --since 2026-01-01 --until 2026-02-01\n  mfavault audit log --json | jq .target")
    .action((o: LogOptions) => runAuditLog(ctx, o));
  audit
    .command("export")
    .description("write audit lines for a SIEM: JSONL (the signed lines as they are), CSV or CEF")
    .addOption(new Option("--format <format>", "jsonl, csv or cef").choices(["jsonl", "csv", "cef"]).default("jsonl"))
    .option("--since <time>", `from this time on: ${TIME_HELP}`)
    .option("--until <time>", "before this time (same forms)")
    .option("--engineer <name>", "only this engineer's lines")
    .option("--out <file>", "write to this file (mode 0600) instead of stdout")
    .addHelpText("after", "\nExamples:\n  mfavault audit export --format cef --since 1d >> /var/log/mfavault.cef\n  mfavault audit export --format csv --since 2026-01-01 --out audit-2026.csv")
    .action((o: LogOptions & { format: ExportFormat; out?: string }) => runAuditExport(ctx, o));
  defineAuditReview(audit, ctx);
}
