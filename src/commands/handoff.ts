// Handing seeds out of the repository (`export`, `client remove --export`): who the file is encrypted to,
// the rows of the vaults being exported, and writing the result to a new file (never over an old one) or
// stdout. The audit line is the caller's job and always comes first.
import { closeSync, existsSync, lstatSync, openSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { badInput, failure, notFound } from "../core/errors.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { recipientKind, x25519RecipientBytes } from "../crypto/keys.js";
import type { ExportedEntry } from "../formats/mfavault-json.js";
import { readUserFile, USER_LIMITS } from "../repo/user-file.js";
import type { Ctx } from "./context.js";

/** Age recipients from --to (repeatable) and --to-file (one a line, `#` comments, as `age -R` reads). */
export function handoffRecipients(ctx: Ctx, to: string[], toFile: string | undefined): string[] {
  const list = [...to.map((r) => r.trim())];
  if (toFile) {
    const text = readUserFile(ctx.io.cwd, toFile, USER_LIMITS.recipients, "recipients file").toString("utf8");
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/#.*/, "").trim();
      if (!line) return;
      try {
        checkRecipient(line);
      } catch {
        throw badInput(`${toFile}:${i + 1}: not an age recipient (expected age1…)`);
      }
      list.push(line);
    });
    if (list.length === to.length) throw badInput(`${toFile} names no age recipient`);
  }
  for (const r of list) checkRecipient(r);
  return [...new Set(list)];
}

/** Throws unless `r` is an age recipient this mfavault can encrypt to (bech32 checksum included). */
function checkRecipient(r: string): void {
  if (recipientKind(r) === "x25519") x25519RecipientBytes(r);
}

/** Every entry of the given vault documents, vault by vault, names sorted. */
export function exportRows(docs: VaultDoc[]): ExportedEntry[] {
  return docs.flatMap((doc) =>
    Object.keys(doc.entries)
      .sort()
      .map((name) => ({ vault: doc.vault, name, entry: doc.entries[name]! })),
  );
}

/** Refuses an output path that exists (a link too, even a dangling one), before anything is audited or written. */
export function checkNewFile(ctx: Ctx, out: string): string {
  const path = resolve(ctx.io.cwd, out);
  const existing = lstatSync(path, { throwIfNoEntry: false });
  if (existing?.isSymbolicLink()) throw failure(`${out} is a symbolic link: seeds are never written through a link; choose another --out file`);
  if (existing) throw failure(`${out} already exists: choose another --out file, or remove it first`);
  if (!existsSync(dirname(path))) throw notFound(`the directory of ${out} does not exist: create it first, or choose another --out file`);
  return path;
}

/** Writes a new file readable by its owner only (a hand-off holds seeds, encrypted or not). */
export function writeNewFile(path: string, content: string): void {
  let fd: number;
  try {
    // O_EXCL: fails on anything already there, a link planted since checkNewFile included.
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw failure(`${path} appeared while exporting (a file or a link): nothing was written to it; export again to a new file`);
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
