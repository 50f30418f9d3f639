// `mfavault sync`: fetch, replay local commits on the remote branch (pull --rebase; vault files and audit
// files merge entry by entry through the merge driver), push. Errors say which of the three went wrong:
// no remote, the remote refused our credentials, or the remote cannot be reached.
import type { Command } from "commander";
import { failure, noAccess, notFound, usageError } from "../core/errors.js";
import { escapeText } from "../core/escape.js";
import { runGit, type GitResult } from "../repo/git.js";
import { missingAttributes, registerMergeDriver, registeredDriver } from "../repo/merge-driver-config.js";
import { rebaseInProgress } from "../repo/merge-history.js";
import { lockRepository, recoverInterrupted } from "../repo/transaction.js";
import { emit, note, repoRoot, session, type Ctx } from "./context.js";

export interface SyncResult {
  remote: string;
  branch: string;
  /** Commits that came in from the remote. */
  received: number;
  /** Commits of ours the remote did not have. */
  sent: number;
}

const AUTH = /authentication failed|could not read (username|password)|permission denied \(publickey|http (401|403)|403 forbidden|invalid username or password|terminal prompts disabled|access denied/i;
const OFFLINE = /could not resolve host|connection refused|network is unreachable|timed out|failed to connect|no route to host|temporary failure in name resolution|could not resolve hostname|connection reset|unable to access|could not read from remote repository/i;

function gitError(r: GitResult): string {
  return escapeText(r.stderr.trim().split("\n").filter(Boolean).slice(-2).join(" ")).slice(0, 400);
}

/** Turns a failed fetch or push into the one of three messages the user can act on. */
function remoteFailure(verb: "fetch from" | "push to", remote: string, url: string, r: GitResult): Error {
  const where = `${remote} (${url})`;
  if (AUTH.test(r.stderr)) {
    return noAccess(`cannot ${verb} ${where}: the remote refused your credentials — check your SSH key or git credential helper, then run "mfavault sync" again`);
  }
  if (OFFLINE.test(r.stderr)) {
    return failure(`cannot ${verb} ${where}: the remote cannot be reached (offline, or the server is down) — your commits are safe here; run "mfavault sync" again when online`);
  }
  return failure(`cannot ${verb} ${where}: ${gitError(r)}`);
}

function pickRemote(root: string, branch: string): string {
  const configured = runGit(root, ["config", "--get", `branch.${branch}.remote`]);
  if (configured.status === 0 && configured.stdout.trim()) return configured.stdout.trim();
  const remotes = runGit(root, ["remote"]).stdout.split("\n").filter(Boolean);
  if (remotes.includes("origin")) return "origin";
  if (remotes.length === 1) return remotes[0]!;
  if (remotes.length === 0) {
    throw notFound('this vault repository has no remote to sync with: add one with "git remote add origin <url>", then run "mfavault sync"');
  }
  throw usageError(`this repository has several remotes (${remotes.join(", ")}) and ${branch} tracks none: run "git branch -u <remote>/${branch}" first`);
}

function count(root: string, range: string): number {
  const r = runGit(root, ["rev-list", "--count", range]);
  return r.status === 0 ? Number(r.stdout.trim()) : 0;
}

/** What the merge driver told git (its lines start with "mfavault: "). */
function driverNotes(r: GitResult): string[] {
  return [...new Set(`${r.stdout}\n${r.stderr}`.split("\n").filter((l) => l.startsWith("mfavault: ")).map((l) => l.slice(10)))];
}

/** Replays our commits onto the remote branch; on any failure puts everything back as it was. */
function rebaseOnto(ctx: Ctx, root: string, upstream: string, env: Record<string, string>): void {
  const r = runGit(root, ["-c", "rebase.backend=merge", "rebase", "--autostash", "--quiet", upstream], undefined, { GIT_EDITOR: "true", ...env });
  if (r.status === 0) {
    for (const line of driverNotes(r)) note(ctx, line);
    return;
  }
  const conflicted = runGit(root, ["diff", "--name-only", "--diff-filter=U"]).stdout.split("\n").filter(Boolean);
  const reasons = driverNotes(r).filter((l) => !l.startsWith("merged "));
  if (rebaseInProgress(root)) runGit(root, ["rebase", "--abort"]);
  const files = conflicted.length ? ` in ${conflicted.join(", ")}` : "";
  const undeclared = missingAttributes(root).length > 0 ? ' (.gitattributes does not declare the mfavault merge driver: run "mfavault doctor --fix")' : "";
  const why = reasons.length ? `: ${reasons.join("; ")}` : `: ${gitError(r)}${undeclared}`;
  throw failure(`could not merge the remote's changes${files}${why}. Nothing changed: your branch is as it was before "mfavault sync"`);
}

export async function runSync(ctx: Ctx): Promise<void> {
  const root = repoRoot(ctx);
  const head = runGit(root, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (head.status !== 0) throw usageError('HEAD is detached: check out a branch (e.g. "git checkout main") before "mfavault sync"');
  const branch = head.stdout.trim();
  if (rebaseInProgress(root)) throw usageError('a rebase is in progress: finish it ("git rebase --continue") or abort it ("git rebase --abort") first');
  const remote = pickRemote(root, branch);
  const url = runGit(root, ["remote", "get-url", remote]).stdout.trim().replace(/\/\/[^/@]*@/, "//");
  if (!registeredDriver(root)) {
    registerMergeDriver(root);
    note(ctx, "registered the mfavault merge driver in .git/config");
  }
  // The merge driver runs in git's child processes: hand it the identity we unlocked, so a keychain or a
  // passphrase-protected identity is asked for once, here, not once per merged file.
  const identityEnv: Record<string, string> = {};
  try {
    identityEnv.MFAVAULT_IDENTITY = (await session(ctx)).identity.encoded;
  } catch {
    // No usable identity: a merge that needs one fails in the driver with its own message.
  }

  const release = lockRepository(root);
  try {
    recoverInterrupted(root);
    const upstream = `refs/remotes/${remote}/${branch}`;
    let received = 0;
    let sent = 0;
    for (let attempt = 1; ; attempt++) {
      const fetch = runGit(root, ["fetch", "--quiet", remote]);
      if (fetch.status !== 0) throw remoteFailure("fetch from", remote, url, fetch);
      const remoteHas = runGit(root, ["rev-parse", "--verify", "--quiet", upstream]).status === 0;
      if (remoteHas) {
        received += count(root, `HEAD..${upstream}`);
        if (count(root, `HEAD..${upstream}`) > 0) rebaseOnto(ctx, root, upstream, identityEnv);
      }
      sent = remoteHas ? count(root, `${upstream}..HEAD`) : count(root, "HEAD");
      if (sent === 0) break;
      const push = runGit(root, ["push", "--quiet", ...(remoteHas ? [] : ["-u"]), remote, `HEAD:refs/heads/${branch}`]);
      if (push.status === 0) break;
      // Someone pushed between our fetch and our push: fetch and replay again.
      if (/\[rejected\]|non-fast-forward|fetch first|failed to push some refs/i.test(push.stderr) && !AUTH.test(push.stderr) && !OFFLINE.test(push.stderr) && attempt < 3) {
        continue;
      }
      throw remoteFailure("push to", remote, url, push);
    }
    emit(ctx, { remote, branch, received, sent } satisfies SyncResult, (r) =>
      r.received === 0 && r.sent === 0
        ? `${r.branch} is up to date with ${r.remote}`
        : `synced ${r.branch} with ${r.remote}: ${r.received} commit${r.received === 1 ? "" : "s"} in, ${r.sent} out`,
    );
  } finally {
    release();
  }
}

export function defineSync(program: Command, ctx: Ctx): void {
  program
    .command("sync")
    .description("pull (rebase) and push: vault and audit files merge entry by entry, never by picking a side")
    .addHelpText(
      "after",
      "\nExit status: 3 when there is no remote, 4 when the remote refuses your credentials, 1 when it cannot be reached\n" +
        "or a merge cannot be made (your branch is then left exactly as it was).\n\nExamples:\n  mfavault sync\n  mfavault sync --json",
    )
    .action(() => runSync(ctx));
}
