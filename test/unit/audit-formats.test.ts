// CSV cells that spreadsheets cannot run, and CEF escaping per the spec.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { AuditLine } from "../../src/core/audit-line.js";
import { auditCefEvent, cefExtensionValue, cefHeaderValue } from "../../src/formats/audit-cef.js";
import { auditCsvHeader, auditCsvRow } from "../../src/formats/audit-csv.js";
import { parseCef } from "../helpers/cef.js";

const hostile: AuditLine = {
  v: 1,
  seq: 7,
  ts: "2026-01-31T12:00:00.000Z",
  engineer: "alice",
  action: "code|x=1\\",
  target: "=HYPERLINK(\"http://evil\",\"x\")",
  host: "+cmd|' /C calc'!A0",
  remote: "@SUM(1+1)",
  details: { note: "-2+3\r\nsecond line", eq: "a=b" },
  prev: "0".repeat(64),
  sig: "x".repeat(86) + "==",
};

describe("CSV export", () => {
  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])("neutralises a cell starting with %j", (v) => {
    const [row] = parse(auditCsvHeader() + auditCsvRow({ ...hostile, target: v }), { columns: true }) as Record<string, string>[];
    expect(row!.target).toBe(`'${v}`);
  });

  it("parses back to the same fields, with no cell a spreadsheet would run", () => {
    const rows = parse(auditCsvHeader() + auditCsvRow(hostile), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
    expect(r.target).toBe(`'${hostile.target}`);
    expect(r.host).toBe(`'${hostile.host}`);
    expect(r.remote).toBe(`'${hostile.remote}`);
    expect(JSON.parse(r.details!)).toEqual(hostile.details);
    expect(r.seq).toBe("7");
  });
});

describe("CEF export", () => {
  it("escapes header and extension values as the CEF spec says", () => {
    expect(cefHeaderValue("a|b\\c\nd")).toBe("a\\|b\\\\c d");
    expect(cefExtensionValue("a=b\\c\nd\re|f")).toBe("a\\=b\\\\c\\nd\\re|f");
  });

  it("writes one line starting CEF:0| that parses back to the audit line", () => {
    const text = JSON.stringify(hostile);
    const event = auditCefEvent(hostile, text, "0.1.0");
    expect(event.startsWith("CEF:0|mfavault|mfavault|0.1.0|")).toBe(true);
    expect(event).not.toMatch(/[\r\n]/);
    const { header, ext } = parseCef(event);
    expect(header).toEqual(["CEF:0", "mfavault", "mfavault", "0.1.0", hostile.action, hostile.action, "3"]);
    expect(ext).toMatchObject({ suser: "alice", act: hostile.action, cs1: hostile.target, shost: hostile.host, cs2: hostile.remote, cn1: "7", rt: String(Date.parse(hostile.ts)) });
    expect(JSON.parse(ext.cs3!)).toEqual(hostile.details);
  });
});
