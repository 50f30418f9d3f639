// A minimal protobuf wire-format reader: enough for Google Authenticator's MigrationPayload, strict about
// truncation and malformed varints, tolerant of unknown fields (skipped), as the wire format intends.
import { badInput } from "../core/errors.js";

export interface WireField {
  no: number;
  wire: 0 | 1 | 2 | 5;
  /** Wire type 0: the varint, as an unsigned 64-bit value. */
  varint: bigint;
  /** Wire types 1, 2, 5: the raw bytes. */
  bytes: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Reads every field of one message; `what` names it in errors ("Google Authenticator payload"). */
export function readFields(buf: Buffer, what: string): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n, n = 0; ; shift += 7n, n++) {
      if (n >= 10) throw badInput(`${what}: a varint is longer than 10 bytes (corrupted data)`);
      if (pos >= buf.length) throw badInput(`${what}: truncated (a number runs past the end)`);
      const b = buf[pos++]!;
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, value);
    }
  };
  const take = (n: number): Buffer => {
    if (n > buf.length - pos) throw badInput(`${what}: truncated (a field of ${n} bytes runs past the end)`);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (no === 0 || key >> 3n > 0x1fffffffn) throw badInput(`${what}: invalid field number (corrupted data)`);
    if (wire === 0) fields.push({ no, wire, varint: varint(), bytes: EMPTY });
    else if (wire === 1) fields.push({ no, wire, varint: 0n, bytes: take(8) });
    else if (wire === 5) fields.push({ no, wire, varint: 0n, bytes: take(4) });
    else if (wire === 2) {
      const len = varint();
      if (len > BigInt(buf.length)) throw badInput(`${what}: truncated (a field of ${len} bytes runs past the end)`);
      fields.push({ no, wire, varint: 0n, bytes: take(Number(len)) });
    } else throw badInput(`${what}: unsupported wire type ${wire} in field ${no} (corrupted data)`);
  }
  return fields;
}

/** A varint field read as a signed 64-bit integer (int32/int64 fields encode negatives in 10 bytes). */
export function signed(f: WireField): bigint {
  return BigInt.asIntN(64, f.varint);
}

export function utf8(bytes: Buffer, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badInput(`${what} is not valid UTF-8`);
  }
}
