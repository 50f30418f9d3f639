// The entry point. `mfavault code <address>` with the everyday flags is served here without loading
// commander or anything else the code path does not need; every other invocation goes to the full CLI.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCode } from "./commands/code.js";
import { processIo } from "./io.js";
import { runGuarded } from "./run.js";

/** Set by bin/mfavault.js: loads another bundle of dist/ the way it loaded this one. */
declare const __mfavaultLoad: ((name: string) => unknown) | undefined;

interface FastCode {
  address: string;
  vault?: string;
  json: boolean;
  commit: boolean;
  next: boolean;
  fresh?: number;
  ticket?: string;
}

/**
 * The few flags `code` takes on the hot path; anything else (help, errors, --copy, which needs the
 * clipboard anyway) returns null and goes to the full CLI.
 */
function parseFastCode(args: string[]): FastCode | null {
  if (args[0] !== "code") return null;
  const out: FastCode = { address: "", json: false, commit: true, next: false };
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") out.json = true;
    else if (a === "--next") out.next = true;
    else if (a === "--no-commit") out.commit = false;
    else if (a === "--vault" && i + 1 < args.length) out.vault = args[++i]!;
    else if (a.startsWith("--vault=")) out.vault = a.slice(8);
    else if (a === "--fresh" && i + 1 < args.length && /^\d{1,5}$/.test(args[i + 1]!)) out.fresh = Number(args[++i]);
    else if (/^--fresh=\d{1,5}$/.test(a)) out.fresh = Number(a.slice(8));
    else if (a === "--ticket" && i + 1 < args.length) out.ticket = args[++i]!;
    else if (a.startsWith("--ticket=")) out.ticket = a.slice(9);
    else if (!a.startsWith("-") && out.address === "") out.address = a;
    else return null;
  }
  return out.address ? out : null;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fast = parseFastCode(args);
  const io = processIo();
  if (fast) {
    process.exitCode = await runGuarded(io, () =>
      runCode({ io, global: { vault: fast.vault, json: fast.json, commit: fast.commit } }, { address: fast.address, next: fast.next, fresh: fast.fresh, ticket: fast.ticket }),
    );
    return;
  }
  // A separate bundle: loaded by name so esbuild leaves it out of this one; through bin/mfavault.js when
  // it started us (which compiles it from its code cache), else required by path.
  const here = dirname(fileURLToPath(import.meta.url));
  const cli = (typeof __mfavaultLoad === "function" ? __mfavaultLoad("cli.cjs") : createRequire(import.meta.url)(join(here, "cli.cjs"))) as {
    runCli(argv: string[]): Promise<number>;
  };
  process.exitCode = await cli.runCli(args);
}

// Exit as soon as the work is done: stdout and stderr are synchronous for files, pipes and terminals
// on POSIX, and waiting for the event loop to drain costs milliseconds on every code.
main().then(
  () => process.exit(),
  () => process.exit(1),
);
