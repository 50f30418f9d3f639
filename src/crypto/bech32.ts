// Bech32 (BIP 173), the encoding of age identities and recipients: a human-readable prefix, "1", 5-bit
// data words and a six-word BCH checksum. age uses the original Bech32 constant (not Bech32m) and no
// length limit (post-quantum keys are long). Written here because it is twenty lines and a library for
// it costs a millisecond to load on every code read.

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: Iterable<number>): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATOR[i]!;
  }
  return chk;
}

function* checksummed(prefix: string, words: readonly number[]): Generator<number> {
  for (let i = 0; i < prefix.length; i++) yield prefix.charCodeAt(i) >>> 5;
  yield 0;
  for (let i = 0; i < prefix.length; i++) yield prefix.charCodeAt(i) & 31;
  yield* words;
}

/** Regroups bits: 8 → 5 pads the last word with zeros; 5 → 8 refuses padding that is not zero and short. */
function regroup(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const mask = (1 << to) - 1;
  for (let i = 0; i < data.length; i++) {
    acc = (acc << from) | data[i]!;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >>> bits) & mask);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & mask);
  } else if (bits >= from || acc !== 0) {
    throw new Error("bech32: non-zero or excess padding");
  }
  return out;
}

/** Splits and checks a Bech32 string: all lowercase or all uppercase, valid characters, valid checksum. */
export function decodeBech32Words(s: string): { prefix: string; words: number[] } {
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) throw new Error("bech32: mixed case");
  const lower = s.toLowerCase();
  const sep = lower.lastIndexOf("1");
  if (sep < 1) throw new Error("bech32: no prefix");
  if (lower.length - sep - 1 < 6) throw new Error("bech32: too short for a checksum");
  const prefix = lower.slice(0, sep);
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c < 33 || c > 126) throw new Error("bech32: invalid prefix character");
  }
  const words: number[] = [];
  for (let i = sep + 1; i < lower.length; i++) {
    const w = CHARSET.indexOf(lower[i]!);
    if (w < 0) throw new Error("bech32: invalid data character");
    words.push(w);
  }
  if (polymod(checksummed(prefix, words)) !== 1) throw new Error("bech32: bad checksum");
  return { prefix, words: words.slice(0, -6) };
}

export function decodeBech32(s: string): { prefix: string; bytes: Uint8Array } {
  const { prefix, words } = decodeBech32Words(s);
  return { prefix, bytes: Uint8Array.from(regroup(words, 5, 8, false)) };
}

/** Lowercase Bech32 of `bytes` under `prefix` (itself lowercase). */
export function encodeBech32(prefix: string, bytes: Uint8Array): string {
  const words = regroup(bytes, 8, 5, true);
  const chk = polymod(checksummed(prefix, [...words, 0, 0, 0, 0, 0, 0])) ^ 1;
  const check = Array.from({ length: 6 }, (_, i) => (chk >>> (5 * (5 - i))) & 31);
  return `${prefix}1${[...words, ...check].map((w) => CHARSET[w]).join("")}`;
}
