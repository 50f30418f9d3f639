// Tickets and break-glass reasons: short free text that goes into a signed audit line, so it is checked
// here once: printable, bounded, no control characters, terminal escapes or bidi overrides.
import { usageError } from "./errors.js";
import { escapeText, hasUnsafeText } from "./escape.js";

export const MAX_TICKET = 64;
export const MAX_REASON = 500;

function checkText(value: string, what: string, max: number, hint: string): string {
  const v = value.trim();
  if (v === "") throw usageError(`${what} is empty: ${hint}`);
  if (hasUnsafeText(v)) throw usageError(`${what} "${escapeText(v).slice(0, 80)}" holds control characters: use printable text only`);
  if ([...v].length > max) throw usageError(`${what} is longer than ${max} characters`);
  return v;
}

/** A ticket ID as given by --ticket or MFAVAULT_TICKET (e.g. "INC-4711"), trimmed. */
export function checkTicket(value: string, source = "the ticket"): string {
  return checkText(value, source, MAX_TICKET, 'give the ticket ID, e.g. --ticket INC-4711');
}

/** Why a sealed vault is opened, as given by --reason. */
export function checkReason(value: string): string {
  return checkText(value, "the break-glass reason", MAX_REASON, 'say why, e.g. --reason "owner locked out, INC-4711"');
}
