// What a per-file merge driver cannot see: the other files of the same vault at the three sides of the
// merge. Git hands the driver one file; its siblings are found in history by the link the manifest
// records (the SHA-256 of the vault.age it was signed with). Also the scratch space where the first driver
// of a vault leaves the merged pair for the second, so a merge encrypts once and both files agree.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { childEnv } from "../child-env.js";
import { parseJsonText } from "../core/canonical-json.js";
import { parseManifest, type Manifest } from "../core/manifest.js";
import { writeFileAtomic } from "./atomic-write.js";
import { gitDir, runGit } from "./git.js";
import { manifestFile, vaultFile } from "./layout.js";
import { LIMITS, readRepoBytes } from "./repo-file.js";

/** Heads a merge or rebase in progress may need beyond the refs --all already covers. */
const EXTRA_HEADS = ["HEAD", "MERGE_HEAD", "REBASE_HEAD", "CHERRY_PICK_HEAD", "ORIG_HEAD", "FETCH_HEAD"];

/** Every distinct blob that `path` has held in any commit reachable from a ref or a merge head. */
function blobsInHistory(root: string, path: string): string[] {
  const heads = EXTRA_HEADS.filter((h) => existsSync(join(gitDir(root), h)));
  const log = runGit(root, ["log", "--all", ...heads, "-m", "--format=", "--raw", "--no-abbrev", "--", path]);
  if (log.status !== 0) return [];
  const blobs = new Set<string>();
  for (const line of log.stdout.split("\n")) {
    const m = /^:\d+ \d+ ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) /.exec(line);
    if (!m) continue;
    for (const b of [m[1]!, m[2]!]) if (!/^0+$/.test(b)) blobs.add(b);
  }
  return [...blobs];
}

function readBlobs(root: string, blobs: string[]): Buffer[] {
  if (blobs.length === 0) return [];
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const r = spawnSync("git", ["cat-file", "--batch"], { cwd: root, input: `${blobs.join("\n")}\n`, maxBuffer: 1 << 30, env: childEnv() });
  const out: Buffer[] = [];
  const buf = r.stdout as Buffer;
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    const header = buf.subarray(pos, nl).toString("latin1").split(" ");
    pos = nl + 1;
    if (header[1] === "missing") continue;
    const size = Number(header[2]);
    out.push(buf.subarray(pos, pos + size));
    pos += size + 1;
  }
  return out;
}

function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function tryManifest(data: Buffer, path: string): Manifest | null {
  try {
    return parseManifest(parseJsonText(data.toString("utf8"), path), path);
  } catch {
    return null;
  }
}

/** The manifest that was signed for the vault.age with this SHA-256: the working tree's, else history's. */
export function findManifestFor(root: string, vault: string, vaultSha: string): Manifest | null {
  const path = manifestFile(vault);
  if (existsSync(join(root, path))) {
    const m = tryManifest(readRepoBytes(root, path, LIMITS.manifest), path);
    if (m && m.sha256 === vaultSha) return m;
  }
  for (const data of readBlobs(root, blobsInHistory(root, path))) {
    const m = tryManifest(data, path);
    if (m && m.sha256 === vaultSha) return m;
  }
  return null;
}

/** The vault.age whose SHA-256 a manifest names: the working tree's, else history's. */
export function findVaultFor(root: string, vault: string, vaultSha: string): Buffer | null {
  const path = vaultFile(vault);
  if (existsSync(join(root, path))) {
    const data = readRepoBytes(root, path, LIMITS.vault);
    if (sha256(data) === vaultSha) return data;
  }
  for (const data of readBlobs(root, blobsInHistory(root, path))) if (sha256(data) === vaultSha) return data;
  return null;
}

export interface MergedPair {
  vaultAge: string;
  manifest: string;
  /** Entry names the merge marked as conflicts (both seeds kept). */
  conflicts: string[];
}

const STASH_TTL_MS = 24 * 3600 * 1000;
const stashDir = (root: string) => join(gitDir(root), "mfavault-merge");

export function stashKey(vault: string, shas: (string | null)[]): string {
  return sha256(`${vault}\n${shas.map((s) => s ?? "none").join("\n")}`);
}

export function readStash(root: string, key: string): MergedPair | null {
  try {
    return JSON.parse(readFileSync(join(stashDir(root), `${key}.json`), "utf8")) as MergedPair;
  } catch {
    return null;
  }
}

/** Keeps the merged pair for the sibling driver; old pairs (ciphertext only) are swept after a day. */
export function writeStash(root: string, key: string, pair: MergedPair): void {
  const dir = stashDir(root);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (Date.now() - statSync(p).mtimeMs > STASH_TTL_MS) rmSync(p, { force: true });
  }
  writeFileAtomic(join(dir, `${key}.json`), JSON.stringify(pair), 0o600);
}

export function vaultAgeSha(data: Uint8Array | string): string {
  return sha256(data);
}

/** True while git is replaying commits (rebase), when "ours" is the upstream side. */
export function rebaseInProgress(root: string): boolean {
  return existsSync(join(gitDir(root), "rebase-merge")) || existsSync(join(gitDir(root), "rebase-apply"));
}
