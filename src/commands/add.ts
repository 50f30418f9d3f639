// `mfavault add <vault>/<entry>`: a new seed, from stdin, an otpauth URI on stdin, or a hidden prompt.
import type { Command } from "commander";
import { checkFreeText, checkOtpParams, seedWarning, type Entry, type OtpParams, type OtpType } from "../core/entry.js";
import { escapeText } from "../core/escape.js";
import { failure, usageError } from "../core/errors.js";
import { resolveEntryAddress } from "../core/names.js";
import type { OtpAlgorithm } from "../core/otp.js";
import { parseOtpauthUri } from "../core/otpauth-uri.js";
import { vaultExists } from "../repo/layout.js";
import { saveChange } from "../repo/save.js";
import { currentReaders, loadVaultDoc } from "../repo/vault-store.js";
import { emit, note, session, type Ctx } from "./context.js";
import { entryRotation, inheritedAt, inheritedWindow, withInheritedOptions, type InheritedFlags } from "./entry-policy.js";
import { withRotationOptions } from "./client-settings.js";
import { policyOf } from "../core/policy-settings.js";
import { promptSecret, secretFromStdin } from "./secret-input.js";

export interface AddOptions extends InheritedFlags {
  rotateEvery?: string;
  tier?: string;
  address: string;
  secretStdin?: boolean;
  uriStdin?: boolean;
  issuer?: string;
  account?: string;
  notes?: string;
  type: string;
  algorithm: string;
  digits: string;
  period: string;
  counter: string;
}

function intOption(value: string, flag: string): number {
  if (!/^[0-9]{1,15}$/.test(value)) throw usageError(`${flag} must be a whole number`);
  return Number(value);
}

/** Reads the seed the way the flags say and returns the entry's OTP parameters and metadata. */
export async function readSeed(ctx: Ctx, o: AddOptions): Promise<{ params: OtpParams; issuer: string; account: string; warnings: string[] }> {
  if (o.secretStdin && o.uriStdin) throw usageError("use either --secret-stdin or --uri-stdin, not both");
  if (o.uriStdin) {
    const parsed = parseOtpauthUri(secretFromStdin(ctx, "otpauth URI"));
    return { ...parsed, issuer: o.issuer ?? parsed.issuer, account: o.account ?? parsed.account };
  }
  const secret = o.secretStdin ? secretFromStdin(ctx, "seed") : await promptSecret(ctx, "Seed (base32)", "--secret-stdin or --uri-stdin");
  const params = checkOtpParams({
    type: o.type.toLowerCase() as OtpType,
    secret,
    algorithm: o.algorithm.toUpperCase().replace("-", "") as OtpAlgorithm,
    digits: intOption(o.digits, "--digits"),
    period: intOption(o.period, "--period"),
    counter: intOption(o.counter, "--counter"),
  });
  return { params, issuer: o.issuer ?? "", account: o.account ?? "", warnings: [] };
}

export async function runAdd(ctx: Ctx, o: AddOptions): Promise<void> {
  const { rotation } = entryRotation(undefined, o);
  const s = await session(ctx);
  const window = inheritedWindow(o, policyOf(s.config));
  const addr = resolveEntryAddress(o.address, (v) => vaultExists(s.root, v));
  const doc = await loadVaultDoc(s, addr.vault);
  const path = `${addr.vault}/${addr.entry}`;
  if (doc.entries[addr.entry]) throw failure(`${path} already exists: use "mfavault rotate ${path}" to replace its seed, or pick another name`);
  const readers = currentReaders(s.root, doc);
  const seed = await readSeed(ctx, o);
  const now = s.now().toISOString();
  const entry: Entry = {
    ...seed.params,
    issuer: checkFreeText(seed.issuer, "issuer"),
    account: checkFreeText(seed.account, "account"),
    notes: checkFreeText(o.notes ?? "", "notes"),
    created: now,
    updated: now,
  };
  const inherited = inheritedAt(window, now);
  if (rotation) entry.rotation = rotation;
  if (inherited) entry.inherited = inherited;
  for (const w of [...seed.warnings, seedWarning(entry.secret)]) if (w) note(ctx, `warning: ${w}`);
  doc.entries[addr.entry] = entry;
  await saveChange(s, {
    message: `add ${path}`,
    commit: ctx.global.commit !== false,
    vaults: [{ doc, readers }],
    audit: { action: "add", target: path, details: inherited ? { inherited: inherited.window } : undefined },
  });
  const label = [entry.issuer, entry.account].filter(Boolean).map(escapeText).join(" — ");
  emit(ctx, { entry: path, type: entry.type, issuer: entry.issuer, account: entry.account }, () => `added ${path} (${entry.type}${label ? `, ${label}` : ""})`);
}

export function defineAdd(program: Command, ctx: Ctx): void {
  const cmd = program
    .command("add")
    .description("add a seed to a vault (from stdin or a hidden prompt; never from the command line)")
    .argument("<address>", "vault/entry, e.g. acme/aws or acme/prod/aws")
    .option("--secret-stdin", "read the base32 seed from stdin")
    .option("--uri-stdin", "read an otpauth:// URI from stdin")
    .option("--issuer <text>", "the service, e.g. \"Amazon Web Services\"")
    .option("--account <text>", "the account at that service, e.g. root@acme")
    .option("--notes <text>", "free-text notes (not secret)")
    .option("--type <type>", "totp, hotp or steam", "totp")
    .option("--algorithm <alg>", "SHA1, SHA256 or SHA512", "SHA1")
    .option("--digits <n>", "6 to 10", "6")
    .option("--period <seconds>", "TOTP period", "30")
    .option("--counter <n>", "HOTP starting counter", "0");
  withInheritedOptions(withRotationOptions(cmd))
    .addHelpText(
      "after",
      '\nExamples:\n  echo "$SEED" | mfavault add acme/aws --secret-stdin --issuer "Amazon Web Services" --account root@acme\n  echo "otpauth://totp/GitHub:ops?secret=…&issuer=GitHub" | mfavault add acme/github --uri-stdin\n  mfavault add acme/vpn          # prompts for the seed with hidden input\n' +
        '  echo "$SEED" | mfavault add acme/registrar --secret-stdin --inherited --tier high   # from the previous MSP',
    )
    .action((address: string, o: Omit<AddOptions, "address">) => runAdd(ctx, { ...o, address }));
}
