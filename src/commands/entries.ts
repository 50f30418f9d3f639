// `mfavault list`, `show`, `rm` and `mv`: reading and editing the entries of vaults.
import type { Command } from "commander";
import type { Entry } from "../core/entry.js";
import { escapeText } from "../core/escape.js";
import { badInput, failure, notFound } from "../core/errors.js";
import { weakerReads } from "../core/vault-settings.js";
import { checkVaultPath, resolveEntryAddress, type EntryAddress } from "../core/names.js";
import { formatOtpauthUri } from "../core/otpauth-uri.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { listVaults, vaultExists } from "../repo/layout.js";
import { saveChange } from "../repo/save.js";
import type { Session } from "../repo/session.js";
import { currentReaders, loadVaultDoc, readManifest, requireVault } from "../repo/vault-store.js";
import { emit, note, session, type Ctx } from "./context.js";
import { clearRead, withReadPolicyOptions, type ReadPolicyOptions } from "./read-policy.js";
import { recordVaultRead } from "../repo/vault-read.js";

export interface ListRow {
  path: string;
  name: string;
  issuer: string;
  account: string;
  type: Entry["type"];
}

function rowsOf(doc: VaultDoc): ListRow[] {
  return Object.keys(doc.entries)
    .sort()
    .map((name) => {
      const e = doc.entries[name]!;
      return { path: `${doc.vault}/${name}`, name, issuer: e.issuer, account: e.account, type: e.type };
    });
}

async function runList(ctx: Ctx, vault: string | undefined): Promise<void> {
  const s = await session(ctx);
  let rows: ListRow[] = [];
  const conflicted = new Set<string>();
  const take = (doc: VaultDoc) => {
    for (const [name, e] of Object.entries(doc.entries)) if (e.conflict) conflicted.add(`${doc.vault}/${name}`);
    rows.push(...rowsOf(doc));
  };
  if (vault) {
    checkVaultPath(vault);
    requireVault(s.root, vault);
    take(await loadVaultDoc(s, vault));
  } else {
    // Every vault whose manifest names us; the others are not ours to list.
    for (const v of listVaults(s.root)) {
      if (!readManifest(s.root, v).recipients.some((r) => r.name === s.me.name)) continue;
      take(await loadVaultDoc(s, v));
    }
  }
  emit(ctx, rows, (rs) =>
    rs.length === 0 ? "no entries" : rs.map((r) => `${r.path.padEnd(28)} ${r.type.padEnd(5)} ${escapeText(r.issuer)}${r.account ? ` — ${escapeText(r.account)}` : ""}${conflicted.has(r.path) ? "  (CONFLICT: see mfavault show)" : ""}`).join("\n"),
  );
}

async function loadEntry(s: Session, address: string): Promise<{ addr: EntryAddress; doc: VaultDoc; entry: Entry }> {
  const addr = resolveEntryAddress(address, (v) => vaultExists(s.root, v));
  const doc = await loadVaultDoc(s, addr.vault);
  const entry = doc.entries[addr.entry];
  if (!entry) throw notFound(`no entry "${addr.entry}" in vault ${addr.vault}: "mfavault list ${addr.vault}" shows its entries`);
  return { addr, doc, entry };
}

async function runShow(ctx: Ctx, address: string, reveal: boolean, policy: ReadPolicyOptions): Promise<void> {
  const s = await session(ctx);
  const { addr, doc, entry } = await loadEntry(s, address);
  const path = `${addr.vault}/${addr.entry}`;
  const { secret, ...meta } = entry;
  const result: Record<string, unknown> = { path, ...meta };
  if (reveal) {
    const clearance = await clearRead(ctx, doc, policy, path);
    await recordVaultRead(s, { doc, opened: [addr.entry], fields: { action: "reveal", target: path }, clearance, commit: ctx.global.commit !== false });
    result.secret = secret;
    result.uri = formatOtpauthUri(entry, entry.issuer, entry.account);
  }
  emit(ctx, result, () => {
    const lines = [
      `entry:     ${path}`,
      `type:      ${entry.type}${entry.type === "hotp" ? ` (counter ${entry.counter})` : ""}, ${entry.algorithm}, ${entry.digits} digits${entry.type !== "hotp" ? `, ${entry.period}s` : ""}`,
      `issuer:    ${escapeText(entry.issuer)}`,
      `account:   ${escapeText(entry.account)}`,
    ];
    if (entry.notes) lines.push(`notes:     ${escapeText(entry.notes)}`);
    lines.push(`created:   ${entry.created}`, `updated:   ${entry.updated}`);
    if (entry.rotated) lines.push(`rotated:   ${entry.rotated}`);
    for (const m of entry.rotationDue ?? []) lines.push(`ROTATION DUE since ${m.since}: ${escapeText(m.reason)}`);
    if (entry.conflict) lines.push(`CONFLICT since ${entry.conflict.since}: ${escapeText(entry.conflict.reason)} (the other seed: ${addr.vault}/${entry.conflict.with})`);
    if (entry.inherited) lines.push(`INHERITED since ${entry.inherited.since}: from a previous provider, rotate within ${entry.inherited.window}`);
    if (entry.rotation) lines.push(`schedule:  ${[entry.rotation.interval ? `every ${entry.rotation.interval}` : "", entry.rotation.tier ? `tier ${entry.rotation.tier}` : ""].filter(Boolean).join(", ")} (this entry)`);
    if (reveal) lines.push(`secret:    ${secret}`, `uri:       ${String(result.uri)}`);
    else lines.push("secret:    (hidden; --reveal shows it and records an audit line)");
    return lines.join("\n");
  });
}

