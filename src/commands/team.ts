// `mfavault team add|list|remove`: the public cards of the engineers in this vault repository.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { parseCard, serializeCard, type Card } from "../core/card.js";
import { parseJsonText } from "../core/canonical-json.js";
import { badInput, failure, notFound, usageError } from "../core/errors.js";
import { escapeText } from "../core/escape.js";
import { checkName } from "../core/names.js";
import type { RotationDueItem } from "../core/policy.js";
import type { BlockedVault } from "../repo/reencrypt.js";
import { saveChange } from "../repo/save.js";
import { cardPath, listVaults } from "../repo/layout.js";
import { dirtyPaths } from "../repo/git.js";
import { readTeam } from "../repo/team-store.js";
import { readUserFile, USER_LIMITS } from "../repo/user-file.js";
import { accessSession, finishBlocked, listSome, prepareRevoke, rotationChecklist } from "./access.js";
import { emit, note, repo, session, type Ctx } from "./context.js";

function readCardSource(ctx: Ctx, source: string): Card {
  const text = source === "-" ? ctx.io.readStdin(USER_LIMITS.card, "the card on stdin") : readUserFile(ctx.io.cwd, source, USER_LIMITS.card, "card file").toString("utf8");
  return parseCard(parseJsonText(text, source === "-" ? "card on stdin" : source), source === "-" ? "card on stdin" : source);
}

export async function runTeamAdd(ctx: Ctx, source: string): Promise<void> {
  const s = await session(ctx);
  // A bare name activates the pending card that engineer proposed with "mfavault join".
  const bareName = /^[a-z0-9_][a-z0-9._-]*$/.test(source) && !source.endsWith(".json") && !existsSync(resolve(ctx.io.cwd, source));
  const named = bareName ? s.team.get(source) : undefined;
  if (bareName && !named) {
    throw notFound(`no card "${source}" in team/: ask them to run "mfavault join --name ${source}" and merge its branch, or give a card file`);
  }
  const incoming = named ?? readCardSource(ctx, source);
  const existing = s.team.get(incoming.name);
  if (existing && existing.status !== "pending") {
    if (existing.recipient === incoming.recipient) {
      note(ctx, `${incoming.name} is already on the team (${existing.status}): nothing to do`);
      return;
    }
    throw failure(`team/${incoming.name}.json already exists with a different key: a card is never replaced; pick another name`);
  }
  const clash = [...s.team.values()].find((c) => c.recipient === incoming.recipient && c.name !== incoming.name);
  if (clash) throw badInput(`that age recipient already belongs to "${clash.name}"`);
  const card: Card = { ...incoming, status: "active", created: incoming.created };
  await saveChange(s, {
    message: `team: add ${card.name}`,
    commit: ctx.global.commit !== false,
    files: [{ path: cardPath(card.name), content: serializeCard(card) }],
    audit: { action: "team-add", target: card.name },
  });
  emit(ctx, card, (c) => `added ${c.name} to the team (${c.recipient})\nnext: mfavault grant ${c.name} <client>`);
}

export interface TeamRemoveResult {
  engineer: string;
  /** When the card was marked removed (kept, never deleted, so old audit lines still verify). */
  removed: string;
  revoked: string[];
  rotationDue: RotationDueItem[];
  notRevoked: BlockedVault[];
}

/** Revokes the engineer from every vault the caller can re-key, then marks the card removed: one change. */
export async function runTeamRemove(ctx: Ctx, name: string): Promise<void> {
  checkName(name, "engineer name");
  const s = await accessSession(ctx);
  const card = s.team.get(name);
  if (!card) throw notFound(`no engineer "${name}" in team/: "mfavault team list" shows the team`);
  if (name === s.me.name) throw usageError(`you cannot remove yourself: ask another active team member to run "mfavault team remove ${name}"`);
  if (dirtyPaths(s.root, [cardPath(name)]).length > 0) throw failure(`uncommitted changes in ${cardPath(name)}: commit them, or discard them with "git checkout -- <file>", then retry`);
  const { prepared, blocked } = await prepareRevoke(s, name, listVaults(s.root), "team-remove");
  const revoked = prepared.applied.map((p) => p.vault);
  const removed = card.removed ?? s.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  const files = [...prepared.files];
  if (card.status !== "removed") files.push({ path: cardPath(name), content: serializeCard({ ...card, status: "removed", removed }) });
  if (files.length === 0 && prepared.vaults.length === 0) {
    note(ctx, `${name} was already removed on ${removed} and reads no vault you can change: nothing to do`);
  } else {
    await saveChange(s, {
      message: `team: remove ${name}${revoked.length ? ` (revoked from ${revoked.length} vault${revoked.length === 1 ? "" : "s"})` : ""}`,
      commit: ctx.global.commit !== false,
      vaults: prepared.vaults,
      files,
      audit: { action: "team-remove", target: name, details: { vaults: revoked, rotationDue: prepared.rotationDue.length } },
    });
  }
  const result: TeamRemoveResult = { engineer: name, removed, revoked, rotationDue: prepared.rotationDue, notRevoked: blocked };
  emit(ctx, result, (r) => {
    const lines = [`removed ${r.engineer} from the team (the card stays, marked removed on ${r.removed}, so their audit lines still verify)`];
    if (r.revoked.length > 0) lines.push(`revoked ${r.engineer} from ${listSome(r.revoked)}`, ...rotationChecklist(r.engineer, r.rotationDue));
    return lines.join("\n");
  });
  finishBlocked(ctx, blocked, "the card is marked removed and the other vaults were re-keyed and committed");
}

export function defineTeam(program: Command, ctx: Ctx): void {
  const team = program.command("team").description("the engineers of this vault repository");
  team
    .command("add")
    .description("add an engineer from the card they made with 'mfavault identity card', or activate a pending card from 'mfavault join'")
    .argument("<card>", "card JSON file, - for stdin, or the name of a pending card")
    .addHelpText("after", "\nExamples:\n  mfavault team add bob.json\n  mfavault team add bob          # activates team/bob.json (pending, from mfavault join)")
    .action((source: string) => runTeamAdd(ctx, source));
  team
    .command("remove")
    .description("offboard an engineer: revoke them from every vault you can, then mark their card removed (never deleted)")
    .argument("<name>", "engineer name")
    .addHelpText(
      "after",
      "\nVaults you cannot decrypt are named, left unchanged, and the command exits non-zero: one of their\nreaders finishes with \"mfavault revoke <name> <vault>\".\n\nExamples:\n  mfavault team remove bob\n  mfavault team remove bob --json",
    )
    .action((name: string) => runTeamRemove(ctx, name));
  team
    .command("list")
    .description("list team cards")
    .addHelpText("after", "\nExamples:\n  mfavault team list\n  mfavault team list --json")
    .action(() => {
      const cards = [...readTeam(repo(ctx).root).values()];
      emit(ctx, cards, (cs) => cs.map((c) => `${escapeText(c.name).padEnd(16)} ${c.status.padEnd(8)} ${c.recipient}`).join("\n"));
    });
}
