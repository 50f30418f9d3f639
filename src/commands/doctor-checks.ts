// The checks `mfavault doctor` runs, one function each. A check reports; it never changes anything
// (the fixes live in doctor.ts) and never throws: a broken repository is what it is there to describe.
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { isMfaError } from "../core/errors.js";
import { FORMAT_VERSION, parseRepoConfig, type RepoConfig } from "../core/repo-config.js";
import { recipientOf } from "../crypto/age-file.js";
import { deriveSigningKey, type AgeIdentity } from "../crypto/keys.js";
import { keychainStatus } from "../identity/keychain.js";
import { findIdentity, type AskPassphrase } from "../identity/sources.js";
import { runGit } from "../repo/git.js";
import { AUDIT_DIR, CONFIG_FILE, listVaults } from "../repo/layout.js";
import { driverScript, missingAttributes, registeredDriver } from "../repo/merge-driver-config.js";
import { readTeam } from "../repo/team-store.js";
import { LIMITS, readRepoBytes, readRepoText } from "../repo/repo-file.js";
import { readManifest } from "../repo/vault-store.js";
import { decryptWithIdentity } from "../crypto/age-file.js";
import { vaultFile } from "../repo/layout.js";
import { parseSyslogTarget } from "../core/syslog-message.js";
import { syslogReachable } from "./doctor-syslog.js";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface Check {
  check: string;
  status: CheckStatus;
  message: string;
  /** What to do about it, when it is not ok. */
  fix?: string;
}

/** What the checks learn and share: later checks need the identity and the acting engineer. */
export interface DoctorState {
  root: string | null;
  config: RepoConfig | null;
  identity: AgeIdentity | null;
  identitySource: string | null;
  me: string | null;
}

const reason = (e: unknown) => (isMfaError(e) ? e.message : String((e as Error)?.message ?? e)).split("\n")[0]!;

export function checkGit(root: string | null): Check {
  const version = runGit(root ?? ".", ["--version"]);
  if (version.status !== 0) return { check: "git", status: "fail", message: "git does not run", fix: "install git" };
  const ident = runGit(root ?? ".", ["var", "GIT_COMMITTER_IDENT"]);
  if (ident.status !== 0) {
    return { check: "git", status: "fail", message: `${version.stdout.trim()}, but it does not know who you are`, fix: 'git config --global user.name "Your Name"; git config --global user.email you@example.com' };
  }
  return { check: "git", status: "ok", message: `${version.stdout.trim()}, committing as ${ident.stdout.replace(/ \d+ [+-]\d{4}\s*$/, "")}` };
}

export function checkRepo(root: string | null, state: DoctorState, rootError: string | null): Check {
  if (!root) return { check: "repository", status: "fail", message: rootError ?? "no vault repository here", fix: 'pass --vault DIR, set MFAVAULT_DIR, or cd into the vault repository' };
  try {
    state.config = parseRepoConfig(readRepoText(root, CONFIG_FILE, LIMITS.config));
    return { check: "repository", status: "ok", message: `${root} (format ${FORMAT_VERSION})` };
  } catch (e) {
    return { check: "repository", status: "fail", message: reason(e), fix: "upgrade mfavault, or restore mfavault.json from git" };
  }
}

export async function checkIdentity(state: DoctorState, env: NodeJS.ProcessEnv, ask: AskPassphrase | undefined): Promise<Check> {
  let found;
  try {
    found = await findIdentity(env, ask);
  } catch (e) {
    return { check: "identity", status: "fail", message: reason(e), fix: reason(e).includes("chmod") ? "mfavault doctor --fix tightens the file's mode" : undefined };
  }
  if (!found) return { check: "identity", status: "fail", message: "no age identity found", fix: 'mfavault identity new (or mfavault join --name <you> in a clone of the team repository)' };
  state.identity = found.identities[0]!;
  state.identitySource = found.source;
  if (!state.root) return { check: "identity", status: "ok", message: `found in ${found.source}` };
  const recipient = await recipientOf(state.identity);
  let team;
  try {
    team = readTeam(state.root);
  } catch (e) {
    return { check: "identity", status: "fail", message: `found in ${found.source}, but team/ cannot be read: ${reason(e)}` };
  }
  const card = [...team.values()].find((c) => c.recipient === recipient);
  if (!card) return { check: "identity", status: "fail", message: `found in ${found.source}, but it matches no card in team/ (${recipient.slice(0, 20)}…)`, fix: "mfavault join --name <you>, then ask a team member to run mfavault team add <you>" };
  if (card.signingKey !== deriveSigningKey(state.identity).publicKey) {
    return { check: "identity", status: "fail", message: `team/${card.name}.json has a signing key not derived from this identity` };
  }
  if (card.status !== "active") {
    return { check: "identity", status: "fail", message: `found in ${found.source}: you are ${card.name}, whose card is ${card.status}`, fix: `an active team member runs: mfavault team add ${card.name}` };
  }
  state.me = card.name;
  return { check: "identity", status: "ok", message: `${card.name} (active), from ${found.source}` };
}

