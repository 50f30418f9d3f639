// The committer identity, read the way git reads it for the common case: environment first, then
// user.name/user.email from the system, global and repository config files. Anything this reader does not
// model (includes, command-line config, author./committer. sections) returns null: the caller uses git.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface GitIdent {
  name: string;
  email: string;
}

/** Parses one config file's [user] name/email; null when the file uses what we do not model. */
function readUserSection(text: string, into: Partial<GitIdent>): boolean {
  let section = "";
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[")) {
      const m = /^\[\s*([A-Za-z0-9.-]+)\s*(?:"[^"]*")?\s*\]/.exec(line);
      if (!m) return false;
      section = line.includes('"') ? `${m[1]!.toLowerCase()} sub` : m[1]!.toLowerCase();
      if (section === "include" || section.startsWith("includeif") || section === "author" || section === "committer") return false;
      continue;
    }
    if (line.endsWith("\\")) return false;
    if (section !== "user") continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    if (key !== "name" && key !== "email") continue;
    let value = "";
    let quoted = false;
    for (let i = eq + 1; i < line.length; i++) {
      const c = line[i]!;
      if (c === '"') quoted = !quoted;
      else if (c === "\\" && i + 1 < line.length) value += { n: "\n", t: "\t", b: "\b" }[line[++i]!] ?? line[i];
      else if ((c === "#" || c === ";") && !quoted) break;
      else value += c;
    }
    into[key] = value.trim();
  }
  return true;
}

export function committerIdent(root: string, env: NodeJS.ProcessEnv): { author: GitIdent; committer: GitIdent } | null {
  if (env.GIT_CONFIG_PARAMETERS || env.GIT_CONFIG_COUNT || env.GIT_AUTHOR_DATE || env.GIT_COMMITTER_DATE) return null;
  const home = env.HOME || homedir();
  const files = [
    ...(env.GIT_CONFIG_NOSYSTEM ? [] : [env.GIT_CONFIG_SYSTEM || "/etc/gitconfig"]),
    ...(env.GIT_CONFIG_GLOBAL ? [env.GIT_CONFIG_GLOBAL] : [join(env.XDG_CONFIG_HOME || join(home, ".config"), "git", "config"), join(home, ".gitconfig")]),
    join(root, ".git", "config"),
  ];
  const user: Partial<GitIdent> = {};
  for (const f of files) {
    if (!existsSync(f)) continue;
    if (!readUserSection(readFileSync(f, "utf8"), user)) return null;
  }
  const pick = (kind: "AUTHOR" | "COMMITTER"): GitIdent | null => {
    const name = env[`GIT_${kind}_NAME`] ?? user.name;
    const email = env[`GIT_${kind}_EMAIL`] ?? user.email ?? env.EMAIL;
    if (!name || !email || /[<>\n]/.test(name + email)) return null;
    return { name, email };
  };
  const author = pick("AUTHOR");
  const committer = pick("COMMITTER");
  return author && committer ? { author, committer } : null;
}

export function formatIdent(id: GitIdent, when: Date): string {
  const offset = -when.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const tz = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
  return `${id.name} <${id.email}> ${Math.floor(when.getTime() / 1000)} ${tz}`;
}
