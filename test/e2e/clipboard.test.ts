// code --copy on X11: a real X server (Xvfb, started by xvfb-run for this test) and xclip reading the
// clipboard back. The clearing runs in a detached process that outlives the command.
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsWorld, baseEnv, BIN, oathtoolTotp, SEEDS, type World } from "../helpers/world.js";

let w: World;

beforeAll(async () => {
  w = await awsWorld();
});
afterAll(() => w.cleanup());

/** Runs a shell script inside a fresh Xvfb display; returns its KEY=value lines. */
async function underXvfb(script: string): Promise<Record<string, string>> {
  const env = { ...baseEnv(w.home), MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile, BIN };
  const r = await execa("xvfb-run", ["-a", "sh", "-c", script], { env, extendEnv: false, reject: false, timeout: 60_000 });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return Object.fromEntries(String(r.stdout).split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

describe("code --copy under X11", () => {
  it("copies the code, and clears it after --clear-after seconds, after the command has exited", async () => {
    const out = await underXvfb(`
      node "$BIN" code acme/aws --json --copy --clear-after 2 > /tmp/mfv-json-$$ 2>/dev/null
      echo "json=$(tr -d '\\n' < /tmp/mfv-json-$$)"; rm -f /tmp/mfv-json-$$
      echo "copied=$(xclip -selection clipboard -o)"
      sleep 4
      echo "later=$(xclip -selection clipboard -o 2>/dev/null)"
    `);
    const json = JSON.parse(out.json!);
    expect(json).toMatchObject({ entry: "acme/aws", copied: true });
    expect(json.code).toBe(oathtoolTotp(SEEDS.aws, json.at));
    expect(out.copied).toBe(json.code);
    expect(out.later).toBe("");
  });

  it("leaves the clipboard alone when it no longer holds the code", async () => {
    const out = await underXvfb(`
      node "$BIN" code acme/aws -c --clear-after 2 > /dev/null 2>&1
      echo "copied=$(xclip -selection clipboard -o)"
      printf 'something else' | xclip -selection clipboard -in
      sleep 4
      echo "later=$(xclip -selection clipboard -o)"
    `);
    expect(out.copied).toMatch(/^\d{6}$/);
    expect(out.later).toBe("something else");
  });

  it("keeps the code with --clear-after 0 (so the clearing above was no accident), and says plainly when there is no display", async () => {
    const out = await underXvfb(`
      node "$BIN" code acme/aws -c --clear-after 0 2>/tmp/mfv-err-$$ >/dev/null
      echo "note=$(cat /tmp/mfv-err-$$)"; rm -f /tmp/mfv-err-$$
      sleep 3
      echo "copied=$(xclip -selection clipboard -o)"
    `);
    expect(out.copied).toMatch(/^\d{6}$/);
    expect(out.note).toMatch(/^copied to the clipboard \(xclip\)$/);
    const none = await w.run("alice", ["code", "acme/aws", "--copy"]);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/no clipboard here: neither WAYLAND_DISPLAY nor DISPLAY is set/);
  });
});
