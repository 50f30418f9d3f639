// A team card (team/<name>.json): an engineer's public identity. Cards are never deleted, only marked
// removed, so old manifests and audit lines keep verifying.
import { badInput } from "./errors.js";
import { asObject, isoDate, oneOf, optStr, str } from "./guards.js";
import { checkName } from "./names.js";
import { isSigningKey, recipientKind } from "../crypto/keys.js";

export type CardStatus = "active" | "pending" | "removed";
export const CARD_STATUSES: readonly CardStatus[] = ["active", "pending", "removed"];

export interface Card {
  name: string;
  recipient: string;
  signingKey: string;
  status: CardStatus;
  created: string;
  removed?: string;
}

export function parseCard(value: unknown, what = "team card"): Card {
  const o = asObject(value, what);
  const name = checkName(str(o, "name", what), "engineer name");
  const recipient = str(o, "recipient", what);
  try {
    recipientKind(recipient);
  } catch (e) {
    throw badInput(`${what}: "recipient": ${(e as Error).message}`);
  }
  const signingKey = str(o, "signingKey", what);
  if (!isSigningKey(signingKey)) throw badInput(`${what}: "signingKey" must be ed25519:<base64 of 32 bytes>`);
  const card: Card = { name, recipient, signingKey, status: oneOf(o, "status", what, CARD_STATUSES), created: isoDate(o, "created", what) };
  if (optStr(o, "removed", what) !== undefined) card.removed = isoDate(o, "removed", what);
  return card;
}

export function serializeCard(card: Card): string {
  const ordered: Card = { name: card.name, recipient: card.recipient, signingKey: card.signingKey, status: card.status, created: card.created };
  if (card.removed) ordered.removed = card.removed;
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
