// `mfavault code <vault>/<entry>`: the code, after its audit line is on disk and committed. On a terminal
// it counts down (and picks an entry from a partial address); piped, it prints the bare code.
import type { Command } from "commander";
import { entryCode, type Entry } from "../core/entry.js";
import { escapeText } from "../core/escape.js";
import { isMfaError, notFound, usageError } from "../core/errors.js";
import { isName, resolveEntryAddress, type EntryAddress } from "../core/names.js";
import { secondsRemaining } from "../core/otp.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { vaultExists } from "../repo/layout.js";
import type { Session } from "../repo/session.js";
import { loadVaultDoc } from "../repo/vault-store.js";
import { recordVaultRead } from "../repo/vault-read.js";
import { runCountdown } from "./code-countdown.js";
import { canPick, pickEntry } from "./code-pick.js";
import { emit, note, session, type Ctx } from "./context.js";
import { clearRead, withReadPolicyOptions, type ReadPolicyOptions } from "./read-policy.js";

export interface CodeOptions extends ReadPolicyOptions {
  address: string;
  next?: boolean;
  /** Wait until at least this many seconds of the code's window remain. */
  fresh?: number;
  copy?: boolean;
  /** Seconds until a copied code is cleared from the clipboard (0: never). */
  clearAfter?: number;
}

export interface CodeResult {
  entry: string;
  code: string;
  type: Entry["type"];
  issuer: string;
  account: string;
  /** The instant the code was computed for (ISO 8601), so a script can cross-check it. */
  at: string;
  period?: number;
  remaining?: number;
  next?: string;
  counter?: number;
  copied?: boolean;
}

/** The exact entry, or on a terminal the one a partial address means; scripts get exact or not-found. */
async function locate(ctx: Ctx, s: Session, address: string): Promise<{ addr: EntryAddress; doc: VaultDoc }> {
  try {
    const addr = resolveEntryAddress(address, (v) => vaultExists(s.root, v));
    const doc = await loadVaultDoc(s, addr.vault);
    if (doc.entries[addr.entry]) return { addr, doc };
    throw notFound(`no entry "${addr.entry}" in vault ${addr.vault}: "mfavault list ${addr.vault}" shows its entries`);
  } catch (e) {
    if (!isMfaError(e) || (e.kind !== "notFound" && e.kind !== "badInput")) throw e;
    if (canPick(ctx)) return pickEntry(ctx, s, address);
    // A bare name that is not a vault ("aws") is a lookup that found nothing; a vault's name ("acme") stays
    // what it is, an address without its entry.
    if (e.kind === "badInput" && !address.includes("/") && isName(address) && !vaultExists(s.root, address)) {
      throw notFound(`no entry "${address}": give the full address <vault>/<entry> (e.g. acme/${address}); only a terminal gets a fuzzy match`);
    }
    throw e;
  }
}

function checkFresh(fresh: number, entry: Entry): void {
  if (!Number.isInteger(fresh) || fresh < 0) throw usageError("--fresh takes whole seconds");
  if (entry.type !== "hotp" && fresh >= entry.period) throw usageError(`--fresh ${fresh} asks for more than the ${entry.period}-second window of this code`);
}

