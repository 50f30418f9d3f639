// Secrets come in through stdin or a hidden prompt, never through argv.
import { badInput, usageError } from "../core/errors.js";
import { USER_LIMITS } from "../repo/user-file.js";
import type { Ctx } from "./context.js";

/** One secret line from stdin (trailing newline trimmed); refuses an empty one. */
export function secretFromStdin(ctx: Ctx, what: string): string {
  const text = ctx.io.readStdin(USER_LIMITS.secret, `the ${what} on stdin`).replace(/\r?\n$/, "");
  if (text.trim() === "") throw badInput(`no ${what} on stdin`);
  if (text.includes("\n")) throw badInput(`stdin holds more than one line; expected a single ${what}`);
  return text.trim();
}

/** Asks on the terminal with hidden input; refuses when there is no terminal to ask on. */
export async function promptSecret(ctx: Ctx, message: string, flagHint: string): Promise<string> {
  if (!ctx.io.stdinIsTTY || ctx.io.env.CI) {
    throw usageError(`no terminal to ask for the ${message.toLowerCase()} on: pipe it in with ${flagHint}`);
  }
  const { password } = await import("@inquirer/prompts");
  return password({ message, mask: false });
}

export async function confirmOnTty(ctx: Ctx, message: string): Promise<boolean> {
  if (!ctx.io.stdinIsTTY || ctx.io.env.CI) return false;
  const { confirm } = await import("@inquirer/prompts");
  return confirm({ message, default: false });
}
