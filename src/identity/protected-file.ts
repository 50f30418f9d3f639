// The passphrase-protected identity file (identity.age under the XDG config directory): the identity in an
// age file encrypted with a passphrase (scrypt), for machines with no keychain. `age -d` opens it too.
// typage does the scrypt work; it is loaded only when such a file is read or written.
import { noAccess, usageError } from "../core/errors.js";
import { parseIdentityFile, type AgeIdentity } from "../crypto/keys.js";
import { armor, readAgeFile } from "../crypto/age-header.js";
import { readableByOthers, readPrivateFile, USER_LIMITS } from "../repo/user-file.js";
import { importExternal } from "../load-external.js";
import { writeNewIdentityFile } from "./new-identity-file.js";

/** Asks for a passphrase on the terminal; absent when there is no terminal to ask on. */
export type AskPassphrase = (message: string) => Promise<string>;

/** The bytes of a file only its owner may read; refused (unread) when group or others can. */
function readOwnersFile(path: string, what: string): Buffer {
  return readPrivateFile(path, USER_LIMITS.secret, what, (mode) => {
    if (readableByOthers(mode)) throw noAccess(`${what} ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${path}`);
  });
}

/** MFAVAULT_PASSPHRASE_FILE: the passphrase for scripts, its first line, from a file only the user can read. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv): string | null {
  const path = env.MFAVAULT_PASSPHRASE_FILE;
  if (!path) return null;
  try {
    return readOwnersFile(path, "passphrase file").toString("utf8").split(/\r?\n/)[0]!;
  } catch (e) {
    if ((e as { kind?: string }).kind === "notFound") throw usageError(`MFAVAULT_PASSPHRASE_FILE names ${path}, which does not exist`);
    throw e;
  }
}

export async function writeProtectedIdentity(path: string, identityFileText: string, passphrase: string): Promise<void> {
  if (passphrase === "") throw usageError("an empty passphrase protects nothing: choose one");
  const { Encrypter } = await importExternal<typeof import("age-encryption")>("age-encryption");
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  writeNewIdentityFile(path, armor(await e.encrypt(identityFileText)));
}

/** The plaintext, or null when the passphrase is wrong. */
async function decryptWithPassphrase(raw: Buffer, passphrase: string): Promise<string | null> {
  const { Decrypter } = await importExternal<typeof import("age-encryption")>("age-encryption");
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  try {
    return await d.decrypt(raw, "text");
  } catch (e) {
    const message = String((e as Error).message);
    if (/no identity matched/i.test(message)) return null;
    throw noAccess(`the protected identity file could not be opened: ${message.slice(0, 200)}`);
  }
}

const opened = new Map<string, AgeIdentity[]>();

/**
 * Decrypts the protected file: passphrase from MFAVAULT_PASSPHRASE_FILE, else asked once on the terminal.
 * Opened once per process, so a command never asks twice.
 */
export async function readProtectedIdentity(path: string, env: NodeJS.ProcessEnv, ask: AskPassphrase | undefined): Promise<AgeIdentity[]> {
  const cached = opened.get(path);
  if (cached) return cached;
  const raw = readAgeFile(readOwnersFile(path, "identity file"));
  const fromEnv = passphraseFromEnv(env);
  if (fromEnv === null && !ask) {
    throw usageError(
      `your identity is in the passphrase-protected ${path} and there is no terminal to ask for the passphrase on: ` +
        "set MFAVAULT_PASSPHRASE_FILE to a file holding it, or MFAVAULT_IDENTITY / MFAVAULT_IDENTITY_FILE for scripts",
    );
  }
  let text: string | null = null;
  // On a terminal a typo gets two more tries; a passphrase file gets one.
  for (let attempt = 1; text === null; attempt++) {
    const passphrase = fromEnv ?? (await ask!(`${attempt > 1 ? "Wrong passphrase. " : ""}Passphrase for ${path}`));
    text = await decryptWithPassphrase(raw, passphrase);
    if (text === null && (fromEnv !== null || attempt >= 3)) {
      throw noAccess(`wrong passphrase for ${path}${fromEnv !== null ? " (from MFAVAULT_PASSPHRASE_FILE)" : ""}`);
    }
  }
  const ids = parseIdentityFile(text!);
  opened.set(path, ids);
  return ids;
}
