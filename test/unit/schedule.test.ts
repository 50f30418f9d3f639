import { describe, expect, it } from "vitest";
import { effectivePolicy, intervalDays, parseSince, scheduleVerdict } from "../../src/core/schedule.js";

const now = new Date("2026-06-01T00:00:00Z");

describe("rotation schedules", () => {
  it.each([["90d", 90], ["12w", 84], ["3m", 90], ["1y", 365]])("%s is %i days", (i, d) => expect(intervalDays(i)).toBe(d));
  it.each(["", "0d", "90", "d", "-1d", "1.5y", "90 days"])("refuses %j", (i) => expect(() => intervalDays(i)).toThrow(/invalid rotation interval/));

  it("lets the entry's own settings win over its vault's and the repository's", () => {
    expect(effectivePolicy({ tier: "high" }, { interval: "90d", tier: "standard" }, { interval: "1y" })).toEqual({ tier: "high", interval: "90d" });
    expect(effectivePolicy(undefined, undefined, { interval: "1y" })).toEqual({ interval: "1y" });
  });

  it("counts a never-rotated seed from its creation", () => {
    expect(scheduleVerdict({ created: "2025-01-01T00:00:00Z" }, { interval: "90d" }, now, 14).state).toBe("overdue");
    expect(scheduleVerdict({ created: "2026-05-01T00:00:00Z" }, { interval: "90d" }, now, 14).state).toBe("never-rotated");
  });

  it("reports overdue, due soon and ok after a rotation", () => {
    const v = (rotated: string) => scheduleVerdict({ created: "2020-01-01T00:00:00Z", rotated }, { interval: "90d" }, now, 14);
    expect(v("2026-02-01T00:00:00Z")).toMatchObject({ state: "overdue", due: "2026-05-02T00:00:00.000Z" });
    expect(v("2026-03-10T00:00:00Z").state).toBe("due-soon");
    expect(v("2026-05-20T00:00:00Z")).toMatchObject({ state: "ok", daysLeft: 78 });
  });

  it("leaves entries without a schedule unscheduled", () => {
    expect(scheduleVerdict({ created: "2020-01-01T00:00:00Z" }, {}, now, 14).state).toBe("unscheduled");
  });

  it("reads relative and absolute times", () => {
    expect(parseSince("30d", now).toISOString()).toBe("2026-05-02T00:00:00.000Z");
    expect(parseSince("12h", now).toISOString()).toBe("2026-05-31T12:00:00.000Z");
    expect(parseSince("2026-01-31", now).toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(() => parseSince("last tuesday", now)).toThrow(/invalid time/);
  });
});
