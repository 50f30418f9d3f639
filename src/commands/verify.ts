// `mfavault verify`: keyless checks for CI and pre-commit hooks. Opens no session: it needs no identity,
// only the repository, and exits 6 when it finds anything.
import { Option, type Command } from "commander";
import { MfaError, usageError } from "../core/errors.js";
import { REPORT_FORMATS, renderReport, type ReportFormat } from "../core/finding-report.js";
import { installPreCommitHook } from "../repo/pre-commit-hook.js";
import { verifyRepo, type VerifySummary } from "../repo/verify-repo.js";
import { note, repo, type Ctx } from "./context.js";

export interface VerifyOptions {
  format?: ReportFormat;
  staged?: boolean;
  installHook?: boolean;
}

function summaryLine(s: VerifySummary): string {
  const scope = `${s.vaults} vault${s.vaults === 1 ? "" : "s"}, ${s.teamCards} team card${s.teamCards === 1 ? "" : "s"}, ${s.filesScanned} ${s.staged ? "staged" : "tracked"} file${s.filesScanned === 1 ? "" : "s"} scanned, audit trail ${s.auditTrail}`;
  return s.ok ? `verify: ok (${scope})` : `verify: ${s.findings} finding${s.findings === 1 ? "" : "s"} (${scope})`;
}

export async function runVerify(ctx: Ctx, o: VerifyOptions): Promise<void> {
  if (ctx.global.json && o.format && o.format !== "json") throw usageError(`--json and --format ${o.format} disagree: pick one`);
  const format: ReportFormat = o.format ?? (ctx.global.json ? "json" : "text");
  const { root } = repo(ctx);
  if (o.installHook) {
    note(ctx, `installed ${installPreCommitHook(root)}: every commit now runs "mfavault verify --staged" first`);
    return;
  }
  const result = verifyRepo(root, { staged: Boolean(o.staged) });
  const line = summaryLine(result.summary);
  ctx.io.out(renderReport({ ...result, summaryLine: line }, format, "mfavault verify"));
  // Machine formats keep stdout pure; people reading a CI log still see the verdict on stderr.
  if (format !== "text") note(ctx, line);
  if (!result.summary.ok) throw new MfaError("finding", `${result.summary.findings} verification finding${result.summary.findings === 1 ? "" : "s"}; see above`);
}

export function defineVerify(program: Command, ctx: Ctx): void {
  program
    .command("verify")
    .description("check, with no key, that every vault is encrypted to exactly its declared readers, and that no plaintext seed is committed")
    .addOption(new Option("--format <format>", "text, json, github (annotations) or junit (XML test results)").choices(REPORT_FORMATS))
    .option("--staged", "check only what is staged, read from the index (for a pre-commit hook)")
    .option("--install-hook", 'install a git pre-commit hook that runs "mfavault verify --staged", then exit')
    .addHelpText(
      "after",
      `
Checks: recipients name only active team members; manifest.json lists exactly them with the keys on
their cards, is validly signed by its writer, who is one of them; vault.age holds that many stanzas of
those types and has the manifest's SHA-256; team cards parse; the audit trail verifies; no tracked file
holds an otpauth:// URI, a seed field or column, or an unencrypted authenticator export.
Exit 0 when clean, 6 when anything is found. Needs no identity.

Examples:
  mfavault verify
  mfavault verify --format github                      # GitHub Actions annotations
  mfavault verify --format junit > mfavault-verify.xml # test results for GitLab, Jenkins, …
  mfavault verify --json | jq '.findings[].file'
  mfavault verify --install-hook                       # then every "git commit" runs verify --staged`,
    )
    .action((o: VerifyOptions) => runVerify(ctx, o));
}
