// Rendering findings: hostile text in file names and messages stays one line of text, one annotation,
// and well-formed XML.
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/core/finding.js";
import { renderGithub, renderJson, renderJunit, renderText, type Report } from "../../src/core/finding-report.js";
import { descendants, parseXml } from "../helpers/xml.js";

const hostile: Finding = { vault: "acme", file: "notes/a,b:c.txt", line: 3, check: "plaintext-seed", message: 'says <b>"hi"</b> & \'bye\'\nnext line\u0000\u001b[31m' };
const repoWide: Finding = { file: "team/x.json", check: "team-card", message: "not valid JSON" };

function report(findings: Finding[]): Report<{ ok: boolean }> {
  return { findings, summary: { ok: findings.length === 0 }, groups: [{ checks: ["team-card", "plaintext-seed"] }, { vault: "acme", checks: ["recipients-known", "plaintext-seed"] }], summaryLine: "verify: test" };
}

describe("finding reports", () => {
  it("text: one line per finding, control characters made visible, then the summary", () => {
    const out = renderText(report([hostile, repoWide]));
    expect(out.split("\n")).toEqual([
      'notes/a,b:c.txt:3 [acme] plaintext-seed: says <b>"hi"</b> & \'bye\'\\nnext line\\x00\\x1b[31m',
      "team/x.json team-card: not valid JSON",
      "verify: test",
      "",
    ]);
  });

  it("json: vault is null for repository-wide findings, line only when known", () => {
    const doc = JSON.parse(renderJson(report([hostile, repoWide])));
    expect(doc.findings[0]).toEqual({ vault: "acme", file: "notes/a,b:c.txt", line: 3, check: "plaintext-seed", message: hostile.message });
    expect(doc.findings[1]).toEqual({ vault: null, file: "team/x.json", check: "team-card", message: "not valid JSON" });
    expect(doc.summary).toEqual({ ok: false });
  });

  it("github: properties escape , and :, data escapes newlines, one annotation per finding", () => {
    const lines = renderGithub(report([hostile, repoWide])).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("::error file=notes/a%2Cb%3Ac.txt,line=3,title=mfavault plaintext-seed (acme)::says <b>\"hi\"</b> & 'bye'\\nnext line\\x00\\x1b[31m");
    expect(lines[1]).toBe("::error file=team/x.json,title=mfavault team-card::not valid JSON");
    expect(renderGithub(report([]))).toBe("");
  });

  it("junit: well-formed, a test case per group check, failures carrying file and message", () => {
    const root = parseXml(renderJunit(report([hostile, repoWide]), 'mfavault "verify"'));
    expect(root.attrs).toMatchObject({ name: 'mfavault "verify"', tests: "4", failures: "2" });
    const suites = descendants(root, "testsuite");
    expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures])).toEqual([
      ["repository", "2", "1"],
      ["vault acme", "2", "1"],
    ]);
    const failure = descendants(suites[1]!, "failure")[0]!;
    expect(failure.attrs.type).toBe("plaintext-seed");
    expect(failure.text).toBe('notes/a,b:c.txt:3: says <b>"hi"</b> & \'bye\'\\nnext line\\x00\\x1b[31m');
    const clean = parseXml(renderJunit(report([]), "mfavault verify"));
    expect(descendants(clean, "testcase")).toHaveLength(4);
    expect(descendants(clean, "failure")).toHaveLength(0);
  });

  it("junit: findings of checks no group announced still get a test case", () => {
    const audit: Finding = { file: "audit/bob/2026-01.jsonl", line: 1, check: "audit-signature", message: "signature does not verify" };
    const root = parseXml(renderJunit(report([audit]), "mfavault verify"));
    const repo = descendants(root, "testsuite").find((s) => s.attrs.name === "repository")!;
    expect(descendants(repo, "testcase").map((t) => t.attrs.name)).toEqual(["team-card", "plaintext-seed", "audit-signature"]);
  });
});
