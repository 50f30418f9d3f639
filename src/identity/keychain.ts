// The OS keychain as an identity store, through @napi-rs/keyring (Secret Service on Linux, Keychain on
// macOS, Credential Manager on Windows). The native addon is loaded only when the keychain is used.
import { childEnv } from "../child-env.js";
import { failure } from "../core/errors.js";
import { importExternal } from "../load-external.js";

const SERVICE = "mfavault";
const ACCOUNT = "age-identity";
/** A locked keychain may show an unlock dialog: give the user time, but never hang a script forever. */
const READ_TIMEOUT_MS = 60_000;

export interface KeychainStatus {
  usable: boolean;
  /** What answers (or would): "Secret Service", "macOS Keychain", "Windows Credential Manager". */
  backend: string;
  /** Why it is not usable, for doctor and for the note of `identity new`. */
  reason?: string;
}

type Keyring = typeof import("@napi-rs/keyring");

let keyring: Keyring | null = null;
async function loadKeyring(): Promise<Keyring> {
  keyring ??= await importExternal<typeof import("@napi-rs/keyring")>("@napi-rs/keyring");
  return keyring;
}

export function keychainDisabled(env: NodeJS.ProcessEnv): boolean {
  return ["0", "off", "no", "false"].includes((env.MFAVAULT_KEYCHAIN ?? "").toLowerCase());
}

function backendName(): string {
  if (process.platform === "darwin") return "macOS Keychain";
  if (process.platform === "win32") return "Windows Credential Manager";
  return "Secret Service";
}

/** Linux: the session bus address, from the environment or systemd's per-user socket. */
function sessionBus(env: NodeJS.ProcessEnv): string | null {
  if (env.DBUS_SESSION_BUS_ADDRESS) return env.DBUS_SESSION_BUS_ADDRESS;
  const { existsSync } = process.getBuiltinModule("node:fs");
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime && existsSync(`${runtime}/bus`) ? `unix:path=${runtime}/bus` : null;
}

/**
 * Linux: whether a Secret Service provider owns (or can be started for) org.freedesktop.secrets.
 * The keyring addon silently falls back to the kernel keyring when there is none, and kernel keys do
 * not survive a reboot: an identity stored there would be lost, so we never count that as a keychain.
 */
function secretServiceOnBus(env: NodeJS.ProcessEnv, bus: string): boolean | null {
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const call = (method: string, ...args: string[]) =>
    spawnSync("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", `org.freedesktop.DBus.${method}`, ...args], {
      encoding: "utf8",
      env: childEnv({ DBUS_SESSION_BUS_ADDRESS: bus }, env),
      timeout: 5000,
    });
  const owner = call("NameHasOwner", "string:org.freedesktop.secrets");
  if (owner.error) return null;
  if (/boolean true/.test(owner.stdout)) return true;
  return /"org\.freedesktop\.secrets"/.test(call("ListActivatableNames").stdout ?? "");
}

/** Whether a keychain answers here. Cheap on macOS/Windows (assumed present); one D-Bus query on Linux. */
export function keychainStatus(env: NodeJS.ProcessEnv): KeychainStatus {
  const backend = backendName();
  if (keychainDisabled(env)) return { usable: false, backend, reason: "disabled by MFAVAULT_KEYCHAIN" };
  if (process.platform === "darwin" || process.platform === "win32") return { usable: true, backend };
  const bus = sessionBus(env);
  if (!bus) return { usable: false, backend, reason: "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)" };
  const present = secretServiceOnBus(env, bus);
  if (present === null) return { usable: false, backend, reason: "dbus-send is not installed, so the Secret Service cannot be checked" };
  if (!present) return { usable: false, backend, reason: "no Secret Service provider (gnome-keyring, KeePassXC, KWallet) on the session bus" };
  return { usable: true, backend };
}

/** The addon connects with libdbus, which reads the process environment: hand it the bus we found. */
function exportBus(env: NodeJS.ProcessEnv): void {
  const bus = process.platform === "linux" ? sessionBus(env) : null;
  if (bus && !process.env.DBUS_SESSION_BUS_ADDRESS) process.env.DBUS_SESSION_BUS_ADDRESS = bus;
}

/** The identity string stored in the keychain, or null (none stored, or no keychain to ask). */
export async function readKeychainIdentity(env: NodeJS.ProcessEnv): Promise<string | null> {
  if (keychainDisabled(env)) return null;
  // Without a session bus there is no Secret Service, and we never write to the kernel keyring.
  if (process.platform === "linux" && !sessionBus(env)) return null;
  const { AsyncEntry } = await loadKeyring();
  try {
    exportBus(env);
    const value = await new AsyncEntry(SERVICE, ACCOUNT).getPassword(AbortSignal.timeout(READ_TIMEOUT_MS));
    return value || null;
  } catch (e) {
    throw failure(`the ${backendName()} did not answer (${firstLine(e)}): unlock it, or set MFAVAULT_KEYCHAIN=0 to skip it`);
  }
}

export async function storeKeychainIdentity(env: NodeJS.ProcessEnv, secret: string): Promise<void> {
  const { AsyncEntry } = await loadKeyring();
  try {
    exportBus(env);
    await new AsyncEntry(SERVICE, ACCOUNT).setPassword(secret, AbortSignal.timeout(READ_TIMEOUT_MS));
  } catch (e) {
    throw failure(`could not store the identity in the ${backendName()} (${firstLine(e)}): unlock it, or use --no-keychain for a passphrase-protected file`);
  }
  // Read it back: an identity that only seems stored is an identity lost.
  if ((await readKeychainIdentity(env)) !== secret) throw failure(`the ${backendName()} did not keep the identity: nothing was stored`);
}

export function keychainLabel(): string {
  return `${backendName()} (service "${SERVICE}", account "${ACCOUNT}")`;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0]!.slice(0, 200);
}
