// `mfavault doctor [--fix]`: is this machine and this clone ready for daily use? Each check says what it
// found and, when something is wrong, how to fix it; --fix repairs what is safe to repair here (the merge
// driver registration and declaration, identity file modes). Exit 6 when a check fails.
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { MfaError } from "../core/errors.js";
import { defaultIdentityPath, protectedIdentityPath } from "../identity/sources.js";
import { findRoot } from "../repo/find-root.js";
import { dirtyPaths } from "../repo/git.js";
import { driverScript, GITATTRIBUTES_LINES, missingAttributes, registerMergeDriver, registeredDriver } from "../repo/merge-driver-config.js";
import { saveChange } from "../repo/save.js";
import { applyChange } from "../repo/transaction.js";
import { checkAudit, checkGit, checkIdentity, checkKeychain, checkMergeDriver, checkRepo, checkSyslog, checkVaults, type Check, type DoctorState } from "./doctor-checks.js";
import { emit, session, type Ctx } from "./context.js";
import { passphrasePrompt } from "./secret-input.js";

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
  fixed: string[];
}

function tightenIdentityFiles(env: NodeJS.ProcessEnv): string[] {
  const fixed: string[] = [];
  for (const path of [env.MFAVAULT_IDENTITY_FILE, defaultIdentityPath(env), protectedIdentityPath(env), env.MFAVAULT_PASSPHRASE_FILE]) {
    if (!path || !existsSync(path) || process.platform === "win32") continue;
    if ((statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      fixed.push(`chmod 600 ${path}`);
    }
  }
  return fixed;
}

async function declareMergeDriver(ctx: Ctx, root: string): Promise<string | null> {
  const missing = missingAttributes(root);
  if (missing.length === 0) return null;
  if (dirtyPaths(root, [".gitattributes"]).length > 0) return "left .gitattributes alone: it has uncommitted changes";
  const path = join(root, ".gitattributes");
  const before = existsSync(path) ? readFileSync(path, "utf8") : "";
  const content = `${before}${before && !before.endsWith("\n") ? "\n" : ""}# mfavault merge driver (mfavault doctor --fix)\n${GITATTRIBUTES_LINES.filter((l) => missing.includes(l)).join("\n")}\n`;
  const change = { message: "doctor: declare the mfavault merge driver in .gitattributes", commit: ctx.global.commit !== false, files: [{ path: ".gitattributes", content }] };
  const s = await session(ctx).catch(() => null);
  if (s) await saveChange(s, { ...change, audit: { action: "doctor-fix", target: ".gitattributes" } });
  else applyChange(root, change);
  return `declared the merge driver in .gitattributes${change.commit ? " (committed)" : ""}`;
}

export async function runDoctor(ctx: Ctx, fix: boolean): Promise<void> {
  const env = ctx.io.env;
  let root: string | null = null;
  let rootError: string | null = null;
  try {
    root = findRoot(ctx.global.vault, env, ctx.io.cwd);
  } catch (e) {
    rootError = (e as Error).message;
  }
  const fixed: string[] = [];
  if (fix) {
    fixed.push(...tightenIdentityFiles(env));
    if (root) {
      const command = registeredDriver(root);
      const script = command ? driverScript(command) : null;
      if (!command || (script && !existsSync(script))) {
        registerMergeDriver(root);
        fixed.push("registered the merge driver in .git/config");
      }
      try {
        const declared = await declareMergeDriver(ctx, root);
        if (declared) fixed.push(declared);
      } catch (e) {
        fixed.push(`nothing: could not declare the merge driver in .gitattributes (${(e as Error).message.split("\n")[0]})`);
      }
    }
  }
  const state: DoctorState = { root, config: null, identity: null, identitySource: null, me: null };
  const checks: Check[] = [checkGit(root), checkRepo(root, state, rootError)];
  checks.push(await checkIdentity(state, env, passphrasePrompt(ctx)));
  checks.push(checkKeychain(env, state), checkMergeDriver(root), await checkVaults(state), checkAudit(state), await checkSyslog(state));
  const report: DoctorReport = { ok: !checks.some((c) => c.status === "fail"), checks, fixed };
  emit(ctx, report, (r) =>
    [
      ...r.fixed.map((f) => `fixed ${f}`),
      ...r.checks.map((c) => `${{ ok: "ok  ", warn: "warn", fail: "FAIL", skip: "-   " }[c.status]}  ${c.check.padEnd(13)} ${c.message}${c.fix && c.status !== "ok" ? `\n      fix: ${c.fix}` : ""}`),
    ].join("\n"),
  );
  const failed = checks.filter((c) => c.status === "fail");
  if (failed.length > 0) throw new MfaError("finding", `${failed.length} check${failed.length === 1 ? "" : "s"} failed: ${failed.map((c) => c.check).join(", ")}`);
}

export function defineDoctor(program: Command, ctx: Ctx): void {
  program
    .command("doctor")
    .description("check git, your identity and card, the keychain, the merge driver, vaults, audit and syslog")
    .option("--fix", "repair what can be repaired here: merge driver registration and declaration, identity file modes")
    .addHelpText("after", "\nExit status 6 when a check fails.\n\nExamples:\n  mfavault doctor\n  mfavault doctor --fix\n  mfavault doctor --json")
    .action((o: { fix?: boolean }) => runDoctor(ctx, Boolean(o.fix)));
}
