// Entry-level policy: `mfavault set <vault>/<entry>` (the entry's own rotation schedule), and the
// `--inherited` flags of `add` and `import` that mark seeds taken over from a previous provider.
import type { Command } from "commander";
import { notFound, usageError } from "../core/errors.js";
import type { Entry, Inherited } from "../core/entry.js";
import type { Json } from "../core/guards.js";
import { resolveEntryAddress } from "../core/names.js";
import { policyOf, type PolicySettings } from "../core/policy-settings.js";
import { resolveRotation, spanMs, type RotationPolicy } from "../core/schedule.js";
import { changeSettings } from "../core/vault-settings.js";
import { vaultExists } from "../repo/layout.js";
import { saveChange } from "../repo/save.js";
import { currentReaders, loadVaultDoc } from "../repo/vault-store.js";
import { intervalFlag, tierFlag, withRotationOptions } from "./client-settings.js";
import { emit, note, session, type Ctx } from "./context.js";

export interface InheritedFlags {
  inherited?: boolean;
  inheritedWindow?: string;
}

/** `--inherited [--inherited-window 48h]` on `add` and `import`. */
export function withInheritedOptions(cmd: Command): Command {
  return cmd
    .option("--inherited", "seeds taken over from a previous provider: treated as compromised, due for rotation within the window")
    .option("--inherited-window <window>", 'how soon inherited seeds must be rotated: 48h, 7d, 2w (default: mfavault.json "policy.inheritedWindow", else 48h)');
}

/** The window of the inherited mark the flags ask for, or undefined; it defaults to the repository's. */
export function inheritedWindow(o: InheritedFlags, policy: PolicySettings): string | undefined {
  if (o.inheritedWindow !== undefined && !o.inherited) throw usageError("--inherited-window goes with --inherited");
  if (!o.inherited) return undefined;
  const window = o.inheritedWindow?.trim() ?? policy.inheritedWindow;
  try {
    spanMs(window);
  } catch (e) {
    throw usageError(`--inherited-window: ${(e as Error).message}`);
  }
  return window;
}

/** The mark on a seed taken over at `now`. */
export function inheritedAt(window: string | undefined, now: string): Inherited | undefined {
  return window === undefined ? undefined : { since: now, window };
}

/** An entry's own rotation after `--rotate-every`/`--tier` (undefined when it sets nothing itself). */
export function entryRotation(own: RotationPolicy | undefined, o: { rotateEvery?: string; tier?: string }): { rotation?: RotationPolicy; changed: Json } {
  const { settings, changed } = changeSettings({ rotation: own }, { interval: intervalFlag(o.rotateEvery), tier: tierFlag(o.tier) });
  return { rotation: settings.rotation, changed };
}

/** The entry with its own rotation set as given (or removed when it sets nothing). */
export function withRotation(entry: Entry, rotation: RotationPolicy | undefined): Entry {
  const { rotation: _old, ...rest } = entry;
  return rotation ? { ...rest, rotation } : rest;
}

export interface SetResult {
  entry: string;
  /** The entry's own settings (what it does not set comes from its vault, then mfavault.json). */
  rotation: RotationPolicy;
  /** What applies to it, all levels considered. */
  effective: { interval?: string; tier: string };
  changed: Json;
}

export async function runSet(ctx: Ctx, address: string, o: { rotateEvery?: string; tier?: string }): Promise<void> {
  intervalFlag(o.rotateEvery);
  tierFlag(o.tier);
  const s = await session(ctx);
  const addr = resolveEntryAddress(address, (v) => vaultExists(s.root, v));
  const doc = await loadVaultDoc(s, addr.vault);
  const path = `${addr.vault}/${addr.entry}`;
  const entry = doc.entries[addr.entry];
  if (!entry) throw notFound(`no entry "${addr.entry}" in vault ${addr.vault}: "mfavault list ${addr.vault}" shows its entries`);
  const { rotation, changed } = entryRotation(entry.rotation, o);
  const asked = o.rotateEvery !== undefined || o.tier !== undefined;
  if (asked && Object.keys(changed).length === 0) note(ctx, `${path} already has these settings: nothing to change`);
  if (Object.keys(changed).length > 0) {
    doc.entries[addr.entry] = { ...withRotation(entry, rotation), updated: s.now().toISOString() };
    await saveChange(s, {
      message: `set ${path} (${Object.entries(changed).map(([k, v]) => `${k}=${String(v)}`).join(", ")})`,
      commit: ctx.global.commit !== false,
      vaults: [{ doc, readers: currentReaders(s.root, doc) }],
      audit: { action: "set", target: path, details: { rotation: changed } },
    });
  }
  const effective = resolveRotation(rotation, doc.settings?.rotation, policyOf(s.config).rotation);
  const result: SetResult = { entry: path, rotation: rotation ?? {}, effective, changed };
  emit(ctx, result, (r) => {
    const own = [r.rotation.interval ? `every ${r.rotation.interval}` : "", r.rotation.tier ? `tier ${r.rotation.tier}` : ""].filter(Boolean).join(", ");
    const applies = `${r.effective.interval ? `every ${r.effective.interval}` : "no schedule"}, tier ${r.effective.tier}`;
    return `${r.entry}: rotation ${applies}${own ? ` (set on the entry: ${own})` : " (from its vault or mfavault.json)"}`;
  });
}

export function defineSet(program: Command, ctx: Ctx): void {
  withRotationOptions(program.command("set").description("an entry's own rotation schedule and privilege tier (no flags: show what applies)").argument("<address>", "vault/entry, e.g. acme/aws"))
    .addHelpText(
      "after",
      "\nAn entry's own setting wins over its vault's (mfavault client set), which wins over mfavault.json's\n" +
        '"policy". A high-tier entry without an interval anywhere rotates every policy.rotation.high (90d).\n\n' +
        "Examples:\n  mfavault set acme/aws --rotate-every 90d --tier high\n  mfavault set acme/aws --rotate-every default\n  mfavault set acme/aws --json",
    )
    .action((address: string, o: { rotateEvery?: string; tier?: string }) => runSet(ctx, address, o));
}
