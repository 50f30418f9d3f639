// `mfavault team add|list`: the public cards of the engineers in this vault repository.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { parseCard, serializeCard, type Card } from "../core/card.js";
import { parseJsonText } from "../core/canonical-json.js";
import { badInput, failure } from "../core/errors.js";
import { escapeText } from "../core/escape.js";
import { saveChange } from "../repo/save.js";
import { cardPath } from "../repo/layout.js";
import { readTeam } from "../repo/team-store.js";
import { emit, note, repo, session, type Ctx } from "./context.js";

function readCardSource(ctx: Ctx, source: string): Card {
  const text = source === "-" ? ctx.io.readStdin() : readFileSync(resolve(ctx.io.cwd, source), "utf8");
  return parseCard(parseJsonText(text, source === "-" ? "card on stdin" : source), source === "-" ? "card on stdin" : source);
}

export async function runTeamAdd(ctx: Ctx, source: string): Promise<void> {
  const s = await session(ctx);
  const incoming = readCardSource(ctx, source);
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

export function defineTeam(program: Command, ctx: Ctx): void {
  const team = program.command("team").description("the engineers of this vault repository");
  team
    .command("add")
    .description("add an engineer from the card they made with 'mfavault identity card'")
    .argument("<card>", "card JSON file, or - for stdin")
    .addHelpText("after", "\nExample:\n  mfavault team add bob.json")
    .action((source: string) => runTeamAdd(ctx, source));
  team
    .command("list")
    .description("list team cards")
    .addHelpText("after", "\nExamples:\n  mfavault team list\n  mfavault team list --json")
    .action(() => {
      const cards = [...readTeam(repo(ctx).root).values()];
      emit(ctx, cards, (cs) => cs.map((c) => `${escapeText(c.name).padEnd(16)} ${c.status.padEnd(8)} ${c.recipient}`).join("\n"));
    });
}
