// Audit files on disk: finding the head of an engineer's chain by reading only the tail of the newest
// month file, and appending one line durably. Never reads a whole audit file.
import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, readdirSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { EMPTY_CHAIN, hashLine, parseAuditLine, type ChainHead } from "../core/audit-line.js";
import { badInput, failure } from "../core/errors.js";
import { AUDIT_DIR } from "./layout.js";
import { tellRecovery } from "./recovery-notice.js";
import { LIMITS, refuseLinks } from "./repo-file.js";

const TAIL = 8192;
// A month file that is a symbolic link (a pull request could point it at ~/.bashrc) is neither read nor
// appended to: opening it fails (ELOOP), and so does the read: no audit line, no code.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** The last complete line of a file (without its newline), and where an unfinished last line starts. */
function readLastLine(fd: number, what: string): { line: string | null; completeUpTo: number } {
  const size = fstatSync(fd).size;
  let window = TAIL;
  for (;;) {
    // A last line longer than any audit file may be is damage (or a planted huge file): never read it all.
    if (window > LIMITS.audit) throw badInput(`${what}: its last ${LIMITS.audit >> 21} MB hold no complete audit line: the file is damaged; restore it from git history ("git log -- ${what}")`);
    const start = Math.max(0, size - window);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl < 0 && start > 0) {
      window *= 4;
      continue;
    }
    const completeUpTo = lastNl < 0 ? 0 : start + lastNl + 1;
    if (lastNl < 0) return { line: null, completeUpTo };
    const prevNl = buf.lastIndexOf(0x0a, lastNl - 1);
    if (prevNl < 0 && start > 0) {
      window *= 4;
      continue;
    }
    return { line: buf.subarray(prevNl + 1, lastNl).toString("utf8"), completeUpTo };
  }
}

/** Month files of an engineer, oldest first. */
export function auditFiles(root: string, engineer: string): string[] {
  try {
    return readdirSync(join(root, AUDIT_DIR, engineer))
      .filter((n) => /^\d{4}-\d{2}\.jsonl$/.test(n))
      .sort()
      .map((n) => `${AUDIT_DIR}/${engineer}/${n}`);
  } catch {
    return [];
  }
}

/** A file-system error on the audit path, as the one clear sentence of a failed read: no line, no code. */
function cannotWrite(path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (!code) return e as Error;
  return failure(`cannot write the audit line to ${path} (${code}): no audit line, no code — make ${dirname(path)} a writable folder with room on its disk`);
}

export function readChainHead(root: string, engineer: string): ChainHead {
  // The folder too: audit/<engineer> as a link would put the chain (and the next line) outside the repo.
  refuseLinks(root, `${AUDIT_DIR}/${engineer}`);
  const files = auditFiles(root, engineer);
  for (let i = files.length - 1; i >= 0; i--) {
    let fd: number;
    try {
      fd = openSync(join(root, files[i]!), constants.O_RDONLY | NOFOLLOW);
    } catch (e) {
      throw cannotWrite(files[i]!, e);
    }
    try {
      const { line } = readLastLine(fd, files[i]!);
      if (line === null) continue;
      const parsed = parseAuditLine(line, `${files[i]} (last line)`);
      return { seq: parsed.seq, hash: hashLine(line) };
    } catch (e) {
      throw cannotWrite(files[i]!, e);
    } finally {
      closeSync(fd);
    }
  }
  return EMPTY_CHAIN;
}

/**
 * Appends `line` unless it is already the file's last line (a re-run after a crash). An unfinished last
 * line (a write cut off by a crash, never followed by a code) is cut away first.
 */
export function appendLineOnce(path: string, line: string): void {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | NOFOLLOW, 0o644);
  } catch (e) {
    throw cannotWrite(path, e);
  }
  try {
    const { line: last, completeUpTo } = readLastLine(fd, path);
    if (last === line) return;
    if (completeUpTo < fstatSync(fd).size) {
      ftruncateSync(fd, completeUpTo);
      tellRecovery(`removed the unfinished last line of ${path} (a write cut off when a run was killed; no code was shown for it)`);
    }
    const data = Buffer.from(`${line}\n`);
    if (writeSync(fd, data) !== data.length) throw failure(`short write to ${path}: no audit line, no code`);
    fdatasyncSync(fd);
  } catch (e) {
    throw cannotWrite(path, e);
  } finally {
    closeSync(fd);
  }
}
