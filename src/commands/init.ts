// `mfavault init DIR --name N`: a new vault repository with its first engineer, in its first commit.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { serializeCard } from "../core/card.js";
import { failure } from "../core/errors.js";
import { newRepoConfig, serializeRepoConfig } from "../core/repo-config.js";
import { loadIdentities } from "../identity/sources.js";
import { auditFileFor, buildAuditLine } from "../core/audit-line.js";
import { EMPTY_CHAIN } from "../core/audit-line.js";
import { deriveSigningKey } from "../crypto/keys.js";
import { git } from "../repo/git.js";
import { cardPath, CONFIG_FILE } from "../repo/layout.js";
import { applyChange } from "../repo/transaction.js";
import { GITATTRIBUTES, registerMergeDriver } from "../repo/merge-driver-config.js";
import { hostname } from "node:os";
import { cardFor } from "./identity.js";
import { emit, note, type Ctx } from "./context.js";
import { installPreCommitHook } from "../repo/pre-commit-hook.js";
import { confirmOnTty, passphrasePrompt } from "./secret-input.js";

export interface InitOptions {
  dir: string;
  name: string;
  /** Install the pre-commit hook (true), do not (false), or ask on a terminal (undefined). */
  hook?: boolean;
}

export async function runInit(ctx: Ctx, opts: InitOptions): Promise<void> {
  const root = resolve(ctx.io.cwd, opts.dir);
  if (existsSync(join(root, CONFIG_FILE))) throw failure(`${root} is already a vault repository`);
  if (existsSync(root) && readdirSync(root).some((n) => n !== ".git")) throw failure(`${root} is not empty: init wants a new or empty directory`);
  const identity = (await loadIdentities(ctx.io.env, passphrasePrompt(ctx)))[0]!;
  const now = ctx.io.now();
  const card = await cardFor(identity, opts.name, now);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  if (!existsSync(join(root, ".git"))) git(root, ["init", "--quiet", "--initial-branch=main"]);
  registerMergeDriver(root);
  const { text } = buildAuditLine({ action: "init", target: "" }, { engineer: card.name, host: hostname(), now, head: EMPTY_CHAIN }, deriveSigningKey(identity));
  applyChange(root, {
    message: `init: vault repository, first engineer ${card.name}`,
    commit: ctx.global.commit !== false,
    files: [
      { path: CONFIG_FILE, content: serializeRepoConfig(newRepoConfig()) },
      { path: cardPath(card.name), content: serializeCard(card) },
      { path: ".gitattributes", content: GITATTRIBUTES },
    ],
    audit: () => ({ path: auditFileFor(card.name, now), line: text }),
  });
  if (opts.hook ?? (await confirmOnTty(ctx, 'Install a git pre-commit hook that runs "mfavault verify --staged"?'))) {
    note(ctx, `installed ${installPreCommitHook(root)}: commits are checked for plaintext seeds and broken vaults`);
  }
  emit(ctx, { root, engineer: card.name, recipient: card.recipient }, (r) => `created vault repository ${r.root} with engineer ${r.engineer}\nnext: export MFAVAULT_DIR=${r.root}; mfavault client add <client>`);
}

export function defineInit(program: Command, ctx: Ctx): void {
  program
    .command("init")
    .description("create a vault repository (git init, mfavault.json, your team card, first commit)")
    .argument("<dir>", "directory to create it in")
    .requiredOption("--name <name>", "your engineer name")
    .option("--hook", 'install a git pre-commit hook running "mfavault verify --staged" (asked on a terminal otherwise)')
    .option("--no-hook", "do not install the pre-commit hook, and do not ask")
    .addHelpText("after", "\nExamples:\n  MFAVAULT_IDENTITY_FILE=~/alice.key mfavault init ./msp-vault --name alice\n  mfavault init ./msp-vault --name alice --hook")
    .action((dir: string, o: { name: string; hook?: boolean }) => runInit(ctx, { dir, name: o.name, hook: o.hook }));
}
