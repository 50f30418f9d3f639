// A real Secret Service for a test: gnome-keyring-daemon inside a private dbus-run-session, unlocked with a
// known password (see test/fixtures/keyring-session.sh). Stopped by closing its stdin.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

const LAUNCHER = resolve(import.meta.dirname, "../fixtures/keyring-session.sh");

export interface KeyringSession {
  /** DBUS_SESSION_BUS_ADDRESS of the private bus. */
  bus: string;
  stop(): Promise<void>;
}

export function startKeyring(home: string): Promise<KeyringSession> {
  const child = spawn(LAUNCHER, [], { env: { PATH: process.env.PATH, HOME: home, LANG: "C.UTF-8" }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const exited = new Promise<void>((done) => child.on("exit", () => done()));
  const stop = async () => {
    child.stdin.end();
    await exited;
  };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`the keyring session did not start in 20 s: ${err}`));
    }, 20_000);
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /bus=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ bus: m[1]!, stop });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`the keyring session exited (${code}) before it answered: ${err}`));
    });
  });
}
