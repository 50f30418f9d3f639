// A change to the vault repository: whole-file writes and deletes, at most one audit line, one commit.
// Crash safety: new contents are staged under .git/mfavault-tx first, then a journal naming every step is
// written atomically; only then are files moved into place. A run that finds a journal finishes it (roll
// forward); staged files without a journal are discarded (roll back). Either way the repository ends up
// exactly as before or exactly as after the interrupted command.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { badInput, failure } from "../core/errors.js";
import { writeAllDurably, writeFileAtomic } from "./atomic-write.js";
import { appendLineOnce } from "./audit-file.js";
import { forwardAuditLine } from "./audit-forward.js";
import { clearLeftoverGitLocks } from "./git-fast-commit.js";
import { commitPaths, dirtyPaths, gitDir } from "./git.js";
import { acquireLock, type DeadHolder } from "./lock.js";
import { tellRecovery } from "./recovery-notice.js";
import { refuseLinks } from "./repo-file.js";

export interface FileChange {
  path: string;
  /** New content, or null to delete the file. */
  content: string | null;
  /**
   * The SHA-256 the file must still have when the change is applied (null: it must not exist), so a
   * change computed from what a command read is never applied over what another command wrote since.
   */
  expectSha?: string | null;
}

export function changedMeanwhile(path: string) {
  return failure(`${path} changed while this command ran (another mfavault, or a git pull): nothing was written; run the command again`);
}

export function currentSha(path: string): string | null {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

export interface AuditAppend {
  path: string;
  line: string;
}

interface Journal {
  message: string;
  commit: boolean;
  files: { path: string; staged: string | null }[];
  audit?: AuditAppend;
}

const txDir = (root: string) => join(gitDir(root), "mfavault-tx");
const journalPath = (root: string) => join(gitDir(root), "mfavault-journal.json");
export const lockPath = (root: string) => join(gitDir(root), "mfavault.lock");

/**
 * The repository lock around every change and audit line. Taken over from a killed mfavault, it first
 * clears what that run left in .git that would make every later commit fail (git lock files) or litter.
 */
export function lockRepository(root: string): () => void {
  return acquireLock(lockPath(root), (dead) => clearAfterDeadRun(root, dead));
}

function clearAfterDeadRun(root: string, dead: DeadHolder): void {
  const removed = clearLeftoverGitLocks(root, dead.since);
  for (const name of readdirSync(gitDir(root))) {
    if (name.startsWith("mfavault-journal.json.") && name.endsWith(".tmp")) rmSync(join(gitDir(root), name), { force: true });
  }
  const who = dead.pid === null ? "an mfavault that was killed" : `an mfavault that was killed (pid ${dead.pid})`;
  if (removed.length > 0) tellRecovery(`removed ${removed.join(", ")} left by ${who}`);
}

function checkInside(path: string): void {
  if (path.startsWith("/") || path.split("/").some((s) => s === ".." || s === "" || s === ".git")) {
    throw badInput(`refusing to write outside the vault repository: ${path}`);
  }
}

function applyJournal(root: string, j: Journal, replay = false): void {
  for (const f of j.files) {
    const target = join(root, f.path);
    if (f.staged === null) {
      rmSync(target, { force: true });
    } else if (existsSync(f.staged)) {
      mkdirSync(join(target, ".."), { recursive: true, mode: 0o755 });
      renameSync(f.staged, target);
    }
  }
  if (j.audit) appendLineOnce(join(root, j.audit.path), j.audit.line);
  const paths = [...j.files.map((f) => f.path), ...(j.audit ? [j.audit.path] : [])];
  if (j.commit && paths.length > 0) commitPaths(root, paths, j.message, { unlessUnchanged: replay });
  unlinkSync(journalPath(root));
  rmSync(txDir(root), { recursive: true, force: true });
}

function told(sentence: string): string {
  tellRecovery(sentence);
  return sentence;
}

/** Finishes or discards what a killed run left behind, and says so. Returns that sentence, or null. */
export function recoverInterrupted(root: string): string | null {
  if (existsSync(journalPath(root))) {
    const j = JSON.parse(readFileSync(journalPath(root), "utf8")) as Journal;
    applyJournal(root, j, true);
    return told(`finished an interrupted change: ${j.message}`);
  }
  if (existsSync(txDir(root)) && readdirSync(txDir(root)).length > 0) {
    rmSync(txDir(root), { recursive: true, force: true });
    return told("discarded the staged files of a change that was interrupted before it started");
  }
  return null;
}

export interface ChangeOptions {
  message: string;
  commit: boolean;
  files: FileChange[];
  /**
   * Files whose uncommitted edits this change deliberately applies (rekey of a hand-edited recipients
   * file); every other file it writes must be clean in the work tree.
   */
  applies?: string[];
  /** Called inside the lock, so the audit line chains onto the true last line. */
  audit?: () => AuditAppend;
}

/** Applies a change under the repository lock; returns what recovery said, if anything ran. */
export function applyChange(root: string, change: ChangeOptions): { recovered: string | null } {
  for (const f of change.files) checkInside(f.path);
  const release = lockRepository(root);
  try {
    const recovered = recoverInterrupted(root);
    for (const f of change.files) {
      if (f.expectSha !== undefined && currentSha(join(root, f.path)) !== f.expectSha) {
        throw changedMeanwhile(f.path);
      }
    }
    const applied = new Set(change.applies ?? []);
    const checked = change.files.map((f) => f.path).filter((p) => !applied.has(p));
    const dirty = checked.length > 0 ? dirtyPaths(root, checked) : [];
    if (dirty.length > 0) {
      throw failure(`uncommitted changes in ${dirty.join(", ")}: commit them, or discard them with "git checkout -- <file>", then retry`);
    }
    for (const f of change.files) refuseLinks(root, f.path);
    mkdirSync(txDir(root), { recursive: true, mode: 0o700 });
    const journal: Journal = { message: change.message, commit: change.commit, files: [] };
    const toStage: { path: string; content: string }[] = [];
    change.files.forEach((f, i) => {
      const staged = f.content === null ? null : join(txDir(root), String(i));
      if (staged !== null) toStage.push({ path: staged, content: f.content! });
      journal.files.push({ path: f.path, staged });
    });
    writeAllDurably(toStage);
    if (change.audit) {
      journal.audit = change.audit();
      refuseLinks(root, journal.audit.path);
    }
    writeFileAtomic(journalPath(root), JSON.stringify(journal), 0o600);
    applyJournal(root, journal);
    if (journal.audit) forwardAuditLine(root, journal.audit, change.commit);
    return { recovered };
  } finally {
    release();
  }
}
