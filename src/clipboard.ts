// The system clipboard: wl-clipboard on Wayland, xclip or xsel on X11, clipboardy elsewhere (macOS,
// Windows). Each backend can write, read back and clear, so a copied code can be cleared later only if
// the clipboard still holds it.
import { delimiter, join } from "node:path";
import { childEnv } from "./child-env.js";
import { failure } from "./core/errors.js";
import { importExternal } from "./load-external.js";

export interface Clipboard {
  name: string;
  write(text: string): Promise<void>;
  /** The clipboard's text, or null when it cannot be read. */
  read(): Promise<string | null>;
  clear(): Promise<void>;
}

function onPath(env: NodeJS.ProcessEnv, command: string): boolean {
  const { accessSync, constants } = process.getBuiltinModule("node:fs");
  return (env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Runs a clipboard tool. Its output streams are not piped: X11 tools fork a server that would hold them open. */
function tool(env: NodeJS.ProcessEnv, command: string, args: string[], input?: string): { ok: boolean; out: string } {
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const capture = input === undefined;
  const r = spawnSync(command, args, { env: childEnv({}, env), input, encoding: "utf8", timeout: 10_000, stdio: [input === undefined ? "ignore" : "pipe", capture ? "pipe" : "ignore", "ignore"] });
  return { ok: r.status === 0, out: capture ? (r.stdout ?? "") : "" };
}

function commandClipboard(env: NodeJS.ProcessEnv, name: string, copy: string[], paste: string[], clear: string[] | null): Clipboard {
  const [cmd, ...copyArgs] = copy;
  const [pasteCmd, ...pasteArgs] = paste;
  return {
    name,
    write: async (text) => {
      if (!tool(env, cmd!, copyArgs, text).ok) throw failure(`${cmd} could not set the clipboard`);
    },
    read: async () => {
      const r = tool(env, pasteCmd!, pasteArgs);
      return r.ok ? r.out : null;
    },
    clear: async () => {
      if (clear) tool(env, clear[0]!, clear.slice(1));
      else tool(env, cmd!, copyArgs, "");
    },
  };
}

export async function systemClipboard(env: NodeJS.ProcessEnv): Promise<Clipboard> {
  if (process.platform === "linux") {
    if (env.WAYLAND_DISPLAY && onPath(env, "wl-copy")) {
      return commandClipboard(env, "wl-clipboard", ["wl-copy"], ["wl-paste", "--no-newline"], ["wl-copy", "--clear"]);
    }
    if (env.DISPLAY && onPath(env, "xclip")) {
      return commandClipboard(env, "xclip", ["xclip", "-selection", "clipboard", "-in"], ["xclip", "-selection", "clipboard", "-out"], null);
    }
    if (env.DISPLAY && onPath(env, "xsel")) {
      return commandClipboard(env, "xsel", ["xsel", "--clipboard", "--input"], ["xsel", "--clipboard", "--output"], ["xsel", "--clipboard", "--clear"]);
    }
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY) {
      throw failure("no clipboard here: neither WAYLAND_DISPLAY nor DISPLAY is set (pipe the code instead: mfavault code acme/aws | …)");
    }
  }
  const { default: clipboardy } = await importExternal<typeof import("clipboardy")>("clipboardy");
  return {
    name: "clipboardy",
    write: (text) => clipboardy.write(text),
    read: () => clipboardy.read().catch(() => null),
    clear: () => clipboardy.write(""),
  };
}
