// The names shell completion offers: vault paths and engineers (public), and the entry addresses the user
// can read (inside the ciphertext, so they need the identity). Cached per repository under the XDG cache
// directory, mode 0600, never a seed; rebuilt when a vault file or team card changed. Completion never
// prompts: an identity that needs a passphrase typed just leaves the entries out.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { decryptWithIdentity, recipientOf } from "../crypto/age-file.js";
import { parseVaultDoc } from "../core/vault-doc.js";
import { findIdentity } from "../identity/sources.js";
import { writeFileAtomic } from "../repo/atomic-write.js";
import { listVaults, TEAM_DIR, vaultFile } from "../repo/layout.js";
import { readTeam } from "../repo/team-store.js";
import { LIMITS, readRepoBytes } from "../repo/repo-file.js";
import { readManifest } from "../repo/vault-store.js";

export interface CompletionNames {
  key: string;
  vaults: string[];
  engineers: string[];
  pending: string[];
  /** vault/entry addresses the user can read. */
  entries: string[];
  /** False when no identity could be used without a prompt: entries are then tried again next time. */
  complete: boolean;
}

export function cacheFile(env: NodeJS.ProcessEnv, root: string): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return join(base, "mfavault", `names-${createHash("sha256").update(root).digest("hex").slice(0, 16)}.json`);
}

/** Changes whenever a vault file or a team card does: vault.age sizes and times, card names and times. */
function fingerprint(root: string, vaults: string[]): string {
  const h = createHash("sha256");
  for (const v of vaults) {
    const st = statSync(join(root, vaultFile(v)), { throwIfNoEntry: false });
    h.update(`${v} ${st?.size} ${st?.mtimeMs}\n`);
  }
  try {
    for (const f of readdirSync(join(root, TEAM_DIR)).sort()) h.update(`${f} ${statSync(join(root, TEAM_DIR, f)).mtimeMs}\n`);
  } catch {
    // no team directory: nothing to add
  }
  return h.digest("hex");
}

async function readableEntries(root: string, env: NodeJS.ProcessEnv, vaults: string[]): Promise<string[] | null> {
  const found = await findIdentity(env, undefined).catch(() => null);
  if (!found) return null;
  const identity = found.identities[0]!;
  const recipient = await recipientOf(identity);
  const entries: string[] = [];
  for (const vault of vaults) {
    try {
      if (!readManifest(root, vault).recipients.some((r) => r.recipient === recipient)) continue;
      const plain = await decryptWithIdentity(readRepoBytes(root, vaultFile(vault), LIMITS.vault), identity);
      if (plain) entries.push(...Object.keys(parseVaultDoc(plain.toString("utf8"), vault).entries).map((e) => `${vault}/${e}`));
    } catch {
      // An unreadable vault offers no entries.
    }
  }
  return entries.sort();
}

export async function completionNames(root: string, env: NodeJS.ProcessEnv): Promise<CompletionNames> {
  const vaults = listVaults(root);
  const key = fingerprint(root, vaults);
  const file = cacheFile(env, root);
  try {
    const cached = JSON.parse(readFileSync(file, "utf8")) as CompletionNames;
    if (cached.key === key && cached.complete) return cached;
  } catch {
    // no cache yet, or unreadable: rebuild
  }
  let team: ReturnType<typeof readTeam>;
  try {
    team = readTeam(root);
  } catch {
    team = new Map();
  }
  const entries = await readableEntries(root, env, vaults);
  const names: CompletionNames = {
    key,
    vaults,
    engineers: [...team.values()].filter((c) => c.status === "active").map((c) => c.name),
    pending: [...team.values()].filter((c) => c.status === "pending").map((c) => c.name),
    entries: entries ?? [],
    complete: entries !== null,
  };
  try {
    mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, JSON.stringify(names), 0o600);
  } catch {
    // A read-only cache directory only costs speed.
  }
  return names;
}
