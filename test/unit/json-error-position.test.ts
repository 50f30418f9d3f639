import { describe, expect, it } from "vitest";
import { parseJsonText } from "../../src/core/canonical-json.js";
import { jsonErrorOffset } from "../../src/core/json-error-position.js";

describe("JSON syntax errors", () => {
  it.each([
    ['{"a": JBSWY3DPEHPK3PXP}', 6],
    ['{"a":1,}', 7],
    ["[1,\n2,\n x]", 8],
    ['{"a":"b" "c"}', 9],
    ['"\\q"', 2],
    ["tru", 3],
    ["01", 1],
  ])("finds the first error in %j at offset %i", (text, offset) => expect(jsonErrorOffset(text)).toBe(offset));

  it("reports the position, never the text around it (which may be a seed)", () => {
    expect(() => parseJsonText('{\n  "secret": JBSWY3DPEHPK3PXP\n}', "backup.json")).toThrow(/^backup.json: not valid JSON at line 2, column 13$/);
    expect(() => parseJsonText('{"secret": "JBSWY3DPEHPK3PXP"', "backup.json")).toThrow(/^backup.json: not valid JSON \(it is empty or ends too early\)$/);
  });
});
