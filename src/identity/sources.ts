// Where the engineer's age identity comes from. Each source is tried in order; the first that has one
// wins: MFAVAULT_IDENTITY, MFAVAULT_IDENTITY_FILE, a plain identity.txt, the OS keychain, the
// passphrase-protected identity.age. The environment and plain files are read synchronously and first, so
// `mfavault code` with a file identity never loads the keychain addon or typage.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { badInput, notFound } from "../core/errors.js";
import { parseIdentity, parseIdentityFile, type AgeIdentity } from "../crypto/keys.js";
import { readableByOthers, readPrivateFile, USER_LIMITS } from "../repo/user-file.js";
import { keychainLabel, readKeychainIdentity } from "./keychain.js";
import { readProtectedIdentity, type AskPassphrase } from "./protected-file.js";

export type { AskPassphrase } from "./protected-file.js";

export interface IdentitySource {
  /** Where it came from, for people: "MFAVAULT_IDENTITY", a path, the keychain's name. */
  describe: string;
  load(): AgeIdentity[] | null | Promise<AgeIdentity[] | null>;
}

export interface FoundIdentity {
  identities: AgeIdentity[];
  source: string;
}

export function identityFromEnvValue(env: NodeJS.ProcessEnv): IdentitySource {
  return {
    describe: "MFAVAULT_IDENTITY",
    load: () => (env.MFAVAULT_IDENTITY ? [parseIdentity(env.MFAVAULT_IDENTITY)] : null),
  };
}

export function identityFromFile(path: string | undefined, describe: string): IdentitySource {
  return {
    describe,
    load: () => {
      if (!path) return null;
      const bytes = readPrivateFile(path, USER_LIMITS.secret, "identity file", (mode) => {
        if (readableByOthers(mode)) throw badInput(`identity file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${path}`);
      });
      return parseIdentityFile(bytes.toString("utf8"));
    },
  };
}

export function configDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config"), "mfavault");
}

/** The plain identity file `identity new --out` users and earlier releases keep in the config directory. */
export function defaultIdentityPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), "identity.txt");
}

/** The passphrase-protected identity file, used where no keychain answers. */
export function protectedIdentityPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), "identity.age");
}

export function identitySources(env: NodeJS.ProcessEnv, ask?: AskPassphrase): IdentitySource[] {
  const plain = defaultIdentityPath(env);
  const protectedPath = protectedIdentityPath(env);
  return [
    identityFromEnvValue(env),
    identityFromFile(env.MFAVAULT_IDENTITY_FILE, "MFAVAULT_IDENTITY_FILE"),
    // A plain file the user chose to keep: cheap to read, so it goes before the keychain.
    identityFromFile(existsSync(plain) ? plain : undefined, plain),
    {
      describe: keychainLabel(),
      load: async () => {
        const secret = await readKeychainIdentity(env);
        return secret ? [parseIdentity(secret)] : null;
      },
    },
    {
      describe: protectedPath,
      load: () => (existsSync(protectedPath) ? readProtectedIdentity(protectedPath, env, ask) : null),
    },
  ];
}

/** The first identity any source holds, and which source it was; null when there is none at all. */
export async function findIdentity(env: NodeJS.ProcessEnv, ask?: AskPassphrase): Promise<FoundIdentity | null> {
  for (const source of identitySources(env, ask)) {
    const ids = await source.load();
    if (ids) return { identities: ids, source: source.describe };
  }
  return null;
}

export async function loadIdentities(env: NodeJS.ProcessEnv, ask?: AskPassphrase): Promise<AgeIdentity[]> {
  const found = await findIdentity(env, ask);
  if (found) return found.identities;
  throw notFound(
    'no age identity: set MFAVAULT_IDENTITY_FILE to an age-keygen file, or create one with "mfavault identity new" ' +
      "(kept in your OS keychain, else in a passphrase-protected file)",
  );
}
