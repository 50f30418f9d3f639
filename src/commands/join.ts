// `mfavault join --name bob`: a new engineer, in a clone of the vault repository, proposes their card.
// It makes (or reuses) their identity and commits team/bob.json with status "pending" on a new branch
// join/bob, built with git plumbing from HEAD: the user's branch, index and files are left as they were.
// A pending card grants nothing until an active member runs `mfavault team add bob`.
import type { Command } from "commander";
import { serializeCard, type Card } from "../core/card.js";
import { badInput, failure } from "../core/errors.js";
import { checkName } from "../core/names.js";
import { recipientOf } from "../crypto/age-file.js";
import { findIdentity } from "../identity/sources.js";
import { git, gitDir, headCommit, runGit } from "../repo/git.js";
import { cardPath } from "../repo/layout.js";
import { registerMergeDriver } from "../repo/merge-driver-config.js";
import { readTeam } from "../repo/team-store.js";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { emit, note, repoRoot, type Ctx } from "./context.js";
import { cardFor, makeStoredIdentity } from "./identity.js";
import { passphrasePrompt } from "./secret-input.js";

export interface JoinResult {
  name: string;
  recipient: string;
  branch: string;
  commit: string;
  pushed: boolean;
}

/** Commits one new file on top of `parent` into a new branch, without touching HEAD, index or work tree. */
function commitOnNewBranch(root: string, branch: string, parent: string, path: string, content: string, message: string): string {
  const blob = git(root, ["hash-object", "-w", "--stdin"], content).trim();
  const scratch = join(gitDir(root), "mfavault-join-index");
  const env = { GIT_INDEX_FILE: scratch };
  try {
    git(root, ["read-tree", parent], undefined, env);
    git(root, ["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], undefined, env);
    const tree = git(root, ["write-tree"], undefined, env).trim();
    const commit = git(root, ["commit-tree", tree, "-p", parent, "-F", "-"], `${message}\n`).trim();
    git(root, ["update-ref", "-m", `mfavault: ${message}`, `refs/heads/${branch}`, commit, "0".repeat(40)]);
    return commit;
  } finally {
    rmSync(scratch, { force: true });
  }
}

export async function runJoin(ctx: Ctx, opts: { name: string; push?: boolean; keychain?: boolean }): Promise<void> {
  const name = checkName(opts.name, "engineer name");
  const root = repoRoot(ctx);
  const parent = headCommit(root);
  if (!parent) throw failure("this clone has no commit yet: clone the team's vault repository first, then run mfavault join");

  const found = await findIdentity(ctx.io.env, passphrasePrompt(ctx));
  let identity = found?.identities[0];
  if (identity) note(ctx, `using your identity from ${found!.source}`);
  else {
    const made = await makeStoredIdentity(ctx, { keychain: opts.keychain });
    identity = made.identity;
    note(ctx, `made your identity and stored it in ${made.where}. Back it up: "mfavault identity export" prints it.`);
  }
  const recipient = await recipientOf(identity);

  const team = readTeam(root);
  const existing = team.get(name);
  if (existing && existing.recipient !== recipient) throw failure(`${cardPath(name)} already belongs to another key: pick another name with --name`);
  if (existing) {
    note(ctx, `${name} is already on the team (${existing.status})${existing.status === "pending" ? `: an active member activates you with "mfavault team add ${name}"` : ""}`);
    return;
  }
  const other = [...team.values()].find((c) => c.recipient === recipient);
  if (other) throw badInput(`your identity already belongs to "${other.name}" on this team`);

  const branch = `join/${name}`;
  if (runGit(root, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).status === 0) {
    throw failure(`branch ${branch} already exists: push it ("git push -u origin ${branch}"), or delete it ("git branch -D ${branch}") to propose again`);
  }
  registerMergeDriver(root);
  const card: Card = { ...(await cardFor(identity, name, ctx.io.now())), status: "pending" };
  const commit = commitOnNewBranch(root, branch, parent, cardPath(name), serializeCard(card), `join: ${name} (pending card, for review)`);

  let pushed = false;
  if (opts.push) {
    const r = runGit(root, ["push", "--quiet", "-u", "origin", `refs/heads/${branch}`]);
    if (r.status !== 0) throw failure(`committed ${branch}, but pushing it failed: ${r.stderr.trim().split("\n").pop()} — push it with "git push -u origin ${branch}"`);
    pushed = true;
  }
  emit(ctx, { name, recipient, branch, commit, pushed } satisfies JoinResult, (r) =>
    [
      `proposed ${r.name}'s card (pending) on branch ${r.branch}; your current branch and files are unchanged`,
      r.pushed ? `pushed ${r.branch}: open a merge request for it` : `next: git push -u origin ${r.branch}, and open a merge request`,
      `once it is merged, an active team member runs "mfavault team add ${r.name}" to activate you`,
    ].join("\n"),
  );
}

export function defineJoin(program: Command, ctx: Ctx): void {
  program
    .command("join")
    .description("propose yourself to the team: your identity, your pending card on a branch join/<name>, ready for review")
    .requiredOption("--name <name>", "your engineer name")
    .option("--push", "also push the join/<name> branch to origin")
    .option("--no-keychain", "if an identity must be made, use the passphrase-protected file even where a keychain answers")
    .addHelpText(
      "after",
      "\nRun it in a clone of the team's vault repository. It reuses your identity (environment, file, keychain or\n" +
        "protected file) or makes one, and commits team/<name>.json with status pending on branch join/<name>.\n" +
        "A pending card grants nothing until an active member runs \"mfavault team add <name>\".\n\n" +
        "Examples:\n  mfavault join --name bob\n  mfavault join --name bob --push",
    )
    .action((o: { name: string; push?: boolean; keychain?: boolean }) => runJoin(ctx, o));
}
