// `verify` over a whole vault repository, with no key: every team card, every vault (scopes included),
// every tracked file scanned for plaintext seeds, and the audit trail. With `staged`, only what a commit
// would record: the staged files, and the vaults they touch, read from the index.
import { parseCard, type Card } from "../core/card.js";
import { parseJsonText } from "../core/canonical-json.js";
import { escapeText } from "../core/escape.js";
import type { Finding } from "../core/finding.js";
import type { CheckGroup } from "../core/finding-report.js";
import { checkVaultPath } from "../core/names.js";
import { seedFinding } from "../core/seed-scan.js";
import { VAULT_CHECKS, verifyVault, type VaultCheck } from "../core/verify-vault.js";
import { auditTrailCheck } from "./verify-audit.js";
import { readIndexFiles, stagedChanges, trackedPaths } from "./index-files.js";
import { LIMITS } from "./repo-file.js";
import { indexFiles, walkFiles, workTreeFiles, type FileSource } from "./verify-files.js";
import { AUDIT_DIR, CLIENTS_DIR, listVaults, manifestFile, recipientsFile, TEAM_DIR, vaultFile } from "./layout.js";

export interface VerifySummary {
  ok: boolean;
  findings: number;
  vaults: number;
  teamCards: number;
  filesScanned: number;
  /** "verified", or why the audit trail was not checked in this run. */
  auditTrail: string;
  staged: boolean;
}

export interface VerifyResult {
  findings: Finding[];
  summary: VerifySummary;
  groups: CheckGroup[];
}

const MAX_SCAN_BYTES = 64 << 20;
const CARD_FILE = /^team\/([^/]+)\.json$/;
/** Any of a vault's three files: a manifest or recipients file left without its vault.age is a finding too. */
const VAULT_FILE = /^clients\/(.+)\/(?:vault\.age|manifest\.json|recipients)$/;

/** The vaults the given paths belong to, sorted, without duplicates. */
function vaultsOf(paths: string[]): string[] {
  return [...new Set(paths.map(vaultOf).filter((v): v is string => v !== null))].sort();
}

function vaultOf(path: string): string | null {
  const m = VAULT_FILE.exec(path);
  if (!m) return null;
  try {
    return checkVaultPath(m[1]!);
  } catch {
    return null;
  }
}

function readTeamCards(files: string[], src: FileSource, findings: Finding[]): Map<string, Card> {
  const team = new Map<string, Card>();
  const byRecipient = new Map<string, string>();
  for (const file of files) {
    try {
      const text = src.read(file, LIMITS.card);
      if (text === null) continue;
      const card = parseCard(parseJsonText(text.toString("utf8"), file), file);
      const expected = CARD_FILE.exec(file)![1]!;
      if (card.name !== expected) throw new Error(`holds the card of "${escapeText(card.name)}": the file name and the name inside must match`);
      const twin = byRecipient.get(card.recipient);
      if (twin) findings.push({ file, check: "team-card", message: `has the same age recipient as team/${twin}.json: one key, two names` });
      byRecipient.set(card.recipient, card.name);
      team.set(card.name, card);
    } catch (e) {
      findings.push({ file, check: "team-card", message: escapeText((e as Error).message) });
    }
  }
  return team;
}

interface Plan {
  src: FileSource;
  teamFiles: string[];
  vaults: string[];
  scan: string[];
  /** Why the audit trail is skipped, or null to check it. */
  skipAudit: string | null;
}

function workTreePlan(root: string): Plan {
  const tracked = trackedPaths(root) ?? walkFiles(root);
  const vaults = [...new Set([...listVaults(root), ...vaultsOf(tracked)])].sort();
  return { src: workTreeFiles(root), teamFiles: tracked.filter((p) => CARD_FILE.test(p)), vaults, scan: tracked, skipAudit: null };
}

