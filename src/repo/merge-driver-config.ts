// The git side of the merge driver: its registration in .git/config (per clone: git never takes drivers
// from the repository) and its declaration in .gitattributes (shared, committed).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { git, runGit } from "./git.js";

export const DRIVER = "mfavault";

/** What init writes: ciphertext is never diffed as text; a vault's files and audit files merge through mfavault. */
export const GITATTRIBUTES_LINES = [
  "*.age binary",
  `clients/**/vault.age merge=${DRIVER}`,
  `clients/**/manifest.json merge=${DRIVER}`,
  `clients/**/recipients merge=${DRIVER}`,
  `audit/*/*.jsonl merge=${DRIVER}`,
];

export const GITATTRIBUTES =
  "# vault.age files are age ciphertext: never diff them as text. A vault's files and the audit files merge\n" +
  '# entry by entry through "mfavault merge-driver" (registered in .git/config by init, join and doctor --fix).\n' +
  `${GITATTRIBUTES_LINES.join("\n")}\n`;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command git runs: this node and this mfavault by absolute path, so no PATH lookup is needed. */
export function driverCommand(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(process.argv[1] ?? "mfavault")} merge-driver %O %A %B %P`;
}

export function registeredDriver(root: string): string | null {
  const r = runGit(root, ["config", "--local", "--get", `merge.${DRIVER}.driver`]);
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The script the registered driver runs, when it names one (for doctor: does it still exist?). */
export function driverScript(command: string): string | null {
  const m = /^'[^']*' '([^']*)' merge-driver /.exec(command);
  return m ? m[1]! : null;
}

export function registerMergeDriver(root: string): void {
  git(root, ["config", "--local", `merge.${DRIVER}.name`, "mfavault: merge vault entries, readers and audit lines"]);
  git(root, ["config", "--local", `merge.${DRIVER}.driver`, driverCommand()]);
}

/** The declarations .gitattributes lacks (all of them when there is no file). */
export function missingAttributes(root: string): string[] {
  const path = join(root, ".gitattributes");
  const have = existsSync(path) ? readFileSync(path, "utf8").split(/\r?\n/).map((l) => l.trim()) : [];
  return GITATTRIBUTES_LINES.filter((l) => !have.includes(l));
}
