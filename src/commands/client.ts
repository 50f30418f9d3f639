// `mfavault client add|list|remove`: client vaults and the scopes inside them.
import type { Command } from "commander";
import { badInput, failure, notFound } from "../core/errors.js";
import { checkName, checkVaultPath } from "../core/names.js";
import { emptyVaultDoc } from "../core/vault-doc.js";
import { CLIENTS_DIR, listVaults, vaultDir, vaultExists } from "../repo/layout.js";
import { saveChange } from "../repo/save.js";
import { dirtyPaths } from "../repo/git.js";
import { readManifest, readRecipients } from "../repo/vault-store.js";
import { defineClientRemove } from "./client-remove.js";
import { defineClientSet, settingsChange, withVaultSettingsOptions, type SettingsFlags } from "./client-settings.js";
import { changeSettings } from "../core/vault-settings.js";
import { emit, note, repo, session, type Ctx } from "./context.js";
import { existsSync } from "node:fs";
import { join } from "node:path";

export async function runClientAdd(ctx: Ctx, vault: string, grant: string[], flags: SettingsFlags = {}): Promise<void> {
  checkVaultPath(vault);
  const { settings, changed } = changeSettings({}, settingsChange(flags));
  const s = await session(ctx);
  if (vaultExists(s.root, vault)) throw failure(`vault ${vault} already exists`);
  if (existsSync(join(s.root, vaultDir(vault)))) {
    if (dirtyPaths(s.root, [vaultDir(vault)]).length > 0) throw failure(`${vaultDir(vault)} has uncommitted files: commit or remove them first`);
  }
  const parent = vault.includes("/") ? vault.slice(0, vault.lastIndexOf("/")) : null;
  if (parent && !vaultExists(s.root, parent)) throw notFound(`vault ${parent} does not exist: create it first with "mfavault client add ${parent}"`);
  const readers = [...new Set([s.me.name, ...grant.map((g) => checkName(g, "engineer name"))])];
  for (const name of new Set(grant)) {
    if (name === s.me.name || grant.indexOf(name) !== grant.lastIndexOf(name)) note(ctx, `${name} is already a reader of ${vault}: granted once`);
  }
  for (const name of readers) {
    const card = s.team.get(name);
    if (!card) throw notFound(`no engineer "${name}" in team/: add their card first with "mfavault team add"`);
    if (card.status !== "active") throw badInput(`cannot grant ${vault} to ${name}: their card is ${card.status}`);
  }
  await saveChange(s, {
    message: `client: add ${vault} (${readers.sort().join(", ")})`,
    commit: ctx.global.commit !== false,
    vaults: [{ doc: { ...emptyVaultDoc(vault), settings }, readers }],
    audit: { action: "client-add", target: vault, details: Object.keys(changed).length ? { recipients: readers, settings: changed } : { recipients: readers } },
  });
  const sealed = settings.sealed ? " (sealed: reads need --break-glass --reason)" : "";
  emit(ctx, { vault, recipients: readers, settings }, (r) => `created vault ${r.vault}, readable by ${r.recipients.join(", ")}${sealed}`);
}

export interface ClientRow {
  vault: string;
  recipients: string[];
  readable: boolean;
}

export function defineClient(program: Command, ctx: Ctx): void {
  const client = program.command("client").description("client vaults and the scopes inside them");
  withVaultSettingsOptions(
    client
      .command("add")
      .description("create a client vault, or a scope inside one (acme/prod), readable by you (and --grant)")
      .argument("<vault>", "vault path: acme, or acme/prod for a scope")
      .option("--grant <names>", "also readable by these engineers (comma-separated)", ""),
    false,
  )
    .addHelpText(
      "after",
      "\nExamples:\n  mfavault client add acme\n  mfavault client add acme/prod\n  mfavault client add hooli --grant carol,dave\n" +
        "  mfavault client add acme/breakglass --sealed --tier high\n  mfavault client add acme --require-ticket --rotate-every 90d",
    )
    .action((vault: string, o: SettingsFlags & { grant: string }) => runClientAdd(ctx, vault, o.grant.split(",").map((g) => g.trim()).filter(Boolean), o));
  client
    .command("list")
    .description("list vaults, who can read each, and whether you can (*)")
    .addHelpText("after", "\nExamples:\n  mfavault client list\n  mfavault client list --json")
    .action(async () => {
      const r = repo(ctx);
      const me = await session(ctx).then((s) => s.me.name).catch(() => null);
      const rows: ClientRow[] = listVaults(r.root).map((vault) => {
        const recipients = readRecipients(r.root, vault);
        let readable = false;
        try {
          readable = me !== null && readManifest(r.root, vault).recipients.some((x) => x.name === me);
        } catch {
          readable = false;
        }
        return { vault, recipients, readable };
      });
      emit(ctx, rows, (rs) =>
        rs.length === 0 ? `no vaults yet in ${CLIENTS_DIR}/: mfavault client add <client>` : rs.map((x) => `${x.readable ? "*" : " "} ${x.vault.padEnd(24)} ${x.recipients.join(", ")}`).join("\n"),
      );
    });
  defineClientRemove(client, ctx);
  defineClientSet(client, ctx);
}
