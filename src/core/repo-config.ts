// mfavault.json: marks the vault repository's root and holds its settings.
import { badInput } from "./errors.js";
import { parseJsonText } from "./canonical-json.js";
import { asObject, int, type Json } from "./guards.js";

export const FORMAT_VERSION = 1;

export interface RepoConfig {
  version: 1;
  /** Audit settings; the audit and policy features read their own keys from here. */
  audit: Json;
  /** Everything else in the file, kept as written so newer settings survive a rewrite. */
  extra: Json;
}

export function parseRepoConfig(text: string): RepoConfig {
  const o = asObject(parseJsonText(text, "mfavault.json"), "mfavault.json");
  const version = int(o, "version", "mfavault.json", 1, 1_000_000);
  if (version !== FORMAT_VERSION) {
    throw badInput(`mfavault.json: repository format ${version} is not supported by this mfavault (it reads format ${FORMAT_VERSION}); upgrade mfavault`);
  }
  const { audit, version: _v, ...extra } = o;
  return { version: 1, audit: audit === undefined ? {} : asObject(audit, "mfavault.json audit"), extra };
}

export function serializeRepoConfig(c: RepoConfig): string {
  return `${JSON.stringify({ version: c.version, ...c.extra, audit: c.audit }, null, 2)}\n`;
}

export function newRepoConfig(): RepoConfig {
  return { version: 1, audit: {}, extra: {} };
}
