// The whole audit trail on disk (audit/<engineer>/<YYYY-MM>.jsonl): verifying every engineer's chain,
// and reading lines back, oldest first, for `audit log`, `audit export` and the monthly review.
import { readdirSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { verifyEngineerChain, type AuditFileText, type SignatureCheck } from "../core/audit-chain.js";
import { parseAuditLine, signedBytes, type AuditLine } from "../core/audit-line.js";
import type { Card } from "../core/card.js";
import { isMfaError } from "../core/errors.js";
import { escapeText } from "../core/escape.js";
import type { Finding } from "../core/finding.js";
import { isName } from "../core/names.js";
import { AUDIT_DIR } from "./layout.js";
import { LIMITS, readRepoText } from "./repo-file.js";
import { checkSignatures, type SignatureJob } from "./signature-check.js";

const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/;

function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

export interface TrailCheck {
  findings: Finding[];
  /** Lines verified (up to each engineer's first broken line). */
  lines: number;
  engineers: number;
}

/** Verifies every engineer's chain, and that audit/ holds nothing but engineer folders of month files. */
export function checkAuditTrail(root: string, team: Map<string, Card>): TrailCheck {
  const out: TrailCheck = { findings: [], lines: 0, engineers: 0 };
  for (const d of entriesOf(join(root, AUDIT_DIR))) {
    const rel = `${AUDIT_DIR}/${d.name}`;
    if (!d.isDirectory() || !isName(d.name)) {
      out.findings.push({ file: rel, check: "audit-layout", message: `${escapeText(rel)} is not an engineer's audit folder (audit/<engineer>/<YYYY-MM>.jsonl)` });
      continue;
    }
    const files: AuditFileText[] = [];
    for (const f of entriesOf(join(root, rel))) {
      const path = `${rel}/${f.name}`;
      if (!f.isFile() || !MONTH_FILE.test(f.name)) {
        out.findings.push({ file: path, check: "audit-layout", message: `${escapeText(path)} is not a month file (<YYYY-MM>.jsonl): lines there are never verified` });
        continue;
      }
      try {
        files.push({ path, text: readRepoText(root, path, LIMITS.audit) });
      } catch (e) {
        if (!isMfaError(e)) throw e;
        out.findings.push({ file: path, check: "audit-layout", message: `${escapeText(e.message)}: its lines are not verified` });
      }
    }
    out.engineers++;
    const card = team.get(d.name);
    const chain = verifyEngineerChain(d.name, files, card, card && signaturesOf(files, card.signingKey));
    out.findings.push(...chain.findings);
    out.lines += chain.lines;
  }
  return out;
}

/** Every line's signature checked up front, in parallel batches; lines that do not parse are left to the chain check. */
function signaturesOf(files: AuditFileText[], key: string): SignatureCheck {
  const verdicts = new Map<string, boolean>();
  let batch: { text: string; job: SignatureJob }[] = [];
  const flush = () => {
    checkSignatures(batch.map((b) => b.job)).forEach((ok, i) => verdicts.set(batch[i]!.text, ok));
    batch = [];
  };
  for (const f of files) {
    for (const text of f.text.split("\n")) {
      let line: AuditLine;
      try {
        line = parseAuditLine(text, f.path);
      } catch {
        continue;
      }
      const { sig, ...unsigned } = line;
      batch.push({ text, job: { key, message: signedBytes(unsigned), sig } });
      if (batch.length >= 50_000) flush();
    }
  }
  flush();
  return (_line, text) => verdicts.get(text) ?? false;
}

/** Every finding in the audit trail; the keyless check `mfavault verify` and `audit verify` share. */
export function verifyAuditTrail(root: string, team: Map<string, Card>): Finding[] {
  return checkAuditTrail(root, team).findings;
}

export interface TrailLine {
  file: string;
  /** 1-based line number in that file. */
  number: number;
  text: string;
  line: AuditLine;
}

export interface TrailRead {
  lines: TrailLine[];
  /** Lines that could not be parsed (`audit verify` says why); they are left out, never guessed at. */
  unreadable: number;
}

/**
 * Reads the lines of every engineer (or one), sorted by time. Month files wholly outside
 * [since, until) are not opened: a file holds exactly the lines dated in its month.
 */
export function readAuditTrail(root: string, range: { since?: Date; until?: Date; engineer?: string } = {}): TrailRead {
  const fromMonth = range.since?.toISOString().slice(0, 7);
  const toMonth = range.until?.toISOString().slice(0, 7);
  const out: TrailRead = { lines: [], unreadable: 0 };
  for (const d of entriesOf(join(root, AUDIT_DIR))) {
    if (!d.isDirectory() || (range.engineer !== undefined && d.name !== range.engineer)) continue;
    for (const f of entriesOf(join(root, AUDIT_DIR, d.name))) {
      const month = MONTH_FILE.exec(f.name)?.[1];
      if (!f.isFile() || !month || (fromMonth && month < fromMonth) || (toMonth && month > toMonth)) continue;
      const file = `${AUDIT_DIR}/${d.name}/${f.name}`;
      let texts: string[];
      try {
        texts = readRepoText(root, file, LIMITS.audit).split("\n");
      } catch (e) {
        if (!isMfaError(e)) throw e;
        out.unreadable++;
        continue;
      }
      texts.pop(); // the empty string after the last newline, or an unfinished line
      texts.forEach((text, i) => {
        try {
          out.lines.push({ file, number: i + 1, text, line: parseAuditLine(text, file) });
        } catch {
          out.unreadable++;
        }
      });
    }
  }
  out.lines.sort((a, b) => (a.line.ts < b.line.ts ? -1 : a.line.ts > b.line.ts ? 1 : a.line.engineer < b.line.engineer ? -1 : a.line.engineer > b.line.engineer ? 1 : a.line.seq - b.line.seq));
  return out;
}
