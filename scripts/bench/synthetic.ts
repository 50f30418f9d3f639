// A synthetic vault repository for benchmarks and scale tests: engineers with real age identities (files in
// age-keygen format), V vaults × E entries encrypted to their readers with signed manifests, chained and
// signed audit lines, all in one commit. Built from the src/ functions, so it is exactly what mfavault writes.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { auditFileFor, buildAuditLine, EMPTY_CHAIN, hashLine, type ChainHead } from "../../src/core/audit-line.js";
import { encodeBase32 } from "../../src/core/base32.js";
import { serializeCard, type Card } from "../../src/core/card.js";
import type { Entry } from "../../src/core/entry.js";
import { newRepoConfig, serializeRepoConfig } from "../../src/core/repo-config.js";
import type { VaultDoc } from "../../src/core/vault-doc.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity, type AgeIdentity, type SigningKey } from "../../src/crypto/keys.js";
import { cardPath, CONFIG_FILE } from "../../src/repo/layout.js";
import type { Session } from "../../src/repo/session.js";
import { vaultFiles } from "../../src/repo/vault-store.js";

export interface SyntheticOptions {
  /** Directory to create the repository in (new or empty). */
  dir: string;
  /** Engineer names, or how many (alice, bob, carol, dave, eng-4, ...). The first one writes everything. */
  engineers?: number | string[];
  /** Number of vaults (default 10). */
  vaults?: number;
  /** Entries per vault (default 25). */
  entries?: number;
  /** Readers of each vault; default every engineer. The writer is added when missing. */
  readers?: (vault: string, index: number, engineers: string[]) => string[];
  /** When true, every second vault is a scope of the one before (client-0000/prod). */
  scopes?: boolean;
  /** Existing identity files to use for some engineers (name → age-keygen file); others get new ones. */
  keyFiles?: Record<string, string>;
  /** Where new identity files go (default: `<dir>.keys`). */
  keyDir?: string;
  /** Code-read audit lines to add, spread round-robin over the engineers and over the last 12 months. */
  auditLines?: number;
  now?: Date;
  /** Environment for git (author/committer); default process.env plus a synthetic author. */
  gitEnv?: NodeJS.ProcessEnv;
}

export interface SyntheticEngineer {
  name: string;
  keyFile: string;
  recipient: string;
}

export interface SyntheticRepo {
  root: string;
  engineers: SyntheticEngineer[];
  vaults: string[];
  /** Entry addresses (vault/entry), every vault's entries. */
  entries: string[];
  /** Seeds by entry address, so a test can check codes against oathtool. */
  seeds: Map<string, string>;
}

const DEFAULT_NAMES = ["alice", "bob", "carol", "dave"];

function engineerNames(spec: number | string[] | undefined): string[] {
  if (Array.isArray(spec)) return spec;
  const n = spec ?? 4;
  return Array.from({ length: n }, (_, i) => DEFAULT_NAMES[i] ?? `eng-${i}`);
}

function newIdentity(): AgeIdentity {
  const { privateKey } = generateKeyPairSync("x25519");
  return parseIdentity(encodeX25519Identity(privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32)));
}

function loadKeyFile(path: string): AgeIdentity {
  const line = readFileSync(path, "utf8").split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-"));
  if (!line) throw new Error(`${path} holds no AGE-SECRET-KEY line`);
  return parseIdentity(line);
}

function writeFile(root: string, rel: string, content: string): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function vaultName(i: number, scopes: boolean): string {
  if (!scopes) return `client-${String(i).padStart(4, "0")}`;
  const client = `client-${String(Math.floor(i / 2)).padStart(4, "0")}`;
  return i % 2 === 0 ? client : `${client}/prod`;
}

function syntheticEntry(vault: string, i: number, created: string): Entry {
  return {
    type: "totp",
    secret: encodeBase32(randomBytes(20)),
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    issuer: `Service ${i}`,
    account: `admin@${vault.replace("/", "-")}.example`,
    notes: "",
    created,
    updated: created,
  };
}

interface Member {
  card: Card;
  identity: AgeIdentity;
  signingKey: SigningKey;
  keyFile: string;
}

