// `mfavault rotate <vault>/<entry>`: store the new seed after rotating it at the service, record when,
// and clear the entry's rotation-due marks.
import type { Command } from "commander";
import { badInput, notFound } from "../core/errors.js";
import { seedWarning, type Entry } from "../core/entry.js";
import { escapeText } from "../core/escape.js";
import { resolveEntryAddress } from "../core/names.js";
import { clearRotationDue } from "../core/policy.js";
import type { Inherited, RotationMark } from "../core/entry.js";
import { vaultExists } from "../repo/layout.js";
import { saveChange } from "../repo/save.js";
import { currentReaders, loadVaultDoc } from "../repo/vault-store.js";
import { accessSession } from "./access.js";
import { readSeed } from "./add.js";
import { emit, note, type Ctx } from "./context.js";

export interface RotateOptions {
  address: string;
  secretStdin?: boolean;
  uriStdin?: boolean;
  issuer?: string;
  account?: string;
  type?: string;
  algorithm?: string;
  digits?: string;
  period?: string;
  counter?: string;
}

export interface RotateResult {
  entry: string;
  rotated: string;
  /** The rotation-due marks this rotation cleared. */
  cleared: RotationMark[];
  /** Set when the old seed was inherited from a previous provider: that mark is cleared too. */
  inherited?: Inherited;
}

export async function runRotate(ctx: Ctx, o: RotateOptions): Promise<void> {
  const s = await accessSession(ctx);
  const addr = resolveEntryAddress(o.address, (v) => vaultExists(s.root, v));
  const doc = await loadVaultDoc(s, addr.vault);
  const path = `${addr.vault}/${addr.entry}`;
  const old = doc.entries[addr.entry];
  if (!old) throw notFound(`no entry "${addr.entry}" in vault ${addr.vault}: "mfavault list ${addr.vault}" shows its entries, "mfavault add ${path}" adds one`);
  const readers = currentReaders(s.root, doc);
  // Unless told otherwise, the new seed keeps the old entry's OTP shape (a service rarely changes it).
  const seed = await readSeed(ctx, {
    address: path,
    secretStdin: o.secretStdin,
    uriStdin: o.uriStdin,
    issuer: o.issuer,
    account: o.account,
    type: o.type ?? old.type,
    algorithm: o.algorithm ?? old.algorithm,
    digits: o.digits ?? String(old.digits),
    period: o.period ?? String(old.period),
    counter: o.counter ?? "0",
  });
  if (seed.params.secret === old.secret) {
    throw badInput(`that is the seed ${path} already holds: rotate it at the service first (which issues a new seed), then store the new one`);
  }
  const { type: _t, secret: _s, algorithm: _a, digits: _d, period: _p, counter: _c, ...meta } = old;
  const now = s.now().toISOString();
  const next: Entry = clearRotationDue(
    { ...meta, ...seed.params, issuer: o.issuer ?? (seed.issuer || old.issuer), account: o.account ?? (seed.account || old.account) },
    now,
  );
  for (const w of [...seed.warnings, seedWarning(next.secret)]) if (w) note(ctx, `warning: ${w}`);
  doc.entries[addr.entry] = next;
  const cleared = old.rotationDue ?? [];
  const reasons = [...cleared.map((m) => m.reason), ...(old.inherited ? [`inherited from a previous provider on ${old.inherited.since.slice(0, 10)}`] : [])];
  await saveChange(s, {
    message: `rotate ${path}`,
    commit: ctx.global.commit !== false,
    vaults: [{ doc, readers }],
    audit: { action: "rotate", target: path, details: reasons.length ? { cleared: reasons } : undefined },
  });
  const result: RotateResult = { entry: path, rotated: now, cleared };
  if (old.inherited) result.inherited = old.inherited;
  emit(ctx, result, () => (reasons.length ? `rotated ${path}; no longer due for rotation (was: ${reasons.map(escapeText).join("; ")})` : `rotated ${path}`));
}

export function defineRotate(program: Command, ctx: Ctx): void {
  program
    .command("rotate")
    .description("replace an entry's seed with the new one a service issued; clears its rotation-due marks")
    .argument("<address>", "vault/entry, e.g. acme/aws")
    .option("--secret-stdin", "read the new base32 seed from stdin")
    .option("--uri-stdin", "read the new otpauth:// URI from stdin")
    .option("--issuer <text>", "change the issuer (default: keep it)")
    .option("--account <text>", "change the account (default: keep it)")
    .option("--type <type>", "totp, hotp or steam (default: keep it)")
    .option("--algorithm <alg>", "SHA1, SHA256 or SHA512 (default: keep it)")
    .option("--digits <n>", "6 to 10 (default: keep it)")
    .option("--period <seconds>", "TOTP period (default: keep it)")
    .option("--counter <n>", "HOTP counter of the new seed", "0")
    .addHelpText(
      "after",
      '\nRotate the seed at the service first (disable and re-enable MFA there), then store the new one.\nWithout --secret-stdin or --uri-stdin, asks for the seed with hidden input on a terminal.\n\nExamples:\n  echo "$NEW_SEED" | mfavault rotate acme/aws --secret-stdin\n  echo "otpauth://totp/AWS:root?secret=…" | mfavault rotate acme/aws --uri-stdin\n  mfavault rotate acme/aws',
    )
    .action((address: string, opts: Omit<RotateOptions, "address">) => runRotate(ctx, { ...opts, address }));
}
