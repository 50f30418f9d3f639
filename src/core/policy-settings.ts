// The repository's policy defaults in mfavault.json, parsed once into typed values:
// `"policy": {"rotation": {"interval": "1y", "tier": "standard", "high": "90d"}, "inheritedWindow": "48h", "dueSoonDays": 14}`.
// Vaults and entries override the rotation schedule in their encrypted settings.
import { badInput } from "./errors.js";
import type { Json } from "./guards.js";
import type { RepoConfig } from "./repo-config.js";
import { checkTier, intervalDays, spanMs, type RepoRotation } from "./schedule.js";

export interface PolicySettings {
  rotation: RepoRotation;
  /** How long an inherited seed may go unrotated ("48h"), unless `--inherited-window` says otherwise. */
  inheritedWindow: string;
  /** `status` lists scheduled entries due within this many days. */
  dueSoonDays: number;
}

export const DEFAULT_POLICY: PolicySettings = {
  rotation: { tier: "standard", high: "90d" },
  inheritedWindow: "48h",
  dueSoonDays: 14,
};

const WHAT = "mfavault.json policy";

function objectAt(v: unknown, what: string, keys: string[]): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw badInput(`${what} must be an object`);
  const unknown = Object.keys(v).find((k) => !keys.includes(k));
  if (unknown !== undefined) throw badInput(`${what}: unknown key "${unknown.slice(0, 40)}" (known: ${keys.join(", ")})`);
  return v as Json;
}

/** A string setting checked by `check`; its error names where in mfavault.json the value is. */
function text(o: Json, key: string, what: string, check: (v: string) => unknown): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw badInput(`${what}.${key} must be a string`);
  try {
    check(v);
  } catch (e) {
    throw badInput(`${what}.${key}: ${(e as Error).message}`);
  }
  return v;
}

/** Unknown keys are refused: a misspelt "inheritedWindw" would otherwise silently keep the default. */
export function parsePolicySettings(raw: unknown): PolicySettings {
  if (raw === undefined || raw === null) return DEFAULT_POLICY;
  const o = objectAt(raw, WHAT, ["rotation", "inheritedWindow", "dueSoonDays"]);
  const out: PolicySettings = { rotation: { ...DEFAULT_POLICY.rotation }, inheritedWindow: DEFAULT_POLICY.inheritedWindow, dueSoonDays: DEFAULT_POLICY.dueSoonDays };
  if (o.rotation !== undefined) {
    const r = objectAt(o.rotation, `${WHAT}.rotation`, ["interval", "tier", "high"]);
    const interval = text(r, "interval", `${WHAT}.rotation`, intervalDays);
    if (interval !== undefined) out.rotation.interval = interval;
    const tier = text(r, "tier", `${WHAT}.rotation`, checkTier);
    if (tier !== undefined) out.rotation.tier = checkTier(tier);
    const high = text(r, "high", `${WHAT}.rotation`, intervalDays);
    if (high !== undefined) out.rotation.high = high;
  }
  const window = text(o, "inheritedWindow", WHAT, spanMs);
  if (window !== undefined) out.inheritedWindow = window;
  if (o.dueSoonDays !== undefined) {
    const d = o.dueSoonDays;
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0 || d > 365) throw badInput(`${WHAT}.dueSoonDays must be a whole number from 0 to 365`);
    out.dueSoonDays = d;
  }
  return out;
}

/** The policy of a repository's parsed mfavault.json (its "policy" key). */
export function policyOf(config: RepoConfig): PolicySettings {
  return parsePolicySettings(config.extra.policy);
}
