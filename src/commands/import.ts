// `mfavault import <vault> <file|->`: onboarding a client's seeds from whatever they were kept in. All or
// nothing: any bad row (or refused duplicate) imports nothing and names every bad row; otherwise one
// re-encryption, one audit line naming the count, one commit.
import { basename } from "node:path";
import type { Command } from "commander";
import { checkFreeText, seedWarning, type Entry } from "../core/entry.js";
import { assignNames, DUPLICATE_POLICIES, type DuplicatePolicy } from "../core/entry-naming.js";
import { badInput, usageError } from "../core/errors.js";
import { escapeText } from "../core/escape.js";
import { checkVaultPath } from "../core/names.js";
import { detectFormat, isEncryptedExport } from "../formats/detect.js";
import { problemMessage, type RowProblem } from "../formats/imported.js";
import { IMPORT_FORMATS, isImportFormat, type ImportFormat } from "../formats/registry.js";
import { saveChange } from "../repo/save.js";
import { readUserFile, USER_LIMITS } from "../repo/user-file.js";
import { currentReaders, loadVaultDoc, requireVault } from "../repo/vault-store.js";
import { emit, note, session, type Ctx } from "./context.js";
import { inheritedAt, inheritedWindow, withInheritedOptions, type InheritedFlags } from "./entry-policy.js";
import { promptSecret } from "./secret-input.js";
import { policyOf } from "../core/policy-settings.js";

export interface ImportOptions extends InheritedFlags {
  vault: string;
  file: string;
  format?: string;
  dryRun?: boolean;
  onDuplicate: string;
  passwordFile?: string;
}

export interface ImportedRow {
  name: string;
  type: Entry["type"];
  issuer: string;
  account: string;
  from: string;
  replaces: boolean;
}

export interface ImportReport {
  vault: string;
  format: ImportFormat;
  dryRun: boolean;
  imported: number;
  /** Records without any OTP (or trashed), left out by design. */
  skipped: number;
  /** Duplicates left out by --on-duplicate skip|replace. */
  duplicatesDropped: number;
  entries: ImportedRow[];
}

/** Progress for people watching a large import on a terminal; silent in pipes and scripts. */
const PROGRESS_FROM = 1000;

function readSource(ctx: Ctx, file: string): Buffer {
  if (file === "-") return ctx.io.readStdinBytes(USER_LIMITS.import, "the export on stdin");
  return readUserFile(ctx.io.cwd, file, USER_LIMITS.import, "export file");
}

async function backupPassword(ctx: Ctx, o: ImportOptions): Promise<string> {
  if (o.passwordFile) {
    const text = readUserFile(ctx.io.cwd, o.passwordFile, USER_LIMITS.secret, "password file").toString("utf8").replace(/\r?\n$/, "");
    if (text === "") throw badInput(`${o.passwordFile} is empty: it should hold the backup's password`);
    return text;
  }
  if (o.file === "-") throw usageError("the backup comes on stdin, so its password cannot be asked for: pass --password-file FILE");
  return promptSecret(ctx, "Password of the encrypted backup", "--password-file FILE");
}

/** Problems in file order: grouped by the kind of place ("batch", "entry", "line"), then by number. */
function byPlace(a: RowProblem, b: RowProblem): number {
  const key = (p: RowProblem) => [/^\D*/.exec(p.at)![0], Number(/\d+/.exec(p.at)?.[0] ?? 0)] as const;
  const [ka, na] = key(a);
  const [kb, nb] = key(b);
  return ka === kb ? na - nb : ka < kb ? -1 : 1;
}

function refuse(ctx: Ctx, label: string, problems: RowProblem[]): never {
  for (const p of problems) note(ctx, `  ${escapeText(p.at)}: ${escapeText(p.problem)}`);
  const n = problems.length;
  throw badInput(`${label}: ${n} bad ${n === 1 ? "row" : "rows"} (listed above); nothing was imported — fix ${n === 1 ? "it" : "them"} and import again`);
}

