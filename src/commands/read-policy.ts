// What a read of seeds (`code`, `show --reveal`, `export`) must satisfy beyond access: a ticket where the
// vault requires one, and `--break-glass --reason` for a sealed vault (recording the read is
// repo/vault-read.ts). On the `code` path: the prompt library loads only when a ticket must be asked for.
import type { Command } from "commander";
import { usageError } from "../core/errors.js";
import type { Json } from "../core/guards.js";
import { checkReason, checkTicket } from "../core/ticket.js";
import type { VaultDoc } from "../core/vault-doc.js";
import type { ReadClearance } from "../repo/vault-read.js";
import { note, type Ctx } from "./context.js";
import { importExternal } from "../load-external.js";

export interface ReadPolicyOptions {
  ticket?: string;
  breakGlass?: boolean;
  reason?: string;
}

/** The flags every seed-reading command takes, and what they mean; one place so `code`, `show` and `export` agree. */
export function withReadPolicyOptions(cmd: Command): Command {
  return cmd
    .option("--ticket <id>", "the ticket this read is for, recorded in the audit line (also $MFAVAULT_TICKET)")
    .option("--break-glass", "open a sealed break-glass vault (needs --reason; alerts, and marks what you open rotation due)")
    .option("--reason <text>", "why a sealed vault is opened, recorded in the audit line")
    .addHelpText(
      "after",
      "\nA vault that requires tickets (client set <vault> --require-ticket) needs --ticket ID or $MFAVAULT_TICKET;\n" +
        "on a terminal it asks, elsewhere it refuses (exit 2). A sealed vault opens only with\n" +
        '--break-glass --reason "…": a warning, an audit line marked break-glass (a syslog alert), rotation due.',
    );
}

/** A prompt's validator: true, or the message of why the answer is refused. */
function ticketProblem(value: string): true | string {
  try {
    checkTicket(value);
    return true;
  } catch (e) {
    return (e as Error).message;
  }
}

async function askTicket(ctx: Ctx, vault: string, what: string): Promise<string> {
  if (!ctx.io.stdinIsTTY || ctx.io.env.CI) {
    throw usageError(`${vault} requires a ticket for every read: pass --ticket ID (or set MFAVAULT_TICKET); nothing was shown`);
  }
  const { input } = await importExternal<typeof import("@inquirer/prompts")>("@inquirer/prompts");
  // The question goes to stderr: stdout carries the code or the export, which may be piped.
  const answer = await input({ message: `Ticket for ${what} (${vault} requires one):`, validate: ticketProblem }, { output: process.stderr });
  return checkTicket(answer);
}

/**
 * Checks a read of `what` (an entry address, or a vault for an export) in `doc` against the vault's
 * settings. Refuses before anything is shown or recorded; warns on stderr when a sealed vault is opened.
 */
export async function clearRead(ctx: Ctx, doc: VaultDoc, o: ReadPolicyOptions, what: string): Promise<ReadClearance> {
  const settings = doc.settings ?? {};
  const fromEnv = ctx.io.env.MFAVAULT_TICKET;
  let ticket =
    o.ticket !== undefined ? checkTicket(o.ticket, "--ticket") : fromEnv !== undefined && fromEnv !== "" ? checkTicket(fromEnv, "MFAVAULT_TICKET") : undefined;
  if (o.reason !== undefined && !o.breakGlass) throw usageError("--reason goes with --break-glass");
  let breakGlass = false;
  let reason: string | undefined;
  if (settings.sealed) {
    if (!o.breakGlass) {
      throw usageError(`${doc.vault} is a sealed break-glass vault: open it with --break-glass --reason "why" (audited, alerted, and every seed you open becomes due for rotation); nothing was shown`);
    }
    if (o.reason === undefined) throw usageError(`--break-glass needs --reason "why" (recorded in the audit line)`);
    reason = checkReason(o.reason);
    breakGlass = true;
  } else if (o.breakGlass) {
    note(ctx, `note: ${doc.vault} is not sealed: --break-glass is not needed, this is an ordinary read`);
  }
  if (settings.requireTicket && ticket === undefined) ticket = await askTicket(ctx, doc.vault, what);
  if (breakGlass) {
    note(ctx, `WARNING: break-glass opening of ${what}: recorded in the audit trail, sent to syslog as an alert if configured, and every seed shown is now due for rotation`);
  }
  const details: Json = {};
  if (ticket !== undefined) details.ticket = ticket;
  if (breakGlass) Object.assign(details, { breakGlass: true, reason });
  return { details, breakGlass };
}
