// The pure syslog part: targets from mfavault.json, RFC 5424 messages, RFC 6587 framing.
import { describe, expect, it } from "vitest";
import type { AuditLine } from "../../src/core/audit-line.js";
import { octetCounted, parseSyslogTarget, sdParamValue, syslogMessage } from "../../src/core/syslog-message.js";

const line: AuditLine = {
  v: 1,
  seq: 12,
  ts: "2026-01-31T12:00:00.123Z",
  engineer: "alice",
  action: "reveal",
  target: 'acme/a"b]c\\d',
  host: "laptop one\u00e9",
  prev: "0".repeat(64),
  sig: "s",
};

describe("syslog targets", () => {
  it.each([
    ["udp://10.0.0.5:5514", { transport: "udp", host: "10.0.0.5", port: 5514 }],
    ["tcp://siem.example.com", { transport: "tcp", host: "siem.example.com", port: 514 }],
    ["tls://siem.example.com", { transport: "tls", host: "siem.example.com", port: 6514 }],
    ["udp://[::1]:514", { transport: "udp", host: "::1", port: 514 }],
  ])("reads %s", (syslog, expected) => {
    expect(parseSyslogTarget({ syslog })).toMatchObject({ ...expected, timeoutMs: 300, facility: 13 });
  });

  it("is off when unset or empty", () => {
    expect(parseSyslogTarget({})).toBeNull();
    expect(parseSyslogTarget({ syslog: "" })).toBeNull();
  });

  it.each(["http://x:514", "udp://", "udp://host:99999", "tcp://user@host:514", 514])("refuses %j", (syslog) => {
    expect(() => parseSyslogTarget({ syslog })).toThrow(/audit\.syslog/);
  });

  it("takes a timeout and facility within bounds", () => {
    expect(parseSyslogTarget({ syslog: "udp://h", syslogTimeoutMs: 1000, syslogFacility: 4 })).toMatchObject({ timeoutMs: 1000, facility: 4 });
    expect(() => parseSyslogTarget({ syslog: "udp://h", syslogTimeoutMs: 60_000 })).toThrow(/syslogTimeoutMs/);
    expect(() => parseSyslogTarget({ syslog: "udp://h", syslogFacility: 24 })).toThrow(/syslogFacility/);
  });
});

describe("RFC 5424 messages", () => {
  it("builds PRI, version, the line's time and host, app, pid, action and escaped structured data", () => {
    const text = JSON.stringify(line);
    expect(syslogMessage(line, text, { pid: 42, facility: 13 })).toBe(
      `<109>1 2026-01-31T12:00:00.123Z laptop_one_ mfavault 42 reveal [mfavault@32473 engineer="alice" seq="12" action="reveal" target="acme/a\\"b\\]c\\\\d"] ${text}`,
    );
  });

  it("marks code reads informational and everything else a notice", () => {
    expect(syslogMessage({ ...line, action: "code" }, "{}", { pid: 1, facility: 13 })).toMatch(/^<110>1 /);
    expect(syslogMessage({ ...line, action: "revoke" }, "{}", { pid: 1, facility: 4 })).toMatch(/^<37>1 /);
  });

  it("escapes the three characters RFC 5424 reserves in parameter values", () => {
    expect(sdParamValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
  });

  it("frames by octet count, in bytes not characters", () => {
    expect(octetCounted("héllo").toString("utf8")).toBe("6 héllo");
  });
});
