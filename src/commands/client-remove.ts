// `mfavault client remove <vault>`: offboarding a client. Optionally hands its seeds off first (always
// age-encrypted to the client's key), then deletes the vault's folder (and its scopes with --recursive),
// with the removal's audit line, in one commit. Only a reader of every removed vault may remove it.
import { readdirSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { failure, noAccess, usageError } from "../core/errors.js";
import { checkVaultPath } from "../core/names.js";
import { encryptToRecipients } from "../crypto/age-file.js";
import { EXPORT_FORMATS, exportText, type ExportFormat } from "../formats/export-formats.js";
import { nextAuditLine, recordRead } from "../repo/audit-log.js";
import { dirtyPaths, git } from "../repo/git.js";
import { listVaults, vaultDir } from "../repo/layout.js";
import { applyChange } from "../repo/transaction.js";
import { loadVaultDoc, readManifest, requireVault } from "../repo/vault-store.js";
import { emit, note, session, type Ctx } from "./context.js";
import { clearRead, withReadPolicyOptions, type ReadPolicyOptions } from "./read-policy.js";
import { checkNewFile, exportRows, handoffRecipients, writeNewFile } from "./handoff.js";

export interface ClientRemoveOptions extends ReadPolicyOptions {
  vault: string;
  export?: string;
  to: string[];
  toFile?: string;
  format: string;
  recursive?: boolean;
}

/** Deletes the now-empty directories under (and including) `dir`; anything still in them stays. */
function removeEmptyDirs(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) removeEmptyDirs(join(dir, n));
  try {
    rmdirSync(dir);
  } catch {
    // not empty (an ignored file the user keeps there) or already gone: leave it
  }
}

export async function runClientRemove(ctx: Ctx, o: ClientRemoveOptions): Promise<void> {
  const vault = checkVaultPath(o.vault);
  if (!EXPORT_FORMATS.includes(o.format as ExportFormat)) throw usageError(`--format takes ${EXPORT_FORMATS.join(", ")}`);
  const recipients = handoffRecipients(ctx, o.to, o.toFile);
  if (o.export && recipients.length === 0) throw usageError("--export needs --to (or --to-file): a hand-off is always encrypted to the client's age key");
  if (!o.export && recipients.length > 0) throw usageError("--to is for the hand-off: add --export FILE");
  if (!o.export && (o.ticket !== undefined || o.breakGlass || o.reason !== undefined)) {
    throw usageError("--ticket, --break-glass and --reason are for the hand-off's read of the seeds: add --export FILE");
  }
  const s = await session(ctx);
  requireVault(s.root, vault);
  const vaults = listVaults(s.root).filter((v) => v === vault || v.startsWith(`${vault}/`));
  const scopes = vaults.filter((v) => v !== vault);
  if (scopes.length > 0 && !o.recursive) {
    throw failure(`${vault} still has scopes (${scopes.join(", ")}): remove them first, or pass --recursive to remove them with it`);
  }
  for (const v of vaults) {
    const readers = readManifest(s.root, v).recipients.map((r) => r.name);
    if (!readers.includes(s.me.name)) throw noAccess(`only a reader of ${v} can remove it (${readers.join(", ")}): ask one of them`);
  }
  const dir = vaultDir(vault);
  if (dirtyPaths(s.root, [dir]).length > 0) throw failure(`${dir} has uncommitted changes: commit or discard them first`);
  const tracked = git(s.root, ["ls-files", "-z", "--", dir]).split("\0").filter(Boolean);
  const docs = await Promise.all(vaults.map((v) => loadVaultDoc(s, v)));
  const rows = exportRows(docs);
  const commit = ctx.global.commit !== false;

  if (o.export) {
    // The hand-off reads every seed: each vault's read policy applies, as for `export` (a ticket where
    // one is required, --break-glass --reason for a sealed vault), before anything is written.
    const clearances = [];
    for (const doc of docs) clearances.push(await clearRead(ctx, doc, o, doc.vault));
    const path = checkNewFile(ctx, o.export);
    const format = o.format as ExportFormat;
    const policy = Object.assign({}, ...clearances.map((c) => c.details)) as Record<string, unknown>;
    // Not committed on its own: the removal's commit below carries this line too (same audit file).
    recordRead(s, { action: "export", target: vault, details: { format, count: rows.length, encryptedTo: recipients, vaults, ...policy } }, false);
    writeNewFile(path, await encryptToRecipients(Buffer.from(exportText(format, rows, s.now())), recipients));
    note(ctx, `handed off ${rows.length} entries to ${o.export} (${format}, age-encrypted to ${recipients.length} recipient${recipients.length > 1 ? "s" : ""})`);
  }
  applyChange(s.root, {
    message: `client: remove ${vault}${scopes.length ? ` and ${scopes.length} scope${scopes.length > 1 ? "s" : ""}` : ""} (${rows.length} entries)`,
    commit,
    files: tracked.map((path) => ({ path, content: null })),
    audit: () => nextAuditLine(s, { action: "client-remove", target: vault, details: { vaults, entries: rows.length, exported: Boolean(o.export), encryptedTo: recipients } }),
  });
  removeEmptyDirs(join(s.root, dir));
  emit(ctx, { removed: vault, vaults, entries: rows.length, export: o.export ?? null }, (r) =>
    [
      `removed ${r.vaults.join(", ")} (${r.entries} entries)${r.export ? `; the hand-off is in ${r.export}` : ""}`,
      "git history still holds the old ciphertext: rotate the seeds at each service (or have the client do it) if former readers must lose them",
    ].join("\n"),
  );
}

export function defineClientRemove(client: Command, ctx: Ctx): void {
  withReadPolicyOptions(
    client
      .command("remove")
      .description("offboard a client: optionally hand its seeds off (encrypted), then delete its vault in one commit")
      .argument("<vault>", "the vault, e.g. acme")
      .option("--export <file>", "first write all its seeds to this new file, age-encrypted to --to")
      .option("--to <recipient>", "the client's age recipient (age1…); repeatable", (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option("--to-file <file>", "the client's age recipients, one a line")
      .option("--format <format>", `hand-off format: ${EXPORT_FORMATS.join(", ")}`, "json")
      .option("--recursive", "also remove the vault's scopes (acme/prod, …)"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  mfavault client remove acme\n  mfavault client remove acme --recursive --export acme-handoff.age --to age1… --format aegis\n" +
        '  mfavault client remove acme/bg --export bg.age --to age1… --break-glass --reason "client offboarding"',
    )
    .action((vault: string, opts: Omit<ClientRemoveOptions, "vault">) => runClientRemove(ctx, { ...opts, vault }));
}
