// Turns any outcome into an exit code and one clear line on stderr; stack traces only with MFAVAULT_DEBUG=1.
import { EXIT_CODES, isMfaError } from "./core/errors.js";
import { escapeText } from "./core/escape.js";
import type { Io } from "./io.js";
import { settleForwards } from "./repo/audit-forward.js";
import { onRecoveryNotice } from "./repo/recovery-notice.js";

export async function runGuarded(io: Io, body: () => Promise<void>): Promise<number> {
  // What crash recovery did is said as it happens, before the command's own output.
  onRecoveryNotice((sentence) => io.err(`mfavault: note: ${sentence}\n`));
  const code = await exitCodeOf(io, body);
  // Audit lines written by this run go to syslog now, within its short timeout (after the code is shown).
  await settleForwards(io);
  return code;
}

async function exitCodeOf(io: Io, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (e) {
    if (io.env.MFAVAULT_DEBUG === "1") io.err(`${(e as Error)?.stack ?? String(e)}\n`);
    if (isMfaError(e)) {
      io.err(`mfavault: ${escapeText(e.message)}\n`);
      return e.exitCode;
    }
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === "EACCES" || code === "EPERM" || code === "ENOSPC" || code === "EROFS") {
      io.err(`mfavault: ${escapeText((e as Error).message)}\n`);
      return EXIT_CODES.failure;
    }
    io.err(`mfavault: unexpected error: ${escapeText(String((e as Error)?.message ?? e))} (MFAVAULT_DEBUG=1 shows details)\n`);
    return EXIT_CODES.failure;
  }
}
