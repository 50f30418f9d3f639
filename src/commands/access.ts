// `mfavault grant` and `revoke`: adding and removing an engineer from vaults' readers. Revoking
// re-encrypts with a fresh file key and marks every seed the engineer could open as rotation due.
import type { Command } from "commander";
import { badInput, isMfaError, notFound, usageError } from "../core/errors.js";
import { escapeText } from "../core/escape.js";
import { checkName, checkVaultPath } from "../core/names.js";
import { lossReason, planGrant, planRevoke, type ReaderPlan, type RotationDueItem } from "../core/policy.js";
import { listVaults } from "../repo/layout.js";
import { blockedError, finishInterrupted, prepareRewrite, vaultReaders, type BlockedVault, type PreparedRewrite } from "../repo/reencrypt.js";
import { saveChange } from "../repo/save.js";
import type { Session } from "../repo/session.js";
import { requireVault } from "../repo/vault-store.js";
import { emit, note, session, type Ctx } from "./context.js";

/** Opens the session and finishes any change a killed run left behind (recovery says so), before a vault is read. */
export async function accessSession(ctx: Ctx): Promise<Session> {
  const s = await session(ctx);
  finishInterrupted(s.root);
  return s;
}

export interface GrantResult {
  engineer: string;
  granted: string[];
  unchanged: string[];
  notGranted: BlockedVault[];
}

export async function runGrant(ctx: Ctx, o: { engineer: string; vault: string; recursive?: boolean }): Promise<void> {
  const engineer = checkName(o.engineer, "engineer name");
  const vault = checkVaultPath(o.vault);
  const s = await accessSession(ctx);
  requireVault(s.root, vault);
  const card = s.team.get(engineer);
  if (!card) throw notFound(`no engineer "${engineer}" in team/: add their card first with "mfavault team add ${engineer}.json"`);
  if (card.status !== "active") {
    throw badInput(`cannot grant ${vault} to ${engineer}: their card is ${card.status}${card.removed ? ` (since ${card.removed})` : ""}; only active team members can be granted access`);
  }
  const targets = [vault, ...(o.recursive ? listVaults(s.root).filter((v) => v.startsWith(`${vault}/`)) : [])];
  const plans = targets.map((v) => planGrant(vaultReaders(s.root, v), engineer));
  const unchanged = plans.filter((p) => p.unchanged).map((p) => p.vault);
  for (const v of unchanged) note(ctx, `${engineer} can already read ${v}: nothing to do there`);
  const rw = await prepareRewrite(s, plans, { reason: (e) => lossReason(e, "revoke"), finishCommand: (v) => `mfavault grant ${engineer} ${v}` });
  const granted = rw.applied.map((p) => p.vault);
  if (granted.length > 0) {
    await saveChange(s, {
      message: `grant ${engineer} ${granted.length === 1 ? granted[0] : `${vault} --recursive (${granted.length} vaults)`}`,
      commit: ctx.global.commit !== false,
      vaults: rw.vaults,
      files: rw.files,
      audit: { action: "grant", target: vault, details: { engineer, vaults: granted } },
    });
  }
  const result: GrantResult = { engineer, granted, unchanged, notGranted: rw.blocked };
  emit(ctx, result, (r) => (r.granted.length ? `granted ${r.engineer} ${listSome(r.granted)}` : ""));
  finishBlocked(ctx, rw.blocked, granted.length ? `the other vaults were granted and committed` : "");
}

/** Names every vault left unchanged on stderr, then fails with the most telling exit code. */
export function finishBlocked(ctx: Ctx, blocked: BlockedVault[], done: string): void {
  if (blocked.length === 0) return;
  if (blocked.length > 1) for (const b of blocked) note(ctx, `not changed: ${b.message}`);
  throw blockedError(blocked, done);
}

export interface RevokeResult {
  engineer: string;
  revoked: string[];
  /** Entries the engineer could read: they can still generate codes for these until each is rotated. */
  rotationDue: RotationDueItem[];
  notRevoked: BlockedVault[];
}

/** The vaults an engineer is a reader of, by the ciphertext (manifest) or the declared list. */
function plansFor(s: Session, engineer: string, vaults: string[]): { plans: ReaderPlan[]; unreadable: BlockedVault[] } {
  const plans: ReaderPlan[] = [];
  const unreadable: BlockedVault[] = [];
  for (const v of vaults) {
    try {
      plans.push(planRevoke(vaultReaders(s.root, v), engineer));
    } catch (e) {
      if (!isMfaError(e)) throw e;
      unreadable.push({ vault: v, kind: e.kind, message: `${v} left unchanged: ${e.message}` });
    }
  }
  return { plans: plans.filter((p) => !p.unchanged), unreadable };
}

/** Revokes an engineer from vaults: plans and decrypts everything, writes nothing. Shared with `team remove`. */
export async function prepareRevoke(
  s: Session,
  engineer: string,
  vaults: string[],
  how: "revoke" | "team-remove",
): Promise<{ plansFound: number; prepared: PreparedRewrite; blocked: BlockedVault[] }> {
  const { plans, unreadable } = plansFor(s, engineer, vaults);
  const prepared = await prepareRewrite(s, plans, { reason: (e) => lossReason(e, how), finishCommand: (v) => `mfavault revoke ${engineer} ${v}` });
  return { plansFound: plans.length, prepared, blocked: [...unreadable, ...prepared.blocked] };
}

