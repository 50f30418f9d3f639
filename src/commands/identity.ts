// `mfavault identity new|show|card|export`: the engineer's age identity and the public card made from it.
import { generateKeyPairSync } from "node:crypto";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { serializeCard, type Card } from "../core/card.js";
import { failure, usageError } from "../core/errors.js";
import { checkName } from "../core/names.js";
import { recipientOf } from "../crypto/age-file.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity, type AgeIdentity } from "../crypto/keys.js";
import { defaultIdentityPath, loadIdentities } from "../identity/sources.js";
import { confirmOnTty } from "./secret-input.js";
import { emit, note, type Ctx } from "./context.js";

async function newIdentity(pq: boolean): Promise<AgeIdentity> {
  if (pq) {
    const { generateHybridIdentity } = await import("age-encryption");
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

/** Writes a new file only: an existing identity is never overwritten. Mode 0600 from the first byte. */
function writeIdentityFile(path: string, identity: AgeIdentity, now: Date): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw failure(`${path} already exists: refusing to overwrite an identity`);
    throw e;
  }
  try {
    writeSync(fd, `# created: ${now.toISOString()}\n# public key: ${identity.recipient}\n${identity.encoded}\n`);
  } finally {
    closeSync(fd);
  }
}

function defaultName(env: NodeJS.ProcessEnv): string {
  return (env.USER || env.USERNAME || "me").toLowerCase().replace(/[^a-z0-9._-]/g, "-").replace(/^[.-]+/, "") || "me";
}

export function defineIdentity(program: Command, ctx: Ctx): void {
  const id = program.command("identity").description("your age identity and the public team card made from it");

  id.command("new")
    .description("create a new age identity file (mode 0600) and print its public card")
    .option("--out <file>", "where to write it", undefined)
    .option("--name <name>", "your engineer name on the card")
    .option("--pq", "a hybrid post-quantum identity (age1pq1…) instead of X25519")
    .addHelpText("after", "\nExamples:\n  mfavault identity new --name alice\n  mfavault identity new --out ~/alice.key --name alice > alice.json")
    .action(async (o: { out?: string; name?: string; pq?: boolean }) => {
      const path = resolve(ctx.io.cwd, o.out ?? defaultIdentityPath(ctx.io.env));
      const identity = await newIdentity(Boolean(o.pq));
      writeIdentityFile(path, identity, ctx.io.now());
      note(ctx, `wrote ${path} (mode 0600). Back it up: it is your only key. Point MFAVAULT_IDENTITY_FILE at it, or keep it there.`);
      ctx.io.out(serializeCard(await cardFor(identity, o.name ?? defaultName(ctx.io.env), ctx.io.now())));
    });

  id.command("show")
    .description("print your age recipient and signing key (public)")
    .action(async () => {
      const identity = loadIdentities(ctx.io.env)[0]!;
      const result = { recipient: await recipientOf(identity), signingKey: deriveSigningKey(identity).publicKey, kind: identity.kind };
      emit(ctx, result, (r) => `recipient:   ${r.recipient}\nsigning key: ${r.signingKey}`);
    });

  id.command("card")
    .description("print your public team card as JSON, for a team member to add with 'team add'")
    .requiredOption("--name <name>", "your engineer name")
    .addHelpText("after", "\nExample:\n  mfavault identity card --name alice > alice.json")
    .action(async (o: { name: string }) => {
      const identity = loadIdentities(ctx.io.env)[0]!;
      ctx.io.out(serializeCard(await cardFor(identity, o.name, ctx.io.now())));
    });

  id.command("export")
    .description("print your secret identity, for a backup (asks first on a terminal)")
    .option("--force", "print to a non-terminal (a pipe or file) without asking")
    .action(async (o: { force?: boolean }) => {
      const identity = loadIdentities(ctx.io.env)[0]!;
      if (!o.force) {
        if (!ctx.io.stdoutIsTTY) throw usageError("refusing to print your secret identity to a pipe or file without --force");
        if (!(await confirmOnTty(ctx, "Print your secret identity on this screen?"))) throw usageError("not confirmed: nothing printed");
      }
      ctx.io.out(`${identity.encoded}\n`);
    });
}
