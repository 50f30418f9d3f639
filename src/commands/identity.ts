// `mfavault identity new|show|card|export`: the engineer's age identity and the public card made from it.
import { generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { serializeCard, type Card } from "../core/card.js";
import { failure, usageError } from "../core/errors.js";
import { checkName } from "../core/names.js";
import { recipientOf } from "../crypto/age-file.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity, type AgeIdentity } from "../crypto/keys.js";
import { keychainLabel, keychainStatus, readKeychainIdentity, storeKeychainIdentity } from "../identity/keychain.js";
import { writeNewIdentityFile } from "../identity/new-identity-file.js";
import { writeProtectedIdentity } from "../identity/protected-file.js";
import { findIdentity, loadIdentities, protectedIdentityPath } from "../identity/sources.js";
import { confirmOnTty, newPassphrase, passphrasePrompt } from "./secret-input.js";
import { emit, note, type Ctx } from "./context.js";
import { importExternal } from "../load-external.js";

async function newIdentity(pq: boolean): Promise<AgeIdentity> {
  if (pq) {
    const { generateHybridIdentity } = await importExternal<typeof import("age-encryption")>("age-encryption");
    const id = parseIdentity(await generateHybridIdentity());
    await recipientOf(id);
    return id;
  }
  const { privateKey } = generateKeyPairSync("x25519");
  const raw = privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
  return parseIdentity(encodeX25519Identity(raw));
}

export async function cardFor(identity: AgeIdentity, name: string, now: Date): Promise<Card> {
  return {
    name: checkName(name, "engineer name"),
    recipient: await recipientOf(identity),
    signingKey: deriveSigningKey(identity).publicKey,
    status: "active",
    created: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

function identityFileText(identity: AgeIdentity, now: Date): string {
  return `# created: ${now.toISOString()}\n# public key: ${identity.recipient}\n${identity.encoded}\n`;
}


/**
 * A new identity, kept where this machine keeps secrets: the OS keychain when one answers, else the
 * passphrase-protected file. Refuses when either already holds one: an identity is never replaced.
 */
export async function makeStoredIdentity(ctx: Ctx, opts: { pq?: boolean; keychain?: boolean }): Promise<{ identity: AgeIdentity; where: string }> {
  const env = ctx.io.env;
  const protectedPath = protectedIdentityPath(env);
  if (existsSync(protectedPath)) throw failure(`${protectedPath} already holds an identity: refusing to replace it ("mfavault identity show" shows it)`);
  const status = keychainStatus(env);
  const useKeychain = opts.keychain !== false && status.usable;
  if (useKeychain && (await readKeychainIdentity(env))) {
    throw failure(`the ${keychainLabel()} already holds an identity: refusing to replace it ("mfavault identity show" shows it)`);
  }
  const identity = await newIdentity(Boolean(opts.pq));
  if (useKeychain) {
    await storeKeychainIdentity(env, identity.encoded);
    return { identity, where: `the ${keychainLabel()}` };
  }
  if (opts.keychain !== false) note(ctx, `no keychain: ${status.reason}; using a passphrase-protected file instead`);
  await writeProtectedIdentity(protectedPath, identityFileText(identity, ctx.io.now()), await newPassphrase(ctx, protectedPath));
  return { identity, where: `${protectedPath} (passphrase-protected, mode 0600)` };
}

function defaultName(env: NodeJS.ProcessEnv): string {
  return (env.USER || env.USERNAME || "me").toLowerCase().replace(/[^a-z0-9._-]/g, "-").replace(/^[.-]+/, "") || "me";
}

export function defineIdentity(program: Command, ctx: Ctx): void {
  const id = program.command("identity").description("your age identity and the public team card made from it");

  id.command("new")
    .description("create your age identity: in the OS keychain, else a passphrase-protected file; prints your public card")
    .option("--out <file>", "write a plain age-keygen file (mode 0600) here instead, e.g. for CI")
    .option("--name <name>", "your engineer name on the card")
    .option("--pq", "a hybrid post-quantum identity (age1pq1…) instead of X25519")
    .option("--no-keychain", "use the passphrase-protected file even where a keychain answers")
    .addHelpText(
      "after",
      "\nWhere it goes: the OS keychain (Secret Service, macOS Keychain, Windows Credential Manager) when one answers,\n" +
        "else $XDG_CONFIG_HOME/mfavault/identity.age encrypted with a passphrase (asked twice; MFAVAULT_PASSPHRASE_FILE for scripts).\n" +
        "\nExamples:\n  mfavault identity new --name alice > alice.json\n  mfavault identity new --out ~/alice.key --name alice > alice.json",
    )
    .action(async (o: { out?: string; name?: string; pq?: boolean; keychain?: boolean }) => {
      const name = checkName(o.name ?? defaultName(ctx.io.env), "engineer name");
      let identity: AgeIdentity;
      if (o.out) {
        const path = resolve(ctx.io.cwd, o.out);
        identity = await newIdentity(Boolean(o.pq));
        writeNewIdentityFile(path, identityFileText(identity, ctx.io.now()));
        note(ctx, `wrote ${path} (mode 0600). Back it up: it is your only key. Point MFAVAULT_IDENTITY_FILE at it.`);
      } else {
        const made = await makeStoredIdentity(ctx, { pq: o.pq, keychain: o.keychain });
        identity = made.identity;
        note(ctx, `stored your new identity in ${made.where}. Back it up: "mfavault identity export" prints it.`);
      }
      ctx.io.out(serializeCard(await cardFor(identity, name, ctx.io.now())));
    });

  id.command("show")
    .description("print your age recipient and signing key (public), and where the identity was found")
    .action(async () => {
      const found = await findIdentity(ctx.io.env, passphrasePrompt(ctx));
      if (!found) await loadIdentities(ctx.io.env);
      const identity = found!.identities[0]!;
      const result = { recipient: await recipientOf(identity), signingKey: deriveSigningKey(identity).publicKey, kind: identity.kind, source: found!.source };
      emit(ctx, result, (r) => `recipient:   ${r.recipient}\nsigning key: ${r.signingKey}\nfrom:        ${r.source}`);
    });

  id.command("card")
    .description("print your public team card as JSON, for a team member to add with 'team add'")
    .requiredOption("--name <name>", "your engineer name")
    .addHelpText("after", "\nExample:\n  mfavault identity card --name alice > alice.json")
    .action(async (o: { name: string }) => {
      const identity = (await loadIdentities(ctx.io.env, passphrasePrompt(ctx)))[0]!;
      ctx.io.out(serializeCard(await cardFor(identity, o.name, ctx.io.now())));
    });

  id.command("export")
    .description("print your secret identity, for a backup (asks first on a terminal)")
    .option("--force", "print to a non-terminal (a pipe or file) without asking")
    .addHelpText("after", "\nIt reads the identity from wherever it is kept (environment, file, keychain, protected file).\n\nExamples:\n  mfavault identity export\n  mfavault identity export --force > backup.key && chmod 600 backup.key")
    .action(async (o: { force?: boolean }) => {
      const identity = (await loadIdentities(ctx.io.env, passphrasePrompt(ctx)))[0]!;
      if (!o.force) {
        if (!ctx.io.stdoutIsTTY) throw usageError("refusing to print your secret identity to a pipe or file without --force");
        if (!(await confirmOnTty(ctx, "Print your secret identity on this screen?"))) throw usageError("not confirmed: nothing printed");
      }
      ctx.io.out(`${identity.encoded}\n`);
    });
}