export async function runCode(ctx: Ctx, opts: CodeOptions): Promise<void> {
  const s = await session(ctx);
  const { addr, doc } = await locate(ctx, s, opts.address);
  const entry = doc.entries[addr.entry]!;
  const path = `${addr.vault}/${addr.entry}`;
  if (opts.fresh !== undefined) checkFresh(opts.fresh, entry);
  // Before the clock is read: a ticket asked for on a terminal takes time, and the code must be current.
  const clearance = await clearRead(ctx, doc, opts, path);
  let now = s.now();
  if (opts.fresh && entry.type !== "hotp" && secondsRemaining(now.getTime() / 1000, entry.period) < opts.fresh) {
    // Wait for the next window rather than hand out a code about to expire.
    const wait = entry.period * 1000 - (now.getTime() % (entry.period * 1000));
    if (ctx.io.stdoutIsTTY) note(ctx, `waiting ${Math.ceil(wait / 1000)}s for a fresh code…`);
    await new Promise((done) => setTimeout(done, wait + 5));
    now = s.now();
  }
  const t = now.getTime() / 1000;
  const result: CodeResult = { entry: path, code: "", type: entry.type, issuer: entry.issuer, account: entry.account, at: now.toISOString() };
  const commit = ctx.global.commit !== false;

  if (entry.type === "hotp") {
    // HOTP: using a code consumes the counter, so the advance, the audit line and the commit are one change.
    const counter = entry.counter ?? 0;
    const advanced = { ...doc, entries: { ...doc.entries, [addr.entry]: { ...entry, counter: counter + 1, updated: now.toISOString() } } };
    await recordVaultRead(s, {
      doc: advanced,
      changed: true,
      opened: [addr.entry],
      fields: { action: "code", target: path, details: { counter } },
      clearance,
      commit,
      message: `audit: ${s.me.name} code ${path} (HOTP counter ${counter + 1})`,
    });
    result.code = entryCode(entry, t);
    result.counter = counter;
  } else {
    await recordVaultRead(s, { doc, opened: [addr.entry], fields: { action: "code", target: path }, clearance, commit });
    result.code = entryCode(entry, t);
    result.period = entry.period;
    result.remaining = secondsRemaining(t, entry.period);
    if (opts.next || ctx.global.json) result.next = entryCode(entry, t + entry.period);
  }

  if (opts.copy) {
    // Loaded only here: the clipboard is never part of the plain code path.
    const { copyCode } = await import("./clipboard.js");
    const clearAfter = opts.clearAfter ?? 45;
    const via = await copyCode(ctx, result.code, clearAfter);
    result.copied = true;
    note(ctx, `copied to the clipboard (${via})${clearAfter > 0 ? `; cleared in ${clearAfter}s if it still holds the code` : ""}`);
  }

  const label = [entry.issuer, entry.account].filter(Boolean).map(escapeText).join(" — ");
  if (ctx.global.json || !ctx.io.stdoutIsTTY) {
    emit(ctx, result, (r) => r.code);
    return;
  }
  if (result.remaining === undefined) {
    ctx.io.out(`${result.code}  (counter ${result.counter})${label ? `  ${label}` : ""}\n`);
    return;
  }
  const windowMs = entry.period * 1000;
  await runCountdown(
    { code: result.code, next: opts.next ? result.next : undefined, expires: Math.floor(now.getTime() / windowMs) * windowMs + windowMs, period: entry.period, label, color: ctx.io.color },
    ctx.io,
  );
}

export function intOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value)) throw usageError(`${flag} takes whole seconds`);
  return Number(value);
}

export function defineCode(program: Command, ctx: Ctx): void {
  withReadPolicyOptions(
    program
      .command("code")
      .description("print the current code of an entry (after writing its audit line)")
      .argument("<address>", "vault/entry, e.g. acme/aws (on a terminal, a partial name like aws is matched)")
      .option("--next", "also print the next code")
      .option("--fresh <seconds>", "wait until at least this many seconds of the code remain")
      .option("-c, --copy", "copy the code to the clipboard, and clear it later if it is still there")
      .option("--clear-after <seconds>", "with --copy: clear the clipboard after this many seconds (0: never)", "45"),
  )
    .addHelpText(
      "after",
      "\nOn a terminal the code counts down until it expires (any key ends it); piped, it prints the bare code\n" +
        "and a newline. A partial address (aws, prod/aws) is matched only on a terminal; scripts get exact\n" +
        "addresses or exit 3.\n\nExamples:\n  mfavault code acme/aws\n  mfavault code aws --copy\n  mfavault code acme/aws --fresh 10 | xdotool type --file -\n  mfavault code acme/aws --json",
    )
    .action((address: string, o: ReadPolicyOptions & { next?: boolean; fresh?: string; copy?: boolean; clearAfter?: string }) =>
      runCode(ctx, { address, next: o.next, fresh: intOption(o.fresh, "--fresh"), copy: o.copy, clearAfter: intOption(o.clearAfter, "--clear-after"), ticket: o.ticket, breakGlass: o.breakGlass, reason: o.reason }),
    );
}
