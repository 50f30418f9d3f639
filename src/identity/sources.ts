// Where the engineer's age identity comes from. Each source is tried in order; the first that has one
// wins. Environment first (CI), then the sources a later release adds (OS keychain, protected file).
import { closeSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { badInput, notFound } from "../core/errors.js";
import { parseIdentity, parseIdentityFile, type AgeIdentity } from "../crypto/keys.js";
import { openUserFile, readBounded, USER_LIMITS } from "../repo/user-file.js";

export interface IdentitySource {
  describe: string;
  load(): AgeIdentity[] | null;
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
      // The mode is checked on the open file (not the path), so the file checked is the file read.
      const { fd, mode } = openUserFile(".", path, USER_LIMITS.secret, "identity file");
      try {
        if (process.platform !== "win32" && (mode & 0o077) !== 0) {
          throw badInput(`identity file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${path}`);
        }
        return parseIdentityFile(readBounded(fd, USER_LIMITS.secret, `identity file ${path}`).toString("utf8"));
      } finally {
        closeSync(fd);
      }
    },
  };
}

export function defaultIdentityPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "mfavault", "identity.txt");
}

export function identitySources(env: NodeJS.ProcessEnv): IdentitySource[] {
  const plain = defaultIdentityPath(env);
  return [
    identityFromEnvValue(env),
    identityFromFile(env.MFAVAULT_IDENTITY_FILE, "MFAVAULT_IDENTITY_FILE"),
    identityFromFile(existsSync(plain) ? plain : undefined, plain),
  ];
}

export function loadIdentities(env: NodeJS.ProcessEnv): AgeIdentity[] {
  for (const source of identitySources(env)) {
    const ids = source.load();
    if (ids) return ids;
  }
  throw notFound(
    "no age identity: set MFAVAULT_IDENTITY_FILE to an age-keygen file, or create one with \"mfavault identity new\"",
  );
}
