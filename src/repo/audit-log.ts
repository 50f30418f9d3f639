// Appending the acting engineer's audit line: inside the repository lock, chained onto the true last
// line, written durably before any code or secret is shown (no line, no code), then committed.
import { hostname } from "node:os";
import { join } from "node:path";
import { auditFileFor, buildAuditLine, type AuditFields } from "../core/audit-line.js";
import { appendLineOnce, readChainHead } from "./audit-file.js";
import { forwardAuditLine, rememberRecorder } from "./audit-forward.js";
import { commitPaths, remoteUrl } from "./git.js";
import type { Session } from "./session.js";
import { lockRepository, recoverInterrupted, type AuditAppend } from "./transaction.js";

/** Builds the next line of the acting engineer's chain. Call only while holding the repository lock. */
export function nextAuditLine(s: Session, fields: AuditFields): AuditAppend {
  const now = s.now();
  const head = readChainHead(s.root, s.me.name);
  const { text } = buildAuditLine(fields, { engineer: s.me.name, host: hostname(), remote: remoteUrl(s.root), now, head }, s.signingKey);
  const append = { path: auditFileFor(s.me.name, now), line: text };
  if (s.config.audit.syslog !== undefined) rememberRecorder(append, (f, commit) => recordRead(s, f, commit));
  return append;
}

/**
 * Records a read (a code, a revealed seed, an export): append, then commit. Returns once the line is on
 * disk and committed; throws, and the caller shows nothing, if either fails.
 */
export function recordRead(s: Session, fields: AuditFields, commit: boolean): void {
  const release = lockRepository(s.root);
  try {
    recoverInterrupted(s.root);
    const append = nextAuditLine(s, fields);
    appendLineOnce(join(s.root, append.path), append.line);
    if (commit) commitPaths(s.root, [append.path], `audit: ${s.me.name} ${fields.action} ${fields.target}`);
    forwardAuditLine(s.root, append, commit, s.config.audit);
  } finally {
    release();
  }
}