export async function generateRepo(o: SyntheticOptions): Promise<SyntheticRepo> {
  const root = o.dir;
  if (existsSync(root) && readdirSync(root).length > 0) throw new Error(`${root} is not empty`);
  const now = o.now ?? new Date();
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  // Cards date from a year back, so the audit history spread over the last 12 months postdates them.
  const joined = new Date(now.getTime() - 366 * 86400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const keyDir = o.keyDir ?? `${root}.keys`;
  mkdirSync(keyDir, { recursive: true });
  mkdirSync(root, { recursive: true });

  const members: Member[] = engineerNames(o.engineers).map((name) => {
    const given = o.keyFiles?.[name];
    const identity = given ? loadKeyFile(given) : newIdentity();
    const keyFile = given ?? join(keyDir, `${name}.key`);
    if (!given) {
      writeFileSync(keyFile, `# created: ${now.toISOString()}\n# public key: ${identity.recipient}\n${identity.encoded}\n`, { mode: 0o600 });
      chmodSync(keyFile, 0o600);
    }
    const signingKey = deriveSigningKey(identity);
    const card: Card = { name, recipient: identity.recipient, signingKey: signingKey.publicKey, status: "active", created: joined };
    return { card, identity, signingKey, keyFile };
  });
  const writer = members[0]!;
  const team = new Map(members.map((m) => [m.card.name, m.card]));
  const session: Session = { root, config: newRepoConfig(), now: () => now, identity: writer.identity, signingKey: writer.signingKey, me: writer.card, team };

  writeFile(root, CONFIG_FILE, serializeRepoConfig(newRepoConfig()));
  // The same .gitattributes `mfavault init` writes.
  writeFile(root, ".gitattributes", "# vault.age files are age ciphertext: never diff or merge them as text.\n*.age binary\n");
  for (const m of members) writeFile(root, cardPath(m.card.name), serializeCard(m.card));

  const names = members.map((m) => m.card.name);
  const vaults: string[] = [];
  const entries: string[] = [];
  const seeds = new Map<string, string>();
  const scopes = o.scopes ?? false;
  for (let i = 0; i < (o.vaults ?? 10); i++) {
    const vault = vaultName(i, scopes);
    const doc: VaultDoc = { version: 1, vault, entries: {} };
    for (let e = 0; e < (o.entries ?? 25); e++) {
      const name = `svc-${String(e).padStart(2, "0")}`;
      const entry = syntheticEntry(vault, e, stamp);
      doc.entries[name] = entry;
      entries.push(`${vault}/${name}`);
      seeds.set(`${vault}/${name}`, entry.secret);
    }
    const readers = [...new Set([writer.card.name, ...(o.readers ? o.readers(vault, i, names) : names)])];
    for (const f of await vaultFiles(session, doc, readers)) writeFile(root, f.path, f.content!);
    vaults.push(vault);
  }

  writeAuditLines(root, members, vaults, o.auditLines ?? 0, now);
  const env = { ...process.env, GIT_AUTHOR_NAME: "synthetic", GIT_AUTHOR_EMAIL: "synthetic@mfavault.invalid", GIT_COMMITTER_NAME: "synthetic", GIT_COMMITTER_EMAIL: "synthetic@mfavault.invalid", ...o.gitEnv };
  const git = (args: string[]) => execFileSync("git", args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  git(["init", "--quiet", "--initial-branch=main"]);
  git(["add", "-A"]);
  git(["commit", "--quiet", "--no-verify", "-m", `synthetic: ${members.length} engineers, ${vaults.length} vaults × ${o.entries ?? 25} entries`]);
  return { root, engineers: members.map((m) => ({ name: m.card.name, keyFile: m.keyFile, recipient: m.card.recipient })), vaults, entries, seeds };
}

/** The writer's init line, then code reads spread over engineers and months, each chain valid. */
function writeAuditLines(root: string, members: Member[], vaults: string[], count: number, now: Date): void {
  const files = new Map<string, string[]>();
  const heads = new Map<string, ChainHead>(members.map((m) => [m.card.name, EMPTY_CHAIN]));
  const host = hostname();
  const append = (m: Member, when: Date, fields: { action: string; target: string }) => {
    const { text } = buildAuditLine(fields, { engineer: m.card.name, host, now: when, head: heads.get(m.card.name)! }, m.signingKey);
    heads.set(m.card.name, { seq: heads.get(m.card.name)!.seq + 1, hash: hashLine(text) });
    const path = auditFileFor(m.card.name, when);
    const lines = files.get(path) ?? [];
    lines.push(text);
    files.set(path, lines);
  };
  const start = now.getTime() - 365 * 86400_000;
  append(members[0]!, new Date(start), { action: "init", target: "" });
  for (let i = 0; i < count; i++) {
    const when = new Date(start + Math.floor(((i + 1) / (count + 1)) * (now.getTime() - start)));
    const vault = vaults[i % Math.max(1, vaults.length)] ?? "client-0000";
    append(members[i % members.length]!, when, { action: "code", target: `${vault}/svc-00` });
  }
  for (const [path, lines] of files) writeFile(root, path, `${lines.join("\n")}\n`);
}
