// An address that names no entry exactly: on a terminal, find the entry the person meant among those
// they can read (one match is taken, several are offered); a script gets the not-found error instead.
import type { EntryAddress } from "../core/names.js";
import { escapeText } from "../core/escape.js";
import { notFound } from "../core/errors.js";
import { fuzzyMatches } from "../core/fuzzy.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { listVaults } from "../repo/layout.js";
import type { Session } from "../repo/session.js";
import { loadVaultDoc, readManifest } from "../repo/vault-store.js";
import { note, type Ctx } from "./context.js";
import { importExternal } from "../load-external.js";

/** Fuzzy matching happens for a person at a terminal, never for a script or a pipe. */
export function canPick(ctx: Ctx): boolean {
  return ctx.io.stdinIsTTY && ctx.io.stdoutIsTTY && !ctx.io.env.CI && !ctx.global.json;
}

async function readableDocs(s: Session): Promise<VaultDoc[]> {
  const docs: VaultDoc[] = [];
  for (const vault of listVaults(s.root)) {
    try {
      if (!readManifest(s.root, vault).recipients.some((r) => r.name === s.me.name)) continue;
      docs.push(await loadVaultDoc(s, vault));
    } catch {
      // A vault we cannot open offers no candidates.
    }
  }
  return docs;
}

export async function pickEntry(ctx: Ctx, s: Session, query: string): Promise<{ addr: EntryAddress; doc: VaultDoc }> {
  const docs = await readableDocs(s);
  const paths = docs.flatMap((d) => Object.keys(d.entries).map((e) => `${d.vault}/${e}`));
  const hits = fuzzyMatches(query, paths);
  if (hits.length === 0) throw notFound(`no entry matches "${escapeText(query)}" among the ${paths.length} you can read: "mfavault list" shows them`);
  let chosen = hits[0]!;
  if (hits.length === 1) note(ctx, `→ ${chosen}`);
  else {
    const { select } = await importExternal<typeof import("@inquirer/prompts")>("@inquirer/prompts");
    chosen = await select({ message: `Which entry for "${escapeText(query)}"?`, choices: hits.slice(0, 20).map((h) => ({ name: h, value: h })) }, { output: process.stderr });
  }
  const cut = chosen.lastIndexOf("/");
  const addr = { vault: chosen.slice(0, cut), entry: chosen.slice(cut + 1) };
  return { addr, doc: docs.find((d) => d.vault === addr.vault)! };
}
