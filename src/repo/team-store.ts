// Team cards on disk (team/<name>.json).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseCard, type Card } from "../core/card.js";
import { parseJsonText } from "../core/canonical-json.js";
import { notFound } from "../core/errors.js";
import { cardPath, TEAM_DIR } from "./layout.js";
import { LIMITS, readRepoText } from "./repo-file.js";

export function readCard(root: string, name: string): Card | null {
  let text: string;
  try {
    text = readRepoText(root, cardPath(name), LIMITS.card);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const card = parseCard(parseJsonText(text, cardPath(name)), cardPath(name));
  if (card.name !== name) throw notFound(`${cardPath(name)} holds the card of "${card.name}": the file name and the name inside must match`);
  return card;
}

export function readTeam(root: string): Map<string, Card> {
  const team = new Map<string, Card>();
  let files: string[];
  try {
    files = readdirSync(join(root, TEAM_DIR)).filter((f) => f.endsWith(".json"));
  } catch {
    return team;
  }
  for (const f of files.sort()) {
    const card = readCard(root, f.slice(0, -5));
    if (card) team.set(card.name, card);
  }
  return team;
}

export function requireActiveCard(team: Map<string, Card>, name: string): Card {
  const card = team.get(name);
  if (!card) throw notFound(`no engineer "${name}" in team/: add their card with "mfavault team add ${name}.json"`);
  if (card.status !== "active") throw notFound(`engineer "${name}" is ${card.status}, not active`);
  return card;
}
