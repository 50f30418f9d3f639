// Appending the acting engineer's audit line: inside the repository lock, chained onto the true last
// line, written durably before any code or secret is shown (no line, no code), then committed.
import { hostname } from "node:os";
import { join } from "node:path";
import { auditFileFor, buildAuditLine, type AuditFields } from "../core/audit-line.js";
import { appendLineOnce, readChainHead } from "./audit-file.js";
import { commitPaths, remoteUrl } from "./git.js";
import { acquireLock } from "./lock.js";
import type { Session } from "./session.js";
import { lockPath, recoverInterrupted, type AuditAppend } from "./transaction.js";

/** Builds the next line of the acting engineer's chain. Call only while holding the repository lock. */
export function nextAuditLine(s: Session, fields: AuditFields): AuditAppend {
  const now = s.now();
  const head = readChainHead(s.root, s.me.name);
  const { text } = buildAuditLine(fields, { engineer: s.me.name, host: hostname(), remote: remoteUrl(s.root), now, head }, s.signingKey);
  return { path: auditFileFor(s.me.name, now), line: text };
}

/**
 * Records a read (a code, a revealed seed, an export): append, then commit. Returns once the line is on
 * disk and committed; throws, and the caller shows nothing, if either fails.
 */
export function recordRead(s: Session, fields: AuditFields, commit: boolean): void {
  const release = acquireLock(lockPath(s.root));
  try {
    recoverInterrupted(s.root);
    const { path, line } = nextAuditLine(s, fields);
    appendLineOnce(join(s.root, path), line);
    if (commit) commitPaths(s.root, [path], `audit: ${s.me.name} ${fields.action} ${fields.target}`);
  } finally {
    release();
  }
}
