// Verifying one engineer's audit chain across their month files: every line parses, is in canonical
// form, names the engineer, continues the sequence and the hash chain, keeps time moving forward, sits in
// the month file of its timestamp, and carries a valid signature by the engineer's card. Pure: the caller
// reads the files.
import { auditSignatureValid, GENESIS, hashLine, parseAuditLine, type AuditLine } from "./audit-line.js";
import type { Card } from "./card.js";
import { canonicalJson } from "./canonical-json.js";
import { escapeText } from "./escape.js";
import type { Finding } from "./finding.js";

export interface AuditFileText {
  /** Repository-relative path: audit/<engineer>/<YYYY-MM>.jsonl. */
  path: string;
  text: string;
}

export interface ChainCheck {
  /** At most one: the first broken line of this engineer's chain (later lines are not trusted either). */
  findings: Finding[];
  /** Lines that verified before the first break (all of them when the chain is whole). */
  lines: number;
}

interface Expected {
  seq: number;
  prev: string;
  ts: string;
}

const MONTH_FILE = /(\d{4}-\d{2})\.jsonl$/;

/** What is wrong with one line, given what the chain expects next; null when it holds. */
/** Whether a line's signature verifies against the card; injectable so a caller can check many at once. */
export type SignatureCheck = (line: AuditLine, text: string) => boolean;

function lineProblem(text: string, line: AuditLine, expected: Expected, month: string | undefined, engineer: string, card: Card, signatureOk: SignatureCheck): { check: string; message: string } | null {
  if (canonicalJson(line) !== text) {
    return { check: "audit-line", message: "is not in the canonical form mfavault writes (edited by hand, or a field was added)" };
  }
  if (line.engineer !== engineer) {
    return { check: "audit-engineer", message: `names engineer "${escapeText(line.engineer)}" but sits in audit/${engineer}/ (a line copied from another engineer's file)` };
  }
  if (line.seq !== expected.seq) {
    const why = line.seq > expected.seq ? "a line before it is missing" : "lines were reordered, repeated or inserted";
    return { check: "audit-sequence", message: `has seq ${line.seq} where ${expected.seq} was expected: ${why}` };
  }
  if (line.prev !== expected.prev) {
    return { check: "audit-chain", message: "does not chain onto the line before it (its prev is not that line's SHA-256): the line before was edited, or this one was" };
  }
  if (line.ts < expected.ts) {
    return { check: "audit-time", message: `is dated ${line.ts}, earlier than the line before it (${expected.ts})` };
  }
  if (month !== undefined && line.ts.slice(0, 7) !== month) {
    return { check: "audit-month", message: `is dated ${line.ts} but sits in the ${month} file` };
  }
  if (!signatureOk(line, text)) {
    return { check: "audit-signature", message: `signature does not verify against team/${card.name}.json: the line was edited, or signed by someone else` };
  }
  return null;
}

/**
 * Verifies the chain of `engineer` (the name of their audit directory) over `files`, oldest month first.
 * `card` is their team card, removed or not; without one nothing can be verified, and that is the finding.
 */
export function verifyEngineerChain(engineer: string, files: AuditFileText[], card: Card | undefined, signatureOk?: SignatureCheck): ChainCheck {
  if (!card) {
    const file = files[0]?.path ?? `audit/${engineer}`;
    return { findings: [{ file, check: "audit-card", message: `audit/${engineer}/ has no team card team/${engineer}.json, so its lines cannot be verified` }], lines: 0 };
  }
  const sigOk: SignatureCheck = signatureOk ?? ((line) => auditSignatureValid(line, card.signingKey));
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const expected: Expected = { seq: 1, prev: GENESIS, ts: "" };
  let lines = 0;
  for (const f of sorted) {
    const month = MONTH_FILE.exec(f.path)?.[1];
    const texts = f.text.split("\n");
    const unfinished = texts.pop() !== "";
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      const at = (check: string, message: string): ChainCheck => ({ findings: [{ file: f.path, line: i + 1, check, message: `line ${message}` }], lines });
      if (text === "") return at("audit-line", "is blank");
      let line: AuditLine;
      try {
        line = parseAuditLine(text, "it");
      } catch (e) {
        return at("audit-line", `is not a valid audit line (${(e as Error).message})`);
      }
      const problem = lineProblem(text, line, expected, month, engineer, card, sigOk);
      if (problem) return at(problem.check, problem.message);
      expected.seq = line.seq + 1;
      expected.prev = hashLine(text);
      expected.ts = line.ts;
      lines++;
    }
    if (unfinished) {
      // A write cut off by a crash (no code was shown for it). Appends trim it from the newest file only.
      const fix = f === sorted[sorted.length - 1] ? `${engineer}'s next mfavault command removes it` : "truncate the file after its last complete line";
      return { findings: [{ file: f.path, line: texts.length + 1, check: "audit-unfinished", message: `line is unfinished (no newline): a write was cut off; ${fix}` }], lines };
    }
  }
  return { findings: [], lines };
}
