// Secrets come in through stdin or a hidden prompt, never through argv.
import { badInput, usageError } from "../core/errors.js";
import { passphraseFromEnv, type AskPassphrase } from "../identity/protected-file.js";
import { USER_LIMITS } from "../repo/user-file.js";
import type { Ctx } from "./context.js";
import { importExternal } from "../load-external.js";

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
  const { password } = await importExternal<typeof import("@inquirer/prompts")>("@inquirer/prompts");
  return password({ message, mask: false });
}

export async function confirmOnTty(ctx: Ctx, message: string): Promise<boolean> {
  if (!ctx.io.stdinIsTTY || ctx.io.env.CI) return false;
  const { confirm } = await importExternal<typeof import("@inquirer/prompts")>("@inquirer/prompts");
  return confirm({ message, default: false });
}

/** How commands ask for the identity file's passphrase: on a terminal only, never when CI is set. */
export function passphrasePrompt(ctx: Ctx): AskPassphrase | undefined {
  if (!ctx.io.stdinIsTTY || ctx.io.env.CI) return undefined;
  return async (message) => {
    const { password } = await importExternal<typeof import("@inquirer/prompts")>("@inquirer/prompts");
    // On stderr: stdout may be a pipe (mfavault code acme/aws | xclip) and must carry only the result.
    return password({ message, mask: false }, { output: process.stderr });
  };
}

/** A new passphrase: from MFAVAULT_PASSPHRASE_FILE, else typed twice on the terminal (three tries to match). */
export async function newPassphrase(ctx: Ctx, what: string): Promise<string> {
  const fromFile = passphraseFromEnv(ctx.io.env);
  if (fromFile !== null) {
    if (fromFile === "") throw usageError("MFAVAULT_PASSPHRASE_FILE holds an empty passphrase: an empty passphrase protects nothing");
    return fromFile;
  }
  const ask = passphrasePrompt(ctx);
  if (!ask) {
    throw usageError(`no terminal to ask for a passphrase for ${what} on: set MFAVAULT_PASSPHRASE_FILE, or use --out FILE for a plain 0600 file`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await ask(`New passphrase for ${what}`);
    if (first === "") {
      ctx.io.err("an empty passphrase protects nothing: choose one\n");
      continue;
    }
    if ((await ask("The same passphrase again")) === first) return first;
    ctx.io.err("the two passphrases differ: try again\n");
  }
  throw usageError("no matching passphrase after three tries: nothing was written");
}
