// Two clones of one engineer (a laptop and a desktop) both appended to that engineer's audit file. The
// lines that are already shared stay as they are; the engineer's other new lines are chained after them
// and signed again (same time, action and target; new sequence number and hash link), so no read is lost
// and the chain stays one unbroken line. Only the file's own engineer can do this: it needs their key.
import { badInput } from "./errors.js";
import { auditSignatureValid, buildAuditLine, hashLine, parseAuditLine, type ChainHead } from "./audit-line.js";
import type { SigningKey } from "../crypto/keys.js";

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

export function rechainAuditFile(path: string, base: string, kept: string, moved: string, engineer: string, key: SigningKey): string {
  const baseLines = lines(base);
  const keptLines = lines(kept);
  const movedLines = lines(moved);
  const isPrefix = (of: string[]) => baseLines.every((l, i) => of[i] === l);
  if (!isPrefix(keptLines) || !isPrefix(movedLines)) {
    throw badInput(`cannot merge ${path}: lines were changed or removed, not only appended — an audit file is append-only`);
  }
  const already = new Set(keptLines);
  const extra = movedLines.slice(baseLines.length).filter((l) => !already.has(l));
  if (extra.length === 0) return kept;
  const parsed = extra.map((l, i) => parseAuditLine(l, `${path} new line ${i + 1}`));
  if (parsed.some((l) => l.engineer !== engineer)) throw badInput(`cannot merge ${path}: it holds lines of another engineer`);
  // Moved lines are signed again below, with this engineer's key, and chained after the kept ones: a line
  // they did not sign (pushed into their file by someone else) would come out of the merge as theirs, or
  // sit inside their chain and make every later line untrusted. Each new line must verify as written.
  for (const [side, news] of [["other", parsed], ["shared", keptLines.slice(baseLines.length).map((l, i) => parseAuditLine(l, `${path} line ${baseLines.length + i + 1}`))]] as const) {
    const forged = news.findIndex((l) => !auditSignatureValid(l, key.publicKey));
    if (forged >= 0) {
      throw badInput(`cannot merge ${path}: a new line on the ${side} side is not signed by ${engineer} — someone else wrote it ("mfavault audit verify" names it); remove it there, nothing was merged`);
    }
  }
  const last = keptLines[keptLines.length - 1];
  let head: ChainHead = last ? { seq: parseAuditLine(last, `${path} last line`).seq, hash: hashLine(last) } : { seq: parsed[0]!.seq - 1, hash: parsed[0]!.prev };
  const out = [...keptLines];
  for (const line of parsed) {
    const fields = { action: line.action, target: line.target, ...(line.details ? { details: line.details } : {}) };
    const { text } = buildAuditLine(fields, { engineer, host: line.host, remote: line.remote, now: new Date(line.ts), head }, key);
    out.push(text);
    head = { seq: head.seq + 1, hash: hashLine(text) };
  }
  return `${out.join("\n")}\n`;
}
