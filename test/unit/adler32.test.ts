import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adler32 } from "../../src/repo/adler32.js";

/** zlib's own Adler-32: the last four bytes of any zlib stream of `data`. */
const zlibAdler = (data: Uint8Array) => {
  const z = deflateSync(data, { level: 0 });
  return z.readUInt32BE(z.length - 4);
};

describe("Adler-32 in WebAssembly", () => {
  it("matches the published values", () => {
    expect(adler32(new Uint8Array())).toBe(1);
    expect(adler32(Buffer.from("Wikipedia"))).toBe(0x11e60398);
    expect(adler32(Buffer.from("a"))).toBe(0x00620062);
    expect(adler32(Buffer.from("abc"))).toBe(0x024d0127);
  });

  it("matches zlib around the 5552-byte reduction block, the 16-byte unrolling and memory growth", () => {
    for (const size of [15, 16, 17, 5551, 5552, 5553, 65535, 65536, 65537, 1_000_003, 100]) {
      // All-0xff bytes make the sums as large as they get before each reduction.
      const data = Buffer.alloc(size, 0xff);
      expect(adler32(data)).toBe(zlibAdler(data));
    }
  });

  it("matches zlib for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40_000 }), (bytes) => {
        expect(adler32(bytes)).toBe(zlibAdler(bytes));
      }),
      { numRuns: 300 },
    );
  });
});
