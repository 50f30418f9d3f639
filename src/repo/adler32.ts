// Adler-32 (RFC 1950), the checksum that ends every zlib stream, computed by a tiny WebAssembly function.
// Git checks it when it inflates a loose object; computing it here lets a code read write its audit
// blob as stored (uncompressed) zlib without loading node:zlib (~2 ms) or deflating a month file, and
// WebAssembly runs the byte loop ~10× faster than JavaScript does in a process this short.

/** The largest n for which 255·n·(n+1)/2 + (n+1)·(65521−1) fits in 32 bits (zlib's NMAX). */
const NMAX = 5552;
/** Bytes summed per turn of the unrolled loop. */
const UNROLL = 16;

// Opcodes used below (WebAssembly core spec, binary format).
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load8u: 0x2d,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32GtU: 0x4b,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32RemU: 0x70,
  i32Or: 0x72,
  i32Shl: 0x74,
  select: 0x1b,
  void: 0x40,
} as const;

/** Signed LEB128, as i32.const wants its immediate. */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? byte : byte | 0x80);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const ascii = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

// Locals: 0 = len (the parameter), 1 = a, 2 = b, 3 = i, 4 = end of the current NMAX block.
const [LEN, A, B, I, END] = [0, 1, 2, 3, 4];
const get = (l: number) => [op.localGet, l];
const set = (l: number) => [op.localSet, l];

/** a += mem[i + offset]; b += a */
const step = (offset: number) => [...get(A), ...get(I), op.i32Load8u, 0, ...uleb(offset), op.i32Add, op.localTee, A, ...get(B), op.i32Add, ...set(B)];
const reduce = (l: number) => [...get(l), op.i32Const, ...sleb(65521), op.i32RemU, ...set(l)];

/**
 * (func (export "adler") (param len i32) (result i32)) over the bytes at memory[0, len):
 *   a = 1, b = 0
 *   while i < len:
 *     end = min(i + NMAX, len)
 *     while i + 16 <= end: 16 × (a += byte; b += a); i += 16
 *     while i < end: a += byte; b += a; i += 1
 *     a %= 65521; b %= 65521
 *   return b << 16 | a
 */
const body = [
  1, 4, 0x7f, // four i32 locals besides the parameter
  op.i32Const, 1, ...set(A),
  op.block, op.void,
  op.loop, op.void,
  ...get(I), ...get(LEN), op.i32GeU, op.brIf, 1,
  ...get(I), op.i32Const, ...sleb(NMAX), op.i32Add, op.localTee, END, ...get(LEN), ...get(END), ...get(LEN), op.i32LtU, op.select, ...set(END),
  op.block, op.void,
  op.loop, op.void,
  ...get(I), op.i32Const, UNROLL, op.i32Add, ...get(END), op.i32GtU, op.brIf, 1,
  ...Array.from({ length: UNROLL }, (_, k) => step(k)).flat(),
  ...get(I), op.i32Const, UNROLL, op.i32Add, ...set(I),
  op.br, 0,
  op.end,
  op.end,
  op.block, op.void,
  op.loop, op.void,
  ...get(I), ...get(END), op.i32GeU, op.brIf, 1,
  ...step(0),
  ...get(I), op.i32Const, 1, op.i32Add, ...set(I),
  op.br, 0,
  op.end,
  op.end,
  ...reduce(A),
  ...reduce(B),
  op.br, 0,
  op.end,
  op.end,
  ...get(B), op.i32Const, 16, op.i32Shl, ...get(A), op.i32Or,
  op.end,
];

const moduleBytes = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]), // one type: (i32) -> i32
  ...section(3, [1, 0]), // one function of that type
  ...section(5, [1, 0, 1]), // one memory, at least one 64 KiB page
  ...section(7, [2, ...ascii("m"), 2, 0, ...ascii("adler"), 0, 0]), // export the memory and the function
  ...section(10, [1, ...uleb(body.length), ...body]),
]);

let instance: { memory: WebAssembly.Memory; adler: (len: number) => number } | undefined;

function wasm(): NonNullable<typeof instance> {
  if (!instance) {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes)).exports;
    instance = { memory: exports.m as WebAssembly.Memory, adler: exports.adler as (len: number) => number };
  }
  return instance;
}

/**
 * A Buffer over the first `size` bytes of the WebAssembly memory, for bytes whose Adler-32 is wanted
 * without copying them again (a month file is read straight into it). Valid until the next call.
 */
export function scratchBytes(size: number): Buffer {
  const { memory } = wasm();
  const pages = Math.ceil(size / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  return Buffer.from(memory.buffer, 0, size);
}

/** The Adler-32 of `data`, as an unsigned 32-bit number; `data` may be a scratchBytes buffer. */
export function adler32(data: Uint8Array): number {
  const { memory, adler } = wasm();
  if (data.buffer !== memory.buffer || data.byteOffset !== 0) scratchBytes(data.length).set(data);
  return adler(data.length) >>> 0;
}
