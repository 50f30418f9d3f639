// `mfavault code <vault>/<entry>`: the code, after its audit line is on disk and committed.
import { entryCode, type Entry } from "../core/entry.js";
import { escapeText } from "../core/escape.js";
import { notFound } from "../core/errors.js";
import { resolveEntryAddress } from "../core/names.js";
import { secondsRemaining } from "../core/otp.js";
import { vaultExists } from "../repo/layout.js";
import { loadVaultDoc } from "../repo/vault-store.js";
import { emit, session, type Ctx } from "./context.js";
import { clearRead, type ReadPolicyOptions } from "./read-policy.js";
import { recordVaultRead } from "../repo/vault-read.js";

export interface CodeOptions extends ReadPolicyOptions {
  address: string;
  next?: boolean;
}

export interface CodeResult {
  entry: string;
  code: string;
  type: Entry["type"];
  issuer: string;
  account: string;
  /** The instant the code was computed for (ISO 8601), so a script can cross-check it. */
  at: string;
  period?: number;
  remaining?: number;
  next?: string;
  counter?: number;
}

export async function runCode(ctx: Ctx, opts: CodeOptions): Promise<void> {
  const s = await session(ctx);
  const addr = resolveEntryAddress(opts.address, (v) => vaultExists(s.root, v));
  const doc = await loadVaultDoc(s, addr.vault);
  const entry = doc.entries[addr.entry];
  if (!entry) throw notFound(`no entry "${addr.entry}" in vault ${addr.vault}: "mfavault list ${addr.vault}" shows its entries`);
  const path = `${addr.vault}/${addr.entry}`;
  // Before the clock is read: a ticket asked for on a terminal takes time, and the code must be current.
  const clearance = await clearRead(ctx, doc, opts, path);
  const now = s.now();
  const t = now.getTime() / 1000;
  const result: CodeResult = { entry: path, code: "", type: entry.type, issuer: entry.issuer, account: entry.account, at: now.toISOString() };
  const commit = ctx.global.commit !== false;

  if (entry.type === "hotp") {
    // HOTP: using a code consumes the counter, so the advance, the audit line and the commit are one change.
    const counter = entry.counter ?? 0;
    const advanced = { ...doc, entries: { ...doc.entries, [addr.entry]: { ...entry, counter: counter + 1, updated: now.toISOString() } } };
    await recordVaultRead(s, {
      doc: advanced,
      changed: true,
      opened: [addr.entry],
      fields: { action: "code", target: path, details: { counter } },
      clearance,
      commit,
      message: `audit: ${s.me.name} code ${path} (HOTP counter ${counter + 1})`,
    });
    result.code = entryCode(entry, t);
    result.counter = counter;
  } else {
    await recordVaultRead(s, { doc, opened: [addr.entry], fields: { action: "code", target: path }, clearance, commit });
    result.code = entryCode(entry, t);
    result.period = entry.period;
    result.remaining = secondsRemaining(t, entry.period);
    if (opts.next || ctx.global.json) result.next = entryCode(entry, t + entry.period);
  }

  emit(ctx, result, (r) => {
    if (!ctx.io.stdoutIsTTY) return r.code;
    const label = [entry.issuer, entry.account].filter(Boolean).map(escapeText).join(" — ");
    const timing = r.remaining !== undefined ? `  (${r.remaining}s left)` : `  (counter ${r.counter})`;
    const next = opts.next && r.next ? `\nnext: ${r.next}` : "";
    return `${r.code}${timing}${label ? `  ${label}` : ""}${next}`;
  });
}
