// What every command gets: the I/O context and the global options, plus the few steps they all share.
import { findRoot } from "../repo/find-root.js";
import { openRepo, openSession, type Repo, type Session } from "../repo/session.js";
import type { Io } from "../io.js";
import { passphrasePrompt } from "./secret-input.js";

export interface GlobalOptions {
  vault?: string;
  json?: boolean;
  commit?: boolean;
}

export interface Ctx {
  io: Io;
  global: GlobalOptions;
}

export function repoRoot(ctx: Ctx): string {
  return findRoot(ctx.global.vault, ctx.io.env, ctx.io.cwd);
}

export function repo(ctx: Ctx): Repo {
  return openRepo(repoRoot(ctx), ctx.io.now);
}

export function session(ctx: Ctx): Promise<Session> {
  return openSession(repoRoot(ctx), ctx.io.env, ctx.io.now, passphrasePrompt(ctx));
}

/** Writes a result: as one JSON document with --json, else as the command's own text. */
export function emit<T>(ctx: Ctx, result: T, text: (r: T) => string): void {
  if (ctx.global.json) ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const t = text(result);
    if (t) ctx.io.out(t.endsWith("\n") ? t : `${t}\n`);
  }
}

/** Progress and notes for people go to stderr, so stdout stays data. */
export function note(ctx: Ctx, text: string): void {
  ctx.io.err(`${text}\n`);
}
