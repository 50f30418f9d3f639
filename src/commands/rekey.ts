// `mfavault rekey <vault>|--all`: re-encrypt vaults to the engineers their recipients files declare, which
// is how a hand-edited recipients file is applied. Readers the edit removed lose access like a revoke.
import { createHash } from "node:crypto";
import type { Command } from "commander";
import { isMfaError, usageError } from "../core/errors.js";
import { checkVaultPath } from "../core/names.js";
import { manifestSignatureValid } from "../core/manifest.js";
import { lossReason, planRekey, type ReaderPlan, type RotationDueItem } from "../core/policy.js";
import { listVaults, recipientsFile, vaultFile } from "../repo/layout.js";
import { prepareRewrite, vaultReaders, type BlockedVault } from "../repo/reencrypt.js";
import { saveChange } from "../repo/save.js";
import type { Session } from "../repo/session.js";
import { readManifest, requireVault } from "../repo/vault-store.js";
import { accessSession, finishBlocked, rotationChecklist } from "./access.js";
import { emit, note, type Ctx } from "./context.js";
import { LIMITS, readRepoText } from "../repo/repo-file.js";

export interface RekeyResult {
  rekeyed: string[];
  /** Vaults --all looked at and found already encrypted to exactly their declared recipients. */
  upToDate: number;
  /** Entries readable by someone the rekey removed: due for rotation. */
  rotationDue: RotationDueItem[];
  notRekeyed: BlockedVault[];
}

/** True when the vault's files no longer agree with each other or with the team (what --all repairs). */
function outOfDate(s: Session, p: ReaderPlan): boolean {
  if (!p.unchanged) return true;
  const m = readManifest(s.root, p.vault);
  const text = readRepoText(s.root, vaultFile(p.vault), LIMITS.vault);
  if (createHash("sha256").update(text).digest("hex") !== m.sha256) return true;
  if (m.recipients.some((r) => s.team.get(r.name)?.recipient !== r.recipient)) return true;
  const writer = s.team.get(m.writer);
  return !writer || !manifestSignatureValid(m, writer.signingKey);
}

export async function runRekey(ctx: Ctx, o: { vault?: string; all?: boolean }): Promise<void> {
  if (Boolean(o.vault) === Boolean(o.all)) throw usageError('name one vault or pass --all: "mfavault rekey acme" or "mfavault rekey --all"');
  const s = await accessSession(ctx);
  if (o.vault) requireVault(s.root, checkVaultPath(o.vault));
  const plans: ReaderPlan[] = [];
  const unreadable: BlockedVault[] = [];
  let upToDate = 0;
  for (const v of o.vault ? [o.vault] : listVaults(s.root)) {
    try {
      const p = planRekey(vaultReaders(s.root, v));
      if (o.all && !outOfDate(s, p)) {
        upToDate++;
        continue;
      }
      // Asked for by name (or out of date): always a fresh file key and a freshly signed manifest.
      plans.push({ ...p, unchanged: false, recipientsOnly: false });
    } catch (e) {
      if (!isMfaError(e)) throw e;
      unreadable.push({ vault: v, kind: e.kind, message: `${v} left unchanged: ${e.message}` });
    }
  }
  const prepared = await prepareRewrite(s, plans, { reason: (e) => lossReason(e, "rekey"), finishCommand: (v) => `mfavault rekey ${v}`, appliesRecipientsFile: true });
  const rekeyed = prepared.applied.map((p) => p.vault);
  if (rekeyed.length > 0) {
    const lost = [...new Set(prepared.applied.flatMap((p) => p.lost))].sort();
    const gained = [...new Set(prepared.applied.flatMap((p) => p.gained))].sort();
    await saveChange(s, {
      message: o.vault ? `rekey ${o.vault}` : `rekey --all (${rekeyed.length} vault${rekeyed.length === 1 ? "" : "s"})`,
      commit: ctx.global.commit !== false,
      vaults: prepared.vaults,
      files: prepared.files,
      applies: rekeyed.map((v) => recipientsFile(v)),
      audit: { action: "rekey", target: o.vault ?? "*", details: { vaults: rekeyed, added: gained, removed: lost } },
    });
  } else if (unreadable.length + prepared.blocked.length === 0) {
    note(ctx, `all ${upToDate} vaults are already encrypted to exactly their recipients: nothing to do`);
  }
  const result: RekeyResult = { rekeyed, upToDate, rotationDue: prepared.rotationDue, notRekeyed: [...unreadable, ...prepared.blocked] };
  emit(ctx, result, (r) => {
    if (r.rekeyed.length === 0) return "";
    const lines = prepared.applied.map((p) => {
      const changes = [p.gained.length ? `added ${p.gained.join(", ")}` : "", p.lost.length ? `removed ${p.lost.join(", ")}` : ""].filter(Boolean);
      return `re-keyed ${p.vault}: readable by ${p.readers.join(", ")}${changes.length ? ` (${changes.join("; ")})` : ""}`;
    });
    const lost = [...new Set(prepared.applied.flatMap((p) => p.lost))];
    if (lost.length > 0) lines.push(...rotationChecklist(lost.join(", "), r.rotationDue));
    return lines.join("\n");
  });
  finishBlocked(ctx, result.notRekeyed, rekeyed.length ? "the other vaults were re-keyed and committed" : "");
}

export function defineRekey(program: Command, ctx: Ctx): void {
  program
    .command("rekey")
    .description("re-encrypt a vault (or every out-of-date vault) to exactly the engineers its recipients file lists")
    .argument("[vault]", "vault path; or --all")
    .option("--all", "every vault whose recipients file, manifest or ciphertext disagree, in one commit")
    .addHelpText(
      "after",
      "\nEdit clients/<vault>/recipients by hand (one engineer a line), then apply it with rekey. Engineers taken\nout lose access like a revoke, and the seeds they could read are marked rotation due.\n\nExamples:\n  mfavault rekey acme\n  mfavault rekey --all",
    )
    .action((vault: string | undefined, opts: { all?: boolean }) => runRekey(ctx, { vault, all: opts.all }));
}