export function checkKeychain(env: NodeJS.ProcessEnv, state: DoctorState): Check {
  const k = keychainStatus(env);
  if (k.usable) return { check: "keychain", status: "ok", message: `${k.backend} answers` };
  const where = state.identitySource ? `; your identity comes from ${state.identitySource}` : "";
  return { check: "keychain", status: "warn", message: `${k.backend} not reachable: ${k.reason}${where}`, fix: "start or unlock your keyring (gnome-keyring, KeePassXC), or keep the passphrase-protected file" };
}

export function checkMergeDriver(root: string | null): Check {
  if (!root) return { check: "merge driver", status: "skip", message: "no repository" };
  const command = registeredDriver(root);
  const missing = missingAttributes(root);
  const script = command ? driverScript(command) : null;
  if (!command) return { check: "merge driver", status: "fail", message: "not registered in .git/config: vault files would not merge entry by entry", fix: "mfavault doctor --fix" };
  if (script && !existsSync(script)) return { check: "merge driver", status: "fail", message: `registered, but ${script} no longer exists`, fix: "mfavault doctor --fix" };
  if (missing.length > 0) return { check: "merge driver", status: "fail", message: `.gitattributes does not declare: ${missing.join("; ")}`, fix: "mfavault doctor --fix (commits the declaration)" };
  return { check: "merge driver", status: "ok", message: "registered in .git/config and declared in .gitattributes" };
}

export async function checkVaults(state: DoctorState): Promise<Check> {
  if (!state.root || !state.identity || !state.me) return { check: "vaults", status: "skip", message: "needs a repository and an active identity" };
  const vaults = listVaults(state.root);
  const mine: string[] = [];
  const broken: string[] = [];
  for (const vault of vaults) {
    try {
      if (!readManifest(state.root, vault).recipients.some((r) => r.name === state.me)) continue;
      mine.push(vault);
      if (!(await decryptWithIdentity(readRepoBytes(state.root, vaultFile(vault), LIMITS.vault), state.identity))) broken.push(`${vault} (not encrypted to you)`);
    } catch (e) {
      broken.push(`${vault} (${reason(e)})`);
    }
  }
  if (broken.length > 0) return { check: "vaults", status: "fail", message: `cannot open ${broken.join(", ")}`, fix: "run mfavault verify; ask a reader to rekey or restore the vault" };
  return { check: "vaults", status: "ok", message: `you can read ${mine.length} of ${vaults.length} vault${vaults.length === 1 ? "" : "s"}${mine.length ? `: ${mine.slice(0, 8).join(", ")}${mine.length > 8 ? ", …" : ""}` : ""}` };
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function checkAudit(state: DoctorState): Check {
  if (!state.root || !state.me) return { check: "audit", status: "skip", message: "needs a repository and an active identity" };
  const mine = join(state.root, AUDIT_DIR, state.me);
  let target = mine;
  while (!existsSync(target)) target = join(target, "..");
  const st = statSync(target);
  if (!st.isDirectory() || !writable(target)) {
    return { check: "audit", status: "fail", message: `cannot write audit lines under ${mine}: ${st.isDirectory() ? "not writable" : `${target} is not a directory`} — no audit line, no code`, fix: `make ${mine} a writable directory` };
  }
  return { check: "audit", status: "ok", message: `${AUDIT_DIR}/${state.me}/ is writable` };
}

export async function checkSyslog(state: DoctorState): Promise<Check> {
  let target;
  try {
    target = parseSyslogTarget(state.config?.audit ?? {});
  } catch (e) {
    return { check: "syslog", status: "fail", message: reason(e), fix: 'set audit.syslog to "udp://host:port", "tcp://host:port" or "tls://host:port"' };
  }
  if (!target) return { check: "syslog", status: "skip", message: "no syslog forwarding configured in mfavault.json" };
  const url = `${target.transport}://${target.host}:${target.port}`;
  const problem = await syslogReachable(target);
  if (problem) return { check: "syslog", status: "fail", message: `${url}: ${problem}`, fix: "check the syslog host, port and firewall, or the audit.syslog setting in mfavault.json" };
  return { check: "syslog", status: "ok", message: `${url} ${target.transport === "udp" ? "did not refuse (UDP cannot confirm delivery)" : "answers"}` };
}
