import { inflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zlibStored } from "../../src/repo/git-objects.js";

describe("stored zlib streams for loose objects", () => {
  it("inflate back to the same bytes, across the 65535-byte block limit", () => {
    for (const size of [0, 1, 65535, 65536, 200_000]) {
      const data = Buffer.alloc(size, 7);
      expect(inflateSync(zlibStored(data)).equals(data)).toBe(true);
    }
  });
  it("carry a correct Adler-32 for any content (zlib checks it)", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 20_000 }), (bytes) => {
      expect(inflateSync(zlibStored(Buffer.from(bytes))).equals(Buffer.from(bytes))).toBe(true);
    }), { numRuns: 300 });
  });
});
