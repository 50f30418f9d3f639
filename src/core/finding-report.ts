// Rendering findings for people and CI systems: one text line each, a JSON document, GitHub Actions
// annotations, or JUnit XML (one test case per vault and check, a failure for each that found something).
import { escapeText } from "./escape.js";
import type { Finding } from "./finding.js";

export const REPORT_FORMATS = ["text", "json", "github", "junit"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A group of checks that ran: a vault and its checks, or the repository-wide ones (vault undefined). */
export interface CheckGroup {
  vault?: string;
  checks: readonly string[];
}

export interface Report<S> {
  findings: Finding[];
  summary: S;
  /** What ran, so JUnit can show passing test cases too. */
  groups: CheckGroup[];
  /** One sentence for people, e.g. "3 findings in 2 vaults". */
  summaryLine: string;
}

/** `file` or `file:line`, safe for a terminal. */
const where = (f: Finding) => `${escapeText(f.file)}${f.line ? `:${f.line}` : ""}`;

export function renderText(r: Report<unknown>): string {
  const lines = r.findings.map((f) => `${where(f)} ${f.vault ? `[${f.vault}] ` : ""}${f.check}: ${escapeText(f.message)}`);
  return `${[...lines, r.summaryLine].join("\n")}\n`;
}

export function renderJson<S>(r: Report<S>): string {
  const findings = r.findings.map((f) => ({ vault: f.vault ?? null, file: f.file, ...(f.line ? { line: f.line } : {}), check: f.check, message: f.message }));
  return `${JSON.stringify({ findings, summary: r.summary }, null, 2)}\n`;
}

// GitHub workflow commands: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
const ghData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const ghProperty = (s: string) => ghData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function renderGithub(r: Report<unknown>): string {
  return r.findings
    .map((f) => {
      const props = [`file=${ghProperty(escapeText(f.file))}`, ...(f.line ? [`line=${f.line}`] : []), `title=${ghProperty(`mfavault ${f.check}${f.vault ? ` (${f.vault})` : ""}`)}`];
      return `::error ${props.join(",")}::${ghData(escapeText(f.message))}\n`;
    })
    .join("");
}

/** The five XML escapes; characters XML 1.0 cannot hold at all become U+FFFD. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export function renderJunit(r: Report<unknown>, suiteName: string): string {
  const byCase = new Map<string, Finding[]>();
  const key = (vault: string | undefined, check: string) => `${vault ?? ""}\u0000${check}`;
  for (const f of r.findings) {
    const k = key(f.vault, f.check);
    byCase.set(k, [...(byCase.get(k) ?? []), f]);
  }
  const groups = r.groups.map((g) => ({ vault: g.vault, checks: [...g.checks] }));
  // Findings of checks no group announced (e.g. the audit trail's own checks) still get a test case.
  for (const f of r.findings) {
    let g = groups.find((x) => x.vault === f.vault);
    if (!g) groups.push((g = { vault: f.vault, checks: [] }));
    if (!g.checks.includes(f.check)) g.checks.push(f.check);
  }
  const suites: string[] = [];
  let total = 0;
  for (const g of groups) {
    const name = g.vault ? `vault ${g.vault}` : "repository";
    const cases: string[] = [];
    let failed = 0;
    for (const check of g.checks) {
      const found = byCase.get(key(g.vault, check)) ?? [];
      const open = `    <testcase classname="${xmlEscape(`${suiteName}.${name}`)}" name="${xmlEscape(check)}"`;
      if (found.length === 0) {
        cases.push(`${open}/>`);
        continue;
      }
      failed++;
      const body = found.map((f) => `${where(f)}: ${escapeText(f.message)}`).join("\n");
      cases.push(`${open}>\n      <failure type="${xmlEscape(check)}" message="${xmlEscape(escapeText(found[0]!.message))}">${xmlEscape(body)}</failure>\n    </testcase>`);
    }
    total += g.checks.length;
    suites.push(`  <testsuite name="${xmlEscape(name)}" tests="${g.checks.length}" failures="${failed}" errors="0" skipped="0">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEscape(suiteName)}" tests="${total}" failures="${byCase.size}" errors="0">\n${suites.join("\n")}\n</testsuites>\n`;
}

export function renderReport<S>(r: Report<S>, format: ReportFormat, suiteName: string): string {
  if (format === "json") return renderJson(r);
  if (format === "github") return renderGithub(r);
  if (format === "junit") return renderJunit(r, suiteName);
  return renderText(r);
}
