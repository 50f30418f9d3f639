// The age v1 header (age-encryption.org/v1): parsing and serialising, strictly per the spec, with no key.
// `verify` uses this to count stanzas; decryption uses it to find the stanza for our identity.
import { badInput } from "../core/errors.js";

export interface Stanza {
  args: string[];
  body: Buffer;
}

export interface AgeHeader {
  stanzas: Stanza[];
  /** The header bytes up to and including "---", which the header MAC covers. */
  macInput: Buffer;
  mac: Buffer;
  /** Offset of the payload (nonce + STREAM chunks) in the binary file. */
  payloadOffset: number;
}

const INTRO = "age-encryption.org/v1\n";
const MAX_HEADER = 1 << 20;
const ARG = /^[\x21-\x7e]+$/;

/** Unpadded standard base64, as age writes it; rejects padding and non-canonical trailing bits. */
export function decodeB64NoPad(s: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) throw badInput(`age header: bad base64 in ${what}`);
  const buf = Buffer.from(s, "base64");
  if (encodeB64NoPad(buf) !== s) throw badInput(`age header: non-canonical base64 in ${what}`);
  return buf;
}

export function encodeB64NoPad(b: Uint8Array): string {
  return Buffer.from(b).toString("base64").replace(/=+$/, "");
}

export function parseHeader(file: Buffer): AgeHeader {
  const limit = Math.min(file.length, MAX_HEADER);
  if (file.subarray(0, INTRO.length).toString("latin1") !== INTRO) {
    throw badInput("not an age file: it does not start with age-encryption.org/v1");
  }
  let pos = INTRO.length;
  const readLine = (): string => {
    const nl = file.indexOf(0x0a, pos);
    if (nl < 0 || nl >= limit) throw badInput("age header: truncated");
    const line = file.subarray(pos, nl).toString("latin1");
    pos = nl + 1;
    return line;
  };
  const stanzas: Stanza[] = [];
  for (;;) {
    const lineStart = pos;
    const line = readLine();
    if (line.startsWith("--- ")) {
      const mac = decodeB64NoPad(line.slice(4), "MAC");
      if (mac.length !== 32) throw badInput("age header: MAC is not 32 bytes");
      if (stanzas.length === 0) throw badInput("age header: no recipient stanzas");
      return { stanzas, macInput: file.subarray(0, lineStart + 3), mac, payloadOffset: pos };
    }
    if (!line.startsWith("-> ")) throw badInput("age header: expected a stanza (->) or the MAC line (---)");
    const args = line.slice(3).split(" ");
    if (args.some((a) => !ARG.test(a))) throw badInput("age header: malformed stanza arguments");
    const chunks: Buffer[] = [];
    for (;;) {
      const bodyLine = readLine();
      if (bodyLine.length > 64) throw badInput("age header: stanza body line longer than 64 columns");
      chunks.push(decodeB64NoPad(bodyLine, "stanza body"));
      if (bodyLine.length < 64) break;
    }
    stanzas.push({ args, body: Buffer.concat(chunks) });
  }
}

export function serializeHeaderNoMac(stanzas: Stanza[]): Buffer {
  let s = INTRO;
  for (const st of stanzas) {
    s += `-> ${st.args.join(" ")}\n`;
    const b64 = encodeB64NoPad(st.body);
    for (let i = 0; i <= b64.length; i += 64) s += `${b64.slice(i, i + 64)}\n`;
  }
  return Buffer.from(`${s}---`, "latin1");
}

const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
const ARMOR_END = "-----END AGE ENCRYPTED FILE-----";

export function armor(file: Uint8Array): string {
  const b64 = Buffer.from(file).toString("base64");
  const lines = [ARMOR_BEGIN];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  lines.push(ARMOR_END);
  return `${lines.join("\n")}\n`;
}

export function isArmored(text: Buffer): boolean {
  return text.subarray(0, 64).toString("latin1").trimStart().startsWith(ARMOR_BEGIN);
}

/** Strict ASCII-armor decoding, as the age spec defines it (64-column lines, canonical padding). */
export function dearmor(input: Buffer): Buffer {
  const lines = input.toString("latin1").trim().split(/\r?\n/);
  if (lines[0] !== ARMOR_BEGIN || lines[lines.length - 1] !== ARMOR_END) {
    throw badInput("not an armored age file: missing BEGIN/END AGE ENCRYPTED FILE lines");
  }
  const body = lines.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const l = body[i]!;
    const last = i === body.length - 1;
    if ((!last && l.length !== 64) || (last && (l.length === 0 || l.length > 64))) {
      throw badInput("armored age file: malformed base64 body");
    }
  }
  const joined = body.join("");
  // No character-class check needed: Node's decoder skips foreign characters and stops at "=", so any
  // of them (or padding before the end) makes the canonical re-encoding below differ and be refused.
  const bin = Buffer.from(joined, "base64");
  if (bin.toString("base64") !== joined) throw badInput("armored age file: non-canonical base64");
  return bin;
}

/** Accepts both the armored and the binary encoding, as the age CLI does. */
export function readAgeFile(raw: Buffer): Buffer {
  return isArmored(raw) ? dearmor(raw) : raw;
}
