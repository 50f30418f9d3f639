// `mfavault client set <vault>` and the policy flags of `client add`: a vault's rotation schedule, whether
// its reads need a ticket, and whether it is a sealed break-glass vault. The settings live inside the
// encrypted vault document, so only its readers can change them; every change is an audit line.
import type { Command } from "commander";
import { usageError } from "../core/errors.js";
import type { Json } from "../core/guards.js";
import { checkVaultPath } from "../core/names.js";
import { policyOf, type PolicySettings } from "../core/policy-settings.js";
import { checkTier, intervalDays, resolveRotation, type RotationPolicy, type Tier } from "../core/schedule.js";
import { changeSettings, type SettingsChange, type VaultSettings } from "../core/vault-settings.js";
import { saveChange } from "../repo/save.js";
import { currentReaders, loadVaultDoc, requireVault } from "../repo/vault-store.js";
import { emit, note, session, type Ctx } from "./context.js";

/** The flags as commander hands them over. */
export interface SettingsFlags {
  rotateEvery?: string;
  tier?: string;
  requireTicket?: boolean;
  sealed?: boolean;
}

/** `--rotate-every 90d|default` and `--tier high|default`: "default" removes the setting at this level. */
export function intervalFlag(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === "default") return null;
  try {
    intervalDays(value);
  } catch (e) {
    throw usageError(`--rotate-every: ${(e as Error).message}, or "default"`);
  }
  return value.trim();
}

export function tierFlag(value: string | undefined): Tier | null | undefined {
  if (value === undefined) return undefined;
  if (value === "default") return null;
  try {
    return checkTier(value);
  } catch (e) {
    throw usageError(`--tier: ${(e as Error).message}, or "default"`);
  }
}

export function settingsChange(o: SettingsFlags): SettingsChange {
  return { interval: intervalFlag(o.rotateEvery), tier: tierFlag(o.tier), requireTicket: o.requireTicket, sealed: o.sealed };
}

/** The rotation options `client add`, `client set`, `add` and `set` share. */
export function withRotationOptions(cmd: Command): Command {
  return cmd
    .option("--rotate-every <interval>", 'rotation interval: 90d, 12w, 3m, 1y ("default": the next level\'s)')
    .option("--tier <tier>", 'privilege tier: standard or high (high: at least every policy.rotation.high, 90d; "default": the next level\'s)');
}

/** The vault flags of `client add` (positive only) or `client set` (with their --no- forms). */
export function withVaultSettingsOptions(cmd: Command, negatable: boolean): Command {
  withRotationOptions(cmd)
    .option("--require-ticket", "every code read, reveal and export needs --ticket (or $MFAVAULT_TICKET)")
    .option("--sealed", "a break-glass vault: reads need --break-glass --reason, alert, and mark seeds rotation due");
  if (negatable) cmd.option("--no-require-ticket", "reads no longer need a ticket").option("--no-sealed", "unseal: reads no longer need --break-glass");
  return cmd;
}

function rotationText(own: RotationPolicy | undefined, policy: PolicySettings): string {
  const applies = resolveRotation(undefined, own, policy.rotation);
  const where = own?.interval && own.interval === applies.interval ? "this vault" : applies.tier === "high" && applies.interval === policy.rotation.high ? "high tier" : "repository default";
  return `${applies.interval ? `every ${applies.interval} (${where})` : "no schedule"}, tier ${applies.tier}${own?.tier ? " (this vault)" : ""}`;
}

/** One line a setting, as `client set` with no flags shows them. */
export function describeSettings(vault: string, settings: VaultSettings, policy: PolicySettings): string {
  return [
    `${vault}:`,
    `  tickets:   ${settings.requireTicket ? "required for every read" : "not required"}`,
    `  sealed:    ${settings.sealed ? "yes: reads need --break-glass --reason" : "no"}`,
    `  rotation:  ${rotationText(settings.rotation, policy)}`,
  ].join("\n");
}

export interface ClientSetResult {
  vault: string;
  settings: VaultSettings;
  /** Exactly the settings this run changed (also the audit line's details.settings). */
  changed: Json;
}

export async function runClientSet(ctx: Ctx, vault: string, o: SettingsFlags): Promise<void> {
  checkVaultPath(vault);
  const change = settingsChange(o);
  const s = await session(ctx);
  requireVault(s.root, vault);
  const policy = policyOf(s.config);
  const doc = await loadVaultDoc(s, vault);
  const { settings, changed } = changeSettings(doc.settings ?? {}, change);
  const result: ClientSetResult = { vault, settings, changed };
  const asked = Object.values(change).some((v) => v !== undefined);
  if (asked && Object.keys(changed).length === 0) note(ctx, `${vault} already has these settings: nothing to change`);
  if (Object.keys(changed).length > 0) {
    if (changed.sealed === false) note(ctx, `note: unsealing ${vault}: its reads will no longer need --break-glass (recorded in the audit trail)`);
    doc.settings = settings;
    await saveChange(s, {
      message: `client: set ${vault} (${Object.entries(changed).map(([k, v]) => `${k}=${String(v)}`).join(", ")})`,
      commit: ctx.global.commit !== false,
      vaults: [{ doc, readers: currentReaders(s.root, doc) }],
      audit: { action: "client-set", target: vault, details: { settings: changed } },
    });
  }
  emit(ctx, result, (r) => describeSettings(r.vault, r.settings, policy));
}

export function defineClientSet(client: Command, ctx: Ctx): void {
  withVaultSettingsOptions(
    client
      .command("set")
      .description("a vault's policy: rotation schedule, tickets for reads, sealed break-glass (no flags: show them)")
      .argument("<vault>", "vault path, e.g. acme or acme/breakglass"),
    true,
  )
    .addHelpText(
      "after",
      "\nThe settings live inside the encrypted vault, so only its readers can change them; every change is\n" +
        "an audit line (client-set). An entry's own schedule (mfavault set <entry>) wins over its vault's, which\n" +
        'wins over mfavault.json\'s "policy".\n\n' +
        "Examples:\n  mfavault client set acme\n  mfavault client set acme --require-ticket --rotate-every 90d\n" +
        "  mfavault client set acme/breakglass --sealed --tier high\n  mfavault client set acme --no-require-ticket --rotate-every default",
    )
    .action((vault: string, o: SettingsFlags) => runClientSet(ctx, vault, o));
}
