// Reads that need a second look, from the audit trail: break-glass openings, and reads without a ticket
// of vaults that require one. Also when the last review was marked (`status --mark-reviewed`), since
// which they are listed. Pure: lines and vault settings in, findings out.
import { READ_ACTIONS, vaultsOf, type ReviewLine } from "./audit-review.js";
import { isBreakGlassLine } from "./break-glass.js";

/** The action `status --mark-reviewed` records: break-glass openings and ticketless reads up to it are reviewed. */
export const REVIEW_ACTION = "review";

export interface ReviewMark {
  ts: string;
  engineer: string;
}

export interface BreakGlassOpening {
  ts: string;
  engineer: string;
  /** code, reveal or export. */
  action: string;
  target: string;
  reason: string;
  ticket?: string;
}

export interface TicketlessRead {
  ts: string;
  engineer: string;
  action: string;
  target: string;
  vault: string;
}

export function lastReviewMark(lines: ReviewLine[]): ReviewMark | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.action === REVIEW_ACTION) return { ts: l.ts, engineer: l.engineer };
  }
  return null;
}

const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Every break-glass opening after `sinceIso` (all of them when null), oldest first. */
export function breakGlassOpenings(lines: ReviewLine[], sinceIso: string | null): BreakGlassOpening[] {
  const out: BreakGlassOpening[] = [];
  for (const l of lines) {
    if (!isBreakGlassLine(l) || !READ_ACTIONS.includes(l.action) || (sinceIso !== null && l.ts <= sinceIso)) continue;
    const o: BreakGlassOpening = { ts: l.ts, engineer: l.engineer, action: l.action, target: l.target, reason: text(l.details?.reason) ?? "" };
    const ticket = text(l.details?.ticket);
    if (ticket !== undefined) o.ticket = ticket;
    out.push(o);
  }
  return out;
}

export interface TicketVault {
  vault: string;
  /** Whether the vault requires a ticket now (from its decrypted settings). */
  requireTicket: boolean;
}

/**
 * When a vault's requirement began: the last `client-add`/`client-set` line that turned it on, provided
 * none turned it off later. A vault that requires tickets with no such line (settings written by hand)
 * counts from the beginning.
 */
function requiredSince(lines: ReviewLine[], vault: string): string {
  let since = "";
  for (const l of lines) {
    if ((l.action !== "client-add" && l.action !== "client-set") || l.target !== vault) continue;
    const set = l.details?.settings;
    const v = typeof set === "object" && set !== null ? (set as Record<string, unknown>).requireTicket : undefined;
    if (v === true) since = l.ts;
  }
  return since;
}

/** Code reads, reveals and exports without a ticket, after `sinceIso`, of vaults that require tickets. */
export function readsWithoutTicket(lines: ReviewLine[], vaults: TicketVault[], sinceIso: string | null): TicketlessRead[] {
  const required = new Map(vaults.filter((v) => v.requireTicket).map((v) => [v.vault, requiredSince(lines, v.vault)]));
  if (required.size === 0) return [];
  const known = vaults.map((v) => v.vault);
  const out: TicketlessRead[] = [];
  for (const l of lines) {
    if (!READ_ACTIONS.includes(l.action) || (sinceIso !== null && l.ts <= sinceIso) || text(l.details?.ticket)) continue;
    for (const vault of vaultsOf(l, known)) {
      const from = required.get(vault);
      if (from !== undefined && l.ts >= from) out.push({ ts: l.ts, engineer: l.engineer, action: l.action, target: l.target, vault });
    }
  }
  return out;
}
