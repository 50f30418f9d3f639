import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { committerIdent, formatIdent } from "../../src/repo/git-config.js";

function repoWithConfig(global: string, local = ""): { root: string; env: NodeJS.ProcessEnv } {
  const home = mkdtempSync(join(tmpdir(), "mfavault-gitcfg-"));
  mkdirSync(join(home, "repo/.git"), { recursive: true });
  writeFileSync(join(home, ".gitconfig"), global);
  writeFileSync(join(home, "repo/.git/config"), local);
  return { root: join(home, "repo"), env: { HOME: home, GIT_CONFIG_NOSYSTEM: "1" } };
}

describe("the committer identity, as git reads it", () => {
  it("reads [user] name and email, the repository overriding the global file", () => {
    const { root, env } = repoWithConfig('[user]\n\tname = "Alice A." ; comment\n\temail = alice@example.com\n', "[user]\n\temail = ops@example.com\n");
    expect(committerIdent(root, env)).toEqual({ author: { name: "Alice A.", email: "ops@example.com" }, committer: { name: "Alice A.", email: "ops@example.com" } });
  });
  it("lets GIT_AUTHOR_* and GIT_COMMITTER_* win", () => {
    const { root, env } = repoWithConfig("[user]\nname = A\nemail = a@x\n");
    expect(committerIdent(root, { ...env, GIT_COMMITTER_NAME: "Bot", GIT_COMMITTER_EMAIL: "bot@x" })?.committer).toEqual({ name: "Bot", email: "bot@x" });
  });
  it.each([
    ["[include]\npath = other\n[user]\nname = A\nemail = a@x\n"],
    ["[user]\nname = A\n"],
    ["[author]\nname = B\n[user]\nname = A\nemail = a@x\n"],
  ])("declines what it does not model, so git decides: %j", (cfg) => {
    const { root, env } = repoWithConfig(cfg);
    expect(committerIdent(root, env)).toBeNull();
  });
  it("formats the timezone the way git does", () => {
    expect(formatIdent({ name: "A", email: "a@x" }, new Date(0))).toMatch(/^A <a@x> 0 [+-]\d{4}$/);
  });
});
