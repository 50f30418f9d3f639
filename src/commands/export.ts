// `mfavault export <vault> --format csv|otpauth|json|aegis`: a vault's seeds out of the repository, for a
// hand-off or a move. With --to, age-encrypted (ASCII armor) to the receiver's key, so the hand-off never
// exists in plaintext on disk; without it, plaintext only after a confirmation on a terminal or with
// --plaintext. The audit line is written (and committed) before any seed leaves.
import type { Command } from "commander";
import { usageError } from "../core/errors.js";
import { checkVaultPath } from "../core/names.js";
import { encryptToRecipients } from "../crypto/age-file.js";
import { EXPORT_FORMATS, exportText, type ExportFormat } from "../formats/export-formats.js";
import { loadVaultDoc, requireVault } from "../repo/vault-store.js";
import { emit, note, session, type Ctx } from "./context.js";
import { checkNewFile, exportRows, handoffRecipients, writeNewFile } from "./handoff.js";
import { clearRead, withReadPolicyOptions, type ReadPolicyOptions } from "./read-policy.js";
import { recordVaultRead } from "../repo/vault-read.js";
import { confirmOnTty } from "./secret-input.js";

export interface ExportOptions extends ReadPolicyOptions {
  vault: string;
  format: string;
  to: string[];
  toFile?: string;
  out?: string;
  plaintext?: boolean;
}

export interface ExportReport {
  vault: string;
  format: ExportFormat;
  count: number;
  out: string | null;
  encryptedTo: string[];
}

export async function runExport(ctx: Ctx, o: ExportOptions): Promise<void> {
  const vault = checkVaultPath(o.vault);
  if (!EXPORT_FORMATS.includes(o.format as ExportFormat)) throw usageError(`--format takes ${EXPORT_FORMATS.join(", ")}`);
  const format = o.format as ExportFormat;
  const recipients = handoffRecipients(ctx, o.to, o.toFile);
  if (recipients.length > 0 && o.plaintext) throw usageError("--plaintext and --to contradict each other: pick one");
  const s = await session(ctx);
  requireVault(s.root, vault);
  const doc = await loadVaultDoc(s, vault);
  const rows = exportRows([doc]);
  const clearance = await clearRead(ctx, doc, o, vault);
  const path = o.out ? checkNewFile(ctx, o.out) : null;
  const where = o.out ?? "this terminal";
  if (recipients.length === 0 && !o.plaintext) {
    const ok = await confirmOnTty(ctx, `Write ${rows.length} seeds of ${vault} in plaintext to ${where}?`);
    if (!ok) throw usageError(`refusing to write plaintext seeds without --plaintext (or a yes on a terminal): hand them off encrypted with --to age1…`);
  }

  const fields = { action: "export", target: vault, details: { format, count: rows.length, encryptedTo: recipients } };
  await recordVaultRead(s, { doc, opened: Object.keys(doc.entries), fields, clearance, commit: ctx.global.commit !== false });
  const text = exportText(format, rows, s.now());
  const payload = recipients.length > 0 ? await encryptToRecipients(Buffer.from(text), recipients) : text;
  const report: ExportReport = { vault, format, count: rows.length, out: o.out ?? null, encryptedTo: recipients };
  if (!path) {
    ctx.io.out(payload);
    note(ctx, `exported ${rows.length} entries of ${vault} (${format}${recipients.length ? `, encrypted to ${recipients.length} recipient${recipients.length > 1 ? "s" : ""}` : ", plaintext"})`);
    return;
  }
  writeNewFile(path, payload);
  emit(ctx, report, (r) => `exported ${r.count} entries of ${r.vault} to ${r.out} (${r.format}, ${r.encryptedTo.length ? `age-encrypted to ${r.encryptedTo.length} recipient${r.encryptedTo.length > 1 ? "s" : ""}` : "PLAINTEXT: delete it when done"})`);
}

export function defineExport(program: Command, ctx: Ctx): void {
  withReadPolicyOptions(
    program
      .command("export")
      .description("export a vault's seeds (audited): age-encrypted to a receiver with --to, else plaintext only when confirmed")
      .argument("<vault>", "the vault, e.g. acme")
      .requiredOption("--format <format>", `${EXPORT_FORMATS.join(", ")} (csv re-imports to identical entries)`)
      .option("--to <recipient>", "encrypt to this age recipient (age1…); repeatable", (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option("--to-file <file>", "encrypt to the age recipients in this file (one a line)")
      .option("--out <file>", "write to this new file (mode 0600) instead of stdout")
      .option("--plaintext", "allow plaintext seeds without asking (scripts); prefer --to"),
  )
    .addHelpText(
      "after",
      "\nCSV cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) are written with a\n" +
        "leading ' (one more ' if they already start with 's before such a character); import removes exactly one.\n\n" +
        "Examples:\n  mfavault export acme --format aegis --to age1… --out acme-handoff.age\n  mfavault export acme --format csv --to-file client-keys.txt > acme.csv.age\n" +
        "  mfavault export acme --format json --plaintext --out acme.json",
    )
    .action((vault: string, opts: Omit<ExportOptions, "vault">) => runExport(ctx, { ...opts, vault }));
}