export async function runImport(ctx: Ctx, o: ImportOptions): Promise<void> {
  const vault = checkVaultPath(o.vault);
  if (!DUPLICATE_POLICIES.includes(o.onDuplicate as DuplicatePolicy)) throw usageError(`--on-duplicate takes ${DUPLICATE_POLICIES.join(", ")}`);
  if (o.format !== undefined && !isImportFormat(o.format)) throw usageError(`unknown --format "${o.format}": use one of ${Object.keys(IMPORT_FORMATS).join(", ")}`);
  const s = await session(ctx);
  requireVault(s.root, vault);
  const window = inheritedWindow(o, policyOf(s.config));
  const input = readSource(ctx, o.file);
  const label = o.file === "-" ? "stdin" : basename(o.file);
  const format: ImportFormat = (o.format as ImportFormat | undefined) ?? detectFormat(input, label).format;
  const password = isEncryptedExport(format, input) ? await backupPassword(ctx, o) : undefined;
  const progress = (text: string, count: number) => {
    if (ctx.io.stderrIsTTY && count >= PROGRESS_FROM) note(ctx, text);
  };

  const parsed = await IMPORT_FORMATS[format].parse(input, { password });
  progress(`read ${parsed.entries.length} entries from ${escapeText(label)} (${format})`, parsed.entries.length);
  const problems: RowProblem[] = [...parsed.problems];
  for (const e of parsed.entries) {
    try {
      checkFreeText(e.issuer, "the issuer");
      checkFreeText(e.account, "the account");
      checkFreeText(e.notes ?? "", "the notes");
    } catch (err) {
      problems.push({ at: e.at, problem: problemMessage(err) });
    }
  }
  const doc = await loadVaultDoc(s, vault);
  const naming = assignNames(parsed.entries, new Set(Object.keys(doc.entries)), o.onDuplicate as DuplicatePolicy);
  problems.push(...naming.problems);
  if (problems.length > 0) refuse(ctx, label, problems.sort(byPlace));
  if (parsed.entries.length === 0) {
    throw badInput(`${label} holds no OTP entries${parsed.skipped ? ` (${parsed.skipped} records without one were skipped)` : ""}: nothing to import`);
  }

  for (const text of parsed.notes) note(ctx, `note: ${escapeText(text)}`);
  for (const d of naming.decisions) note(ctx, `${escapeText(d.at)}: ${escapeText(d.decision)}`);
  for (const e of parsed.entries) {
    for (const w of [...e.warnings, seedWarning(e.params.secret)]) if (w) note(ctx, `warning: ${escapeText(e.at)}: ${escapeText(w)}`);
  }

  const now = s.now().toISOString();
  const rows: ImportedRow[] = [];
  for (const p of naming.placed) {
    const e = parsed.entries[p.index]!;
    rows.push({ name: p.name, type: e.params.type, issuer: e.issuer, account: e.account, from: e.at, replaces: p.replacesExisting });
    const inherited = inheritedAt(window, now);
    if (!o.dryRun) doc.entries[p.name] = { ...e.params, issuer: e.issuer, account: e.account, notes: e.notes ?? "", created: now, updated: now, ...(inherited ? { inherited } : {}) };
  }
  const report: ImportReport = { vault, format, dryRun: Boolean(o.dryRun), imported: rows.length, skipped: parsed.skipped, duplicatesDropped: naming.dropped, entries: rows };

  if (!o.dryRun) {
    progress(`encrypting ${vault} (${Object.keys(doc.entries).length} entries) and committing`, rows.length);
    const replaced = rows.filter((r) => r.replaces).length;
    await saveChange(s, {
      message: `import: ${rows.length} ${rows.length === 1 ? "entry" : "entries"} into ${vault} (${format})`,
      commit: ctx.global.commit !== false,
      vaults: [{ doc, readers: currentReaders(s.root, doc) }],
      audit: {
        action: "import",
        target: vault,
        details: { count: rows.length, format, skipped: parsed.skipped, replaced, duplicatesDropped: naming.dropped, ...(window ? { inherited: window } : {}) },
      },
    });
  }
  emit(ctx, report, (r) => {
    const skipped = r.skipped ? `; ${r.skipped} without an OTP skipped` : "";
    const dropped = r.duplicatesDropped ? `; ${r.duplicatesDropped} duplicates left out` : "";
    if (!r.dryRun) return `imported ${r.imported} ${r.imported === 1 ? "entry" : "entries"} into ${r.vault} from ${escapeText(label)} (${r.format}${skipped}${dropped})`;
    const width = Math.min(40, Math.max(...r.entries.map((x) => x.name.length)) + 2);
    const lines = r.entries.map((x) => `${x.name.padEnd(width)} ${x.type.padEnd(6)} ${escapeText(x.issuer)}${x.account ? ` — ${escapeText(x.account)}` : ""}${x.replaces ? "  (replaces)" : ""}`);
    return [...lines, `dry run: would import ${r.imported} into ${r.vault} (${r.format}${skipped}${dropped}); nothing was written`].join("\n");
  });
}

export function defineImport(program: Command, ctx: Ctx): void {
  const formats = Object.entries(IMPORT_FORMATS)
    .map(([name, f]) => `  ${name.padEnd(14)} ${f.describe}`)
    .join("\n");
  withInheritedOptions(
    program
      .command("import")
      .description("import seeds into a vault from a CSV, an authenticator or password-manager export, or a QR image (all or nothing)")
      .argument("<vault>", "the vault to import into, e.g. acme")
      .argument("<file>", "the export file, or - for stdin")
      .option("--format <format>", "the file's format (default: detected from its content)")
      .option("--dry-run", "print what would be imported (names, issuers, types; never seeds) and write nothing")
      .option("--on-duplicate <policy>", "a name already in the vault or twice in the file: fail, skip, rename or replace", "fail")
      .option("--password-file <file>", "the password of an encrypted Aegis or 2FAS backup (else a hidden prompt)"),
  )
    .addHelpText(
      "after",
      `\nFormats:\n${formats}\n\nEntry names come from the entry's name, else its issuer, else its account, folded to lowercase\n` +
        "letters, digits, '.', '-', '_'; entries of one file that share a name get their account added.\n" +
        "Any bad row stops the whole import: nothing is written and every bad row is listed.\n\n" +
        "Examples:\n  mfavault import acme seeds.csv --dry-run\n  mfavault import acme aegis-backup.json --password-file pw.txt\n" +
        "  mfavault import acme google-export.png\n  mfavault import acme bitwarden.json --on-duplicate rename\n  cat uris.txt | mfavault import acme -\n" +
        "  mfavault import acme previous-msp.csv --inherited --inherited-window 7d   # rotate them within a week",
    )
    .action((vault: string, file: string, opts: Omit<ImportOptions, "vault" | "file">) => runImport(ctx, { ...opts, vault, file }));
}
