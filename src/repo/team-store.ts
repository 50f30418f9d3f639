// Team cards on disk (team/<name>.json).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseCard, type Card } from "../core/card.js";
import { parseJsonText } from "../core/canonical-json.js";
import { badInput, isMfaError, notFound } from "../core/errors.js";
import { isName } from "../core/names.js";
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
  let card: Card;
  try {
    card = parseCard(parseJsonText(text, cardPath(name)), cardPath(name));
  } catch (e) {
    if (!isMfaError(e)) throw e;
    const path = cardPath(name);
    const what = e.message.startsWith(path) ? e.message : `${path}: ${e.message}`;
    throw badInput(`${what} — restore it ("git checkout -- ${path}", or an older version from "git log -- ${path}"), or ask ${name} for a new card ("mfavault identity card")`);
  }
  if (card.name !== name) throw notFound(`${cardPath(name)} holds the card of "${card.name}": the file name and the name inside must match`);
  return card;
}

export function readTeam(root: string): Map<string, Card> {
  const team = new Map<string, Card>();
  let files: string[];
  try {
    // A file whose name is no engineer name (escapes, look-alike letters) is no card: `verify` reports it.
    files = readdirSync(join(root, TEAM_DIR)).filter((f) => f.endsWith(".json") && isName(f.slice(0, -5)));
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