function stagedPlan(root: string): Plan {
  const indexed = trackedPaths(root) ?? [];
  const inIndex = new Set(indexed);
  const staged = stagedChanges(root);
  const teamFiles = indexed.filter((p) => CARD_FILE.test(p));
  const allVaults = vaultsOf(indexed);
  const teamChanged = staged.some((p) => p.startsWith(`${TEAM_DIR}/`));
  const touched = new Set(staged.map((p) => (p.startsWith(`${CLIENTS_DIR}/`) ? p.slice(CLIENTS_DIR.length + 1, p.lastIndexOf("/")) : "")));
  const vaults = teamChanged ? allVaults : allVaults.filter((v) => touched.has(v));
  const scan = staged.filter((p) => inIndex.has(p));
  const needed = [...teamFiles, ...scan, ...vaults.flatMap((v) => [recipientsFile(v), manifestFile(v), vaultFile(v)])];
  const auditStaged = teamChanged || staged.some((p) => p.startsWith(`${AUDIT_DIR}/`));
  return { src: indexFiles(readIndexFiles(root, [...new Set(needed)])), teamFiles, vaults, scan, skipAudit: auditStaged ? null : "no audit file or team card staged" };
}

/** The repository-wide test cases: the audit trail's own checks when it found something, else one for it. */
function repoChecks(auditRan: boolean, auditFindings: Finding[]): string[] {
  const audit = auditFindings.length > 0 ? [...new Set(auditFindings.map((f) => f.check))] : auditRan ? ["audit-trail"] : [];
  return ["team-card", "plaintext-seed", ...audit];
}

export function verifyRepo(root: string, opts: { staged: boolean }): VerifyResult {
  const plan = opts.staged ? stagedPlan(root) : workTreePlan(root);
  const findings: Finding[] = [];
  const team = readTeamCards(plan.teamFiles, plan.src, findings);
  // Each vault.age is read once: the scan below reuses the bytes the vault checks read.
  const seen = new Map<string, Buffer>();
  const vaultFindings: Finding[] = [];
  for (const vault of plan.vaults) {
    const paths = { recipients: recipientsFile(vault), manifest: manifestFile(vault), vaultAge: vaultFile(vault) };
    let unreadable = false;
    const read = (path: string, limit: number, check: VaultCheck): Buffer | null => {
      try {
        return plan.src.read(path, limit);
      } catch (e) {
        vaultFindings.push({ vault, file: path, check, message: escapeText((e as Error).message) });
        unreadable = true;
        return null;
      }
    };
    const vaultAge = read(paths.vaultAge, LIMITS.vault, "age-header");
    const manifest = read(paths.manifest, LIMITS.manifest, "manifest-file");
    const recipients = read(paths.recipients, LIMITS.recipients, "recipients-file");
    if (unreadable) continue;
    if (vaultAge) seen.set(paths.vaultAge, vaultAge);
    vaultFindings.push(...verifyVault({ vault, paths, recipients: recipients?.toString("utf8") ?? null, manifest: manifest?.toString("utf8") ?? null, vaultAge }, team));
  }
  const seedFindings: Finding[] = [];
  for (const path of plan.scan) {
    const content = seen.get(path) ?? plan.src.head(path, MAX_SCAN_BYTES);
    const f = content && seedFinding(path, content);
    if (f) seedFindings.push(f);
  }
  const audit = plan.skipAudit ? { findings: [], status: plan.skipAudit } : auditTrailCheck(root, team);
  findings.push(...vaultFindings, ...seedFindings, ...audit.findings);
  const groups: CheckGroup[] = [
    { checks: repoChecks(audit.status === "verified", audit.findings) },
    ...plan.vaults.map((vault) => ({ vault, checks: VAULT_CHECKS })),
  ];
  return {
    findings,
    groups,
    summary: {
      ok: findings.length === 0,
      findings: findings.length,
      vaults: plan.vaults.length,
      teamCards: team.size,
      filesScanned: plan.scan.length,
      auditTrail: audit.status,
      staged: opts.staged,
    },
  };
}
