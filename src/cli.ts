// The full command line: commander wiring, global options, help with examples. Loaded for everything
// except the plain `mfavault code` fast path (see main.ts).
import { Command, CommanderError } from "commander";
import { defineAccess } from "./commands/access.js";
import { defineAdd } from "./commands/add.js";
import { defineAudit } from "./commands/audit.js";
import { defineClient } from "./commands/client.js";
import { defineClipboardClear } from "./commands/clipboard.js";
import { defineCode } from "./commands/code.js";
import { defineCompletion } from "./commands/completion.js";
import { defineDoctor } from "./commands/doctor.js";
import type { Ctx, GlobalOptions } from "./commands/context.js";
import { defineEntries } from "./commands/entries.js";
import { defineExport } from "./commands/export.js";
import { defineIdentity } from "./commands/identity.js";
import { defineImport } from "./commands/import.js";
import { defineInit } from "./commands/init.js";
import { defineJoin } from "./commands/join.js";
import { defineMergeDriver } from "./commands/merge-driver.js";
import { defineRekey } from "./commands/rekey.js";
import { defineRotate } from "./commands/rotate.js";
import { defineSet } from "./commands/entry-policy.js";
import { defineStatus } from "./commands/status.js";
import { defineSync } from "./commands/sync.js";
import { defineTeam } from "./commands/team.js";
import { defineVerify } from "./commands/verify.js";
import { EXIT_CODES } from "./core/errors.js";
import { processIo, type Io } from "./io.js";
import { runGuarded } from "./run.js";

const EXIT_HELP = `
Exit codes:
  0 ok   1 failure   2 usage error   3 not found   4 no access   5 bad input   6 verification findings

Environment:
  MFAVAULT_DIR            vault repository (else --vault, else the nearest parent with mfavault.json)
  MFAVAULT_IDENTITY       your AGE-SECRET-KEY-1… (CI)
  MFAVAULT_IDENTITY_FILE  an age-keygen identity file (mode 0600)
  MFAVAULT_TICKET         the ticket of your reads (code, show --reveal, export), as --ticket
  NO_COLOR                no colour in output
  MFAVAULT_DEBUG=1        stack traces on errors

Examples:
  mfavault init ./msp-vault --name alice
  mfavault client add acme
  echo "$SEED" | mfavault add acme/aws --secret-stdin --issuer "Amazon Web Services"
  mfavault code acme/aws
`;

export function buildProgram(io: Io): { program: Command; ctx: Ctx } {
  const global: GlobalOptions = {};
  const ctx: Ctx = { io, global };
  const program = new Command("mfavault")
    .description("MFA seeds for MSP teams: per-client age-encrypted vaults in git, exact access, signed audit trail")
    .version("0.1.0", "-V, --version")
    .option("--vault <dir>", "the vault repository (default: $MFAVAULT_DIR, else the nearest parent with mfavault.json)")
    .option("--json", "print results as JSON")
    .option("--no-commit", "change files but do not commit (for batching by hand)")
    .addHelpText("after", EXIT_HELP)
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  program.hook("preAction", (_this, action) => {
    const o = action.optsWithGlobals() as GlobalOptions;
    Object.assign(global, { vault: o.vault, json: o.json, commit: o.commit });
  });

  defineIdentity(program, ctx);
  defineInit(program, ctx);
  defineTeam(program, ctx);
  defineJoin(program, ctx);
  defineClient(program, ctx);
  defineAdd(program, ctx);
  defineCode(program, ctx);
  defineEntries(program, ctx);
  defineAudit(program, ctx);
  defineImport(program, ctx);
  defineExport(program, ctx);
  defineAccess(program, ctx);
  defineRotate(program, ctx);
  defineSet(program, ctx);
  defineRekey(program, ctx);
  defineStatus(program, ctx);
  defineSync(program, ctx);
  defineDoctor(program, ctx);
  defineCompletion(program, ctx);
  defineMergeDriver(program, ctx);
  defineClipboardClear(program, ctx);
  defineVerify(program, ctx);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return { program, ctx };
}

export async function runCli(argv: string[]): Promise<number> {
  const io = processIo();
  const { program } = buildProgram(io);
  let commanderExit: number | null = null;
  const code = await runGuarded(io, async () => {
    try {
      await program.parseAsync(argv, { from: "user" });
    } catch (e) {
      if (e instanceof CommanderError) {
        commanderExit = e.exitCode === 0 ? 0 : EXIT_CODES.usage;
        return;
      }
      throw e;
    }
  });
  return commanderExit ?? code;
}