async function runRm(ctx: Ctx, address: string): Promise<void> {
  const s = await session(ctx);
  const { addr, doc, entry } = await loadEntry(s, address);
  const path = `${addr.vault}/${addr.entry}`;
  delete doc.entries[addr.entry];
  // Removing one seed of a merge conflict resolves it: the other keeps its name, without the mark.
  const partner = entry.conflict ? doc.entries[entry.conflict.with] : undefined;
  if (partner?.conflict?.with === addr.entry) delete partner.conflict;
  await saveChange(s, {
    message: `rm ${path}`,
    commit: ctx.global.commit !== false,
    vaults: [{ doc, readers: currentReaders(s.root, doc) }],
    audit: { action: "rm", target: path },
  });
  emit(ctx, { removed: path }, () => `removed ${path} (git history still holds its old ciphertext; rotate the seed at the service if it must be dead)`);
}

async function runMv(ctx: Ctx, from: string, to: string): Promise<void> {
  const s = await session(ctx);
  const src = await loadEntry(s, from);
  const dst = resolveEntryAddress(to, (v) => vaultExists(s.root, v));
  const fromPath = `${src.addr.vault}/${src.addr.entry}`;
  const toPath = `${dst.vault}/${dst.entry}`;
  const sameVault = dst.vault === src.addr.vault;
  const dstDoc = sameVault ? src.doc : await loadVaultDoc(s, dst.vault);
  const weaker = weakerReads(src.doc.settings, dstDoc.settings);
  if (weaker) {
    throw badInput(`refusing to move ${fromPath} out of ${src.addr.vault}: ${weaker}, and ${dst.vault} does not; change ${dst.vault}'s settings first ("mfavault client set ${dst.vault}"), or ${src.addr.vault}'s (recorded in the audit trail)`);
  }
  if (dstDoc.entries[dst.entry]) throw failure(`${toPath} already exists`);
  dstDoc.entries[dst.entry] = { ...src.entry, updated: s.now().toISOString() };
  delete src.doc.entries[src.addr.entry];
  const vaults = [{ doc: src.doc, readers: currentReaders(s.root, src.doc) }];
  if (!sameVault) vaults.push({ doc: dstDoc, readers: currentReaders(s.root, dstDoc) });
  await saveChange(s, {
    message: `mv ${fromPath} ${toPath}`,
    commit: ctx.global.commit !== false,
    vaults,
    audit: { action: "mv", target: fromPath, details: { to: toPath } },
  });
  if (!sameVault) note(ctx, `note: the readers of ${src.addr.vault} could read this seed before; rotate it if they should not keep it`);
  emit(ctx, { from: fromPath, to: toPath }, (r) => `moved ${r.from} to ${r.to}`);
}

export function defineEntries(program: Command, ctx: Ctx): void {
  program
    .command("list")
    .description("list entries (names and metadata, never seeds) of one vault, or of every vault you can read")
    .argument("[vault]", "vault path, e.g. acme or acme/prod")
    .addHelpText("after", "\nExamples:\n  mfavault list\n  mfavault list acme --json")
    .action((vault: string | undefined) => runList(ctx, vault));
  withReadPolicyOptions(
    program
      .command("show")
      .description("show an entry's metadata; the seed only with --reveal (audited)")
      .argument("<address>", "vault/entry")
      .option("--reveal", "also print the seed and its otpauth URI (writes an audit line first)"),
  )
    .addHelpText("after", "\nExamples:\n  mfavault show acme/aws\n  mfavault show acme/aws --reveal --json\n  mfavault show acme/breakglass/root --reveal --break-glass --reason \"owner locked out, INC-4711\"")
    .action((address: string, o: ReadPolicyOptions & { reveal?: boolean }) => runShow(ctx, address, Boolean(o.reveal), o));
  program
    .command("rm")
    .description("remove an entry")
    .argument("<address>", "vault/entry")
    .addHelpText("after", "\nExample:\n  mfavault rm acme/github")
    .action((address: string) => runRm(ctx, address));
  program
    .command("mv")
    .description("rename an entry, or move it to another vault you can read")
    .argument("<from>", "vault/entry")
    .argument("<to>", "vault/entry")
    .addHelpText("after", "\nExamples:\n  mfavault mv acme/aws acme/aws-root\n  mfavault mv acme/aws acme/prod/aws")
    .action((from: string, to: string) => runMv(ctx, from, to));
}

