import { describe, expect, it } from "vitest";
import { checkReason, checkTicket } from "../../src/core/ticket.js";

describe("tickets and break-glass reasons", () => {
  it("accepts printable ticket IDs, trimmed", () => {
    expect(checkTicket("  INC-4711 ")).toBe("INC-4711");
    expect(checkTicket("OPS 12/3 (change)")).toBe("OPS 12/3 (change)");
    expect(checkTicket("Ä".repeat(64))).toBe("Ä".repeat(64));
  });

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["x".repeat(65), /longer than 64/],
    ["INC-1\u001b[31m", /control characters/],
    ["INC\n2", /control characters/],
    ["INC-\u202e1", /control characters/],
  ])("refuses the ticket %j", (value, message) => {
    expect(() => checkTicket(value)).toThrow(message);
  });

  it("refuses an empty or escape-laden reason and bounds its length", () => {
    expect(checkReason(" owner locked out ")).toBe("owner locked out");
    expect(() => checkReason("")).toThrow(/empty/);
    expect(() => checkReason("a\u0007b")).toThrow(/control characters/);
    expect(() => checkReason("x".repeat(501))).toThrow(/longer than 500/);
  });
});
