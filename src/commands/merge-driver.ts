// `mfavault merge-driver %O %A %B %P` (hidden): what git runs to merge a vault's files or an audit file.
// The merged content replaces %A; a non-zero exit leaves git's conflict in place, so a vault the merging
// engineer cannot decrypt fails clearly instead of one side silently winning.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { rechainAuditFile } from "../core/audit-merge.js";
import { badInput, noAccess } from "../core/errors.js";
import { findRoot } from "../repo/find-root.js";
import { rebaseInProgress } from "../repo/merge-history.js";
import { openSession } from "../repo/session.js";
import { mergeRecipientsText, mergeVaultFile, vaultFileOf } from "../repo/vault-merge-files.js";
import { note, type Ctx } from "./context.js";
import { passphrasePrompt } from "./secret-input.js";

export async function runMergeDriver(ctx: Ctx, basePath: string, oursPath: string, theirsPath: string, path: string): Promise<void> {
  // Git runs drivers at the top of the work tree it is merging in: that is the repository, whatever
  // MFAVAULT_DIR says.
  const root = findRoot(undefined, {}, ctx.io.cwd);
  const read = (p: string) => readFileSync(resolve(ctx.io.cwd, p));
  const given = { base: read(basePath), ours: read(oursPath), theirs: read(theirsPath) };
  const target = resolve(ctx.io.cwd, oursPath);
  const file = vaultFileOf(path);
  if (file?.kind === "recipients") {
    writeFileSync(target, mergeRecipientsText(file.vault, { base: given.base.toString("utf8"), ours: given.ours.toString("utf8"), theirs: given.theirs.toString("utf8") }));
    return;
  }
  const audit = /^audit\/([^/]+)\/\d{4}-\d{2}\.jsonl$/.exec(path);
  if (!file && !audit) throw badInput(`mfavault merges vault files and audit files, not ${path}: check .gitattributes`);
  const s = await openSession(root, ctx.io.env, ctx.io.now, passphrasePrompt(ctx));
  if (audit) {
    if (audit[1] !== s.me.name) {
      throw noAccess(`cannot merge ${path}: only ${audit[1]} can re-chain their own audit lines; ask ${audit[1]} to run "mfavault sync" first`);
    }
    // The side already shared keeps its lines: upstream ("ours") during a rebase, the incoming side in a merge.
    const rebasing = rebaseInProgress(root);
    const [kept, moved] = rebasing ? [given.ours, given.theirs] : [given.theirs, given.ours];
    writeFileSync(target, rechainAuditFile(path, given.base.toString("utf8"), kept.toString("utf8"), moved.toString("utf8"), s.me.name, s.signingKey));
    return;
  }
  const merged = await mergeVaultFile(s, file!.vault, file!.kind as "vault" | "manifest", given);
  writeFileSync(target, merged.content);
  if (file!.kind === "vault") {
    note(ctx, `mfavault: merged ${path} entry by entry, re-encrypted and signed by ${s.me.name}`);
    for (const name of merged.conflicts) {
      note(ctx, `mfavault: ${file!.vault}/${name} was rotated to two different seeds: both kept and marked ("mfavault show ${file!.vault}/${name}")`);
    }
  }
}

export function defineMergeDriver(program: Command, ctx: Ctx): void {
  program
    .command("merge-driver", { hidden: true })
    .description("git merge driver for vault files and audit files (registered by init, join and doctor --fix)")
    .argument("<base>", "%O: the common ancestor's version")
    .argument("<ours>", "%A: our version; the merge result is written here")
    .argument("<theirs>", "%B: their version")
    .argument("<path>", "%P: the path in the repository")
    .action((base: string, ours: string, theirs: string, path: string) => runMergeDriver(ctx, base, ours, theirs, path));
}