export async function runRevoke(ctx: Ctx, o: { engineer: string; vault?: string; all?: boolean }): Promise<void> {
  const engineer = checkName(o.engineer, "engineer name");
  if (Boolean(o.vault) === Boolean(o.all)) throw usageError('name one vault or pass --all: "mfavault revoke bob acme" or "mfavault revoke bob --all"');
  const s = await accessSession(ctx);
  if (o.vault) requireVault(s.root, checkVaultPath(o.vault));
  const vaults = o.vault ? [o.vault] : listVaults(s.root);
  const { plansFound, prepared, blocked } = await prepareRevoke(s, engineer, vaults, "revoke");
  const revoked = prepared.applied.map((p) => p.vault);
  if (plansFound === 0 && blocked.length === 0) {
    note(ctx, o.vault ? `${engineer} is not a recipient of ${o.vault}: nothing to do` : `${engineer} is a recipient of no vault: nothing to revoke`);
  }
  if (revoked.length > 0) {
    await saveChange(s, {
      message: o.vault ? `revoke ${engineer} ${o.vault}` : `revoke ${engineer} --all (${revoked.length} vault${revoked.length === 1 ? "" : "s"})`,
      commit: ctx.global.commit !== false,
      vaults: prepared.vaults,
      files: prepared.files,
      audit: { action: "revoke", target: o.vault ?? "*", details: { engineer, vaults: revoked, rotationDue: prepared.rotationDue.length } },
    });
  }
  const result: RevokeResult = { engineer, revoked, rotationDue: prepared.rotationDue, notRevoked: blocked };
  emit(ctx, result, renderRevoke);
  finishBlocked(ctx, blocked, revoked.length ? "the other vaults were re-keyed and committed" : "");
}

/** The text form: what was done, and the rotation checklist, said plainly. */
export function renderRevoke(r: Pick<RevokeResult, "engineer" | "revoked" | "rotationDue">): string {
  if (r.revoked.length === 0) return "";
  const done = `revoked ${r.engineer} from ${r.revoked.length === 1 ? r.revoked[0] : `${r.revoked.length} vaults: ${listSome(r.revoked)}`}`;
  return [done, ...rotationChecklist(r.engineer, r.rotationDue)].join("\n");
}

/** A list for people: all of it when short, else the first few and a count (--json has every name). */
export function listSome(names: string[], max = 12): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** The seeds someone who lost access can still use, one line each, and what to do about them. */
export function rotationChecklist(who: string, items: RotationDueItem[]): string[] {
  if (items.length === 0) return ["no seeds were in those vaults: nothing to rotate"];
  const width = Math.min(32, Math.max(...items.map((i) => i.entry.length)));
  return [
    "",
    `${who} can still generate codes for ${items.length === 1 ? "this seed" : `these ${items.length} seeds`} until ${items.length === 1 ? "it is" : "each is"} rotated at its service`,
    "(git history keeps the old ciphertext they could open). Rotate each one there, then record it:",
    ...items.map((i) => `  ${i.entry.padEnd(width)}  ${escapeText(i.issuer) || "-"}${i.account ? `  ${escapeText(i.account)}` : ""}`),
    "",
    'next: mfavault rotate <entry> --secret-stdin  ("mfavault status" lists what is still due)',
  ];
}

export function defineAccess(program: Command, ctx: Ctx): void {
  program
    .command("grant")
    .description("let an engineer read a vault: adds them to its recipients and re-encrypts it")
    .argument("<engineer>", "an active team member")
    .argument("<vault>", "vault path, e.g. acme or acme/prod")
    .option("--recursive", "also every scope below the vault (acme/prod, acme/prod/db, ...)")
    .addHelpText("after", "\nScopes are separate vaults: granting acme gives no access to acme/prod unless --recursive.\n\nExamples:\n  mfavault grant bob acme\n  mfavault grant bob acme --recursive")
    .action((engineer: string, vault: string, opts: { recursive?: boolean }) => runGrant(ctx, { engineer, vault, recursive: opts.recursive }));
  program
    .command("revoke")
    .description("remove an engineer from a vault (or every vault): re-encrypts without them, marks their seeds rotation due")
    .argument("<engineer>", "engineer name")
    .argument("[vault]", "vault path; or --all")
    .option("--all", "every vault the engineer is a recipient of (offboarding), in one commit")
    .addHelpText(
      "after",
      "\nThe revoked engineer can still generate codes for seeds they could read until each is rotated:\nthe output lists them, and \"mfavault status\" keeps listing them until \"mfavault rotate\".\n\nExamples:\n  mfavault revoke bob acme\n  mfavault revoke bob --all\n  mfavault revoke bob --all --json",
    )
    .action((engineer: string, vault: string | undefined, opts: { all?: boolean }) => runRevoke(ctx, { engineer, vault, all: opts.all }));
}
