// The git pre-commit hook that runs `mfavault verify --staged`, so a plaintext seed or a hand-edited
// recipients file is refused before it is ever committed. mfavault's own commits use plumbing and never
// run hooks; the hook guards what people commit by hand.
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { failure } from "../core/errors.js";
import { writeFileAtomic } from "./atomic-write.js";
import { git } from "./git.js";

const MARKER = "# mfavault pre-commit hook";

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The mfavault that is running now (bin/mfavault.js beside the bundle), or null when run from source. */
function currentBin(): string | null {
  const bin = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/mfavault.js");
  return existsSync(bin) ? bin : null;
}

export function hookScript(): string {
  const bin = currentBin();
  // Prefer the mfavault that installed the hook (it may not be on PATH inside git); else whatever is on PATH.
  const pinned = bin
    ? `if [ -f ${shellQuote(bin)} ] && [ -x ${shellQuote(process.execPath)} ]; then\n  exec ${shellQuote(process.execPath)} ${shellQuote(bin)} verify --staged\nfi\n`
    : "";
  return `#!/bin/sh\n${MARKER}: refuses a commit whose staged files hold a plaintext seed or break a vault's\n# declared readers. Installed by "mfavault init --hook" or "mfavault verify --install-hook"; remove to disable.\n${pinned}exec mfavault verify --staged\n`;
}

/** Writes .git/hooks/pre-commit (wherever core.hooksPath and worktrees put it); never replaces a foreign hook. */
export function installPreCommitHook(root: string): string {
  const rel = git(root, ["rev-parse", "--git-path", "hooks/pre-commit"]).trim();
  const path = isAbsolute(rel) ? rel : join(root, rel);
  if (existsSync(path) && !readFileSync(path, "utf8").includes(MARKER)) {
    throw failure(`${path} already exists and is not mfavault's: add "mfavault verify --staged" to it by hand`);
  }
  writeFileAtomic(path, hookScript(), 0o755);
  chmodSync(path, 0o755);
  return path;
}
