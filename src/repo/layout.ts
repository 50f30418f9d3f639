// Where things live in a vault repository. Every path the tool touches is built here from checked names.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isName, MAX_VAULT_DEPTH } from "../core/names.js";

export const CONFIG_FILE = "mfavault.json";
export const TEAM_DIR = "team";
export const CLIENTS_DIR = "clients";
export const AUDIT_DIR = "audit";

export const cardPath = (name: string) => `${TEAM_DIR}/${name}.json`;
export const vaultDir = (vault: string) => `${CLIENTS_DIR}/${vault}`;
export const vaultFile = (vault: string) => `${vaultDir(vault)}/vault.age`;
export const manifestFile = (vault: string) => `${vaultDir(vault)}/manifest.json`;
export const recipientsFile = (vault: string) => `${vaultDir(vault)}/recipients`;

export function vaultExists(root: string, vault: string): boolean {
  return existsSync(join(root, vaultFile(vault)));
}

/** Every vault in the repository (scopes included), sorted, found by their vault.age files; only real folders with valid names. */
export function listVaults(root: string): string[] {
  const found: string[] = [];
  const walk = (rel: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(join(root, CLIENTS_DIR, rel), { withFileTypes: true })
        // A folder whose name is no vault name (terminal escapes, look-alike letters, a link) is not a vault.
        .filter((d) => d.isDirectory() && isName(d.name))
        .map((d) => d.name);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const vault = rel ? `${rel}/${name}` : name;
      if (existsSync(join(root, vaultFile(vault)))) found.push(vault);
      if (depth < MAX_VAULT_DEPTH) walk(vault, depth + 1);
    }
  };
  walk("", 1);
  return found;
}
