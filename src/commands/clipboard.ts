// `code --copy`: the code goes to the clipboard, and a detached mfavault process clears it after a while,
// only if the clipboard still holds that code (the user may have copied something else since). The
// clearing process outlives the command; it gets the code through its environment, never its argv.
import type { Command } from "commander";
import { childEnv } from "../child-env.js";
import { usageError } from "../core/errors.js";
import { systemClipboard } from "../clipboard.js";
import type { Ctx } from "./context.js";

const CODE_ENV = "MFAVAULT_CLIPBOARD_CODE";

/** Copies `code` and, unless `clearAfter` is 0, leaves a process behind that clears it later. */
export async function copyCode(ctx: Ctx, code: string, clearAfter: number): Promise<string> {
  const clipboard = await systemClipboard(ctx.io.env);
  await clipboard.write(code);
  if (clearAfter > 0) {
    const { spawn } = process.getBuiltinModule("node:child_process");
    const child = spawn(process.execPath, [process.argv[1]!, "__clipboard-clear", String(clearAfter)], {
      detached: true,
      stdio: "ignore",
      env: childEnv({ [CODE_ENV]: code }, ctx.io.env),
    });
    child.unref();
  }
  return clipboard.name;
}

async function runClipboardClear(ctx: Ctx, seconds: string): Promise<void> {
  const code = ctx.io.env[CODE_ENV];
  if (!code) return;
  if (!/^\d{1,5}$/.test(seconds)) throw usageError("__clipboard-clear takes whole seconds");
  await new Promise((done) => setTimeout(done, Number(seconds) * 1000));
  const clipboard = await systemClipboard(ctx.io.env);
  if ((await clipboard.read())?.trim() === code) await clipboard.clear();
}

export function defineClipboardClear(program: Command, ctx: Ctx): void {
  program
    .command("__clipboard-clear", { hidden: true })
    .description("clear the clipboard after a delay if it still holds a copied code (started by code --copy)")
    .argument("<seconds>")
    .action((seconds: string) => runClipboardClear(ctx, seconds));
}
