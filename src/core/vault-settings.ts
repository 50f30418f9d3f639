// A vault's own policy, kept inside its encrypted document (`"settings"`): its rotation schedule, whether
// every read needs a ticket, and whether it is a sealed break-glass vault. Inside the ciphertext, only the
// vault's readers can change them, and the signed manifest proves the writer was one.
import { badInput } from "./errors.js";
import { asObject, type Json } from "./guards.js";
import { parseRotationPolicy } from "./entry.js";
import { intervalDays, type RotationPolicy } from "./schedule.js";

export interface VaultSettings {
  rotation?: RotationPolicy;
  /** Every code read, reveal and export needs a ticket (`--ticket`, MFAVAULT_TICKET, or asked on a terminal). */
  requireTicket?: boolean;
  /** A sealed break-glass vault: reading needs `--break-glass --reason`, alerts, and marks what it opened due. */
  sealed?: boolean;
}

const KEYS = ["rotation", "requireTicket", "sealed"];

function flag(o: Json, key: string, what: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw badInput(`${what}: "${key}" must be true or false`);
  return v;
}

/**
 * Unknown keys are refused, not dropped: a setting written by a newer mfavault (a stricter rule) would
 * otherwise vanish the next time this one rewrote the vault.
 */
export function parseVaultSettings(value: unknown, what: string): VaultSettings {
  const o = asObject(value, what);
  const unknown = Object.keys(o).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw badInput(`${what}: unknown setting "${unknown[0]!.slice(0, 40)}" (written by a newer mfavault? upgrade it)`);
  return compactSettings({
    rotation: o.rotation === undefined ? undefined : parseRotationPolicy(o.rotation, `${what} rotation`),
    requireTicket: flag(o, "requireTicket", what),
    sealed: flag(o, "sealed", what),
  });
}

/** The settings without empty or false values, in a fixed key order; `{}` when nothing is set. */
export function compactSettings(s: VaultSettings): VaultSettings {
  const out: VaultSettings = {};
  const rotation: RotationPolicy = {};
  if (s.rotation?.interval) rotation.interval = s.rotation.interval;
  if (s.rotation?.tier) rotation.tier = s.rotation.tier;
  if (Object.keys(rotation).length > 0) out.rotation = rotation;
  if (s.requireTicket) out.requireTicket = true;
  if (s.sealed) out.sealed = true;
  return out;
}

/** What `client set` asks for: undefined leaves a setting alone; null for an interval or tier removes it. */
export interface SettingsChange {
  requireTicket?: boolean;
  sealed?: boolean;
  interval?: string | null;
  tier?: RotationPolicy["tier"] | null;
}

/** Applies a change; `changed` holds exactly the settings that differ afterwards (for the audit line). */
export function changeSettings(current: VaultSettings, change: SettingsChange): { settings: VaultSettings; changed: Json } {
  const next: VaultSettings = { ...current, rotation: { ...current.rotation } };
  const changed: Json = {};
  if (change.requireTicket !== undefined && Boolean(current.requireTicket) !== change.requireTicket) {
    next.requireTicket = change.requireTicket;
    changed.requireTicket = change.requireTicket;
  }
  if (change.sealed !== undefined && Boolean(current.sealed) !== change.sealed) {
    next.sealed = change.sealed;
    changed.sealed = change.sealed;
  }
  if (change.interval !== undefined && (current.rotation?.interval ?? null) !== change.interval) {
    next.rotation!.interval = change.interval ?? undefined;
    changed.interval = change.interval;
  }
  if (change.tier !== undefined && (current.rotation?.tier ?? null) !== change.tier) {
    next.rotation!.tier = change.tier ?? undefined;
    changed.tier = change.tier;
  }
  return { settings: compactSettings(next), changed };
}

/**
 * Why moving a seed from a vault with `from` settings to one with `to` would weaken how it is read (out of
 * a sealed vault, or out of one that requires tickets), or null when it would not.
 */
export function weakerReads(from: VaultSettings | undefined, to: VaultSettings | undefined): string | null {
  if (from?.sealed && !to?.sealed) return "it is sealed: reads need --break-glass";
  if (from?.requireTicket && !to?.requireTicket) return "it requires a ticket for every read";
  return null;
}

/**
 * Three-way merge of the settings two clones wrote (for the vault merge driver): a setting changed on one
 * side takes that side's value; changed differently on both, the stricter one wins (the shorter interval,
 * the high tier).
 */
export function mergeVaultSettings(base: VaultSettings | undefined, ours: VaultSettings | undefined, theirs: VaultSettings | undefined): VaultSettings {
  const o = base ?? {};
  const a = ours ?? {};
  const b = theirs ?? {};
  function three<T>(x: T, y: T, z: T, stricter: (p: T, q: T) => T): T {
    if (y === z || z === x) return y;
    if (y === x) return z;
    return stricter(y, z);
  }
  const shorter = (p: string | undefined, q: string | undefined) => (p === undefined ? q : q === undefined ? p : intervalDays(p) <= intervalDays(q) ? p : q);
  return compactSettings({
    requireTicket: three(Boolean(o.requireTicket), Boolean(a.requireTicket), Boolean(b.requireTicket), (p, q) => p || q),
    sealed: three(Boolean(o.sealed), Boolean(a.sealed), Boolean(b.sealed), (p, q) => p || q),
    rotation: {
      interval: three(o.rotation?.interval, a.rotation?.interval, b.rotation?.interval, shorter),
      tier: three(o.rotation?.tier, a.rotation?.tier, b.rotation?.tier, (p, q) => (p === "high" || q === "high" ? "high" : (p ?? q))),
    },
  });
}
