// The policy sections of `mfavault status`: seeds against their rotation schedule, inherited seeds not yet
// rotated, and — since the last review (`status --mark-reviewed`) or --since — break-glass openings and
// reads without a ticket of vaults that require one. Each owns its keys of the status report.
import { escapeText } from "../core/escape.js";
import { policyOf } from "../core/policy-settings.js";
import { breakGlassOpenings, lastReviewMark, readsWithoutTicket } from "../core/read-anomalies.js";
import { inheritedItems, scheduleItems, type ScheduleItem } from "../core/rotation-state.js";
import type { VaultDoc } from "../core/vault-doc.js";
import { loadPolicyInput } from "../repo/policy-input.js";
import { listSome } from "./access.js";
import { note } from "./context.js";
import type { StatusSection } from "./status.js";

const day = (iso: string) => iso.slice(0, 10);
const minute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const label = (issuer: string, account: string) => [issuer, account].filter(Boolean).map(escapeText).join(" — ");

function when(i: ScheduleItem): string {
  if (i.daysLeft < 0) return `due ${day(i.due)} (${-i.daysLeft} day${i.daysLeft === -1 ? "" : "s"} ago)`;
  return `due ${day(i.due)} (in ${i.daysLeft} day${i.daysLeft === 1 ? "" : "s"})`;
}

export const scheduleSection: StatusSection = {
  title: (r) => `Rotation schedule (${(r.schedule ?? []).filter((i) => i.state !== "never-rotated").length} overdue or due soon)`,
  async collect(ctx, s) {
    const input = await loadPolicyInput(s, (m) => note(ctx, `warning: ${m}`));
    const docs = input.vaults.map((v) => v.doc).filter((d): d is VaultDoc => d !== null);
    const now = s.now();
    return { schedule: scheduleItems(docs, policyOf(s.config), now), inherited: inheritedItems(docs, now) };
  },
  render(r) {
    const items = r.schedule ?? [];
    const urgent = items.filter((i) => i.state !== "never-rotated");
    const never = items.filter((i) => i.state === "never-rotated");
    const width = Math.min(32, Math.max(0, ...urgent.map((i) => i.entry.length)));
    const lines = urgent.map((i) => `  ${(i.state === "overdue" ? "OVERDUE " : "due soon").padEnd(8)}  ${i.entry.padEnd(width)}  every ${i.interval}, ${i.tier}  ${when(i)}  ${label(i.issuer, i.account)}`.trimEnd());
    if (urgent.length === 0) lines.push("  nothing overdue or due soon");
    if (never.length > 0) lines.push(`  never rotated (${never.length}): ${listSome(never.map((i) => i.entry))}`);
    const inherited = r.inherited ?? [];
    lines.push("", `Inherited seeds not yet rotated (${inherited.length})`);
    if (inherited.length === 0) lines.push("  none");
    for (const i of inherited) {
      lines.push(`  ${i.overdue ? "OVERDUE " : "due     "}  ${i.entry}  inherited ${day(i.since)}, rotate within ${i.window}: by ${minute(i.due)}  ${label(i.issuer, i.account)}`.trimEnd());
    }
    if (inherited.length > 0) lines.push("  treat them as known to the previous provider: rotate each at its service, then: mfavault rotate <entry> --secret-stdin");
    return lines;
  },
};

export const readPolicySection: StatusSection = {
  title: (r) => `Break-glass openings ${r.anomaliesSince ? `since ${minute(r.anomaliesSince)}` : "(all time)"}${r.lastReview ? " (the last review)" : ""} (${(r.breakGlassOpenings ?? []).length})`,
  async collect(ctx, s, opts) {
    const input = await loadPolicyInput(s, (m) => note(ctx, `warning: ${m}`));
    const lastReview = lastReviewMark(input.lines);
    const since = opts?.since?.toISOString() ?? lastReview?.ts ?? null;
    const vaults = input.vaults.flatMap((v) => (v.doc ? [{ vault: v.vault, requireTicket: Boolean(v.doc.settings?.requireTicket) }] : []));
    return {
      lastReview,
      anomaliesSince: since,
      breakGlassOpenings: breakGlassOpenings(input.lines, since),
      readsWithoutTicket: readsWithoutTicket(input.lines, vaults, since),
    };
  },
  render(r) {
    const openings = r.breakGlassOpenings ?? [];
    const lines = openings.map((o) => `  ${minute(o.ts)}  ${escapeText(o.engineer)} ${o.action} ${escapeText(o.target)}: ${escapeText(o.reason)}${o.ticket ? ` (ticket ${escapeText(o.ticket)})` : ""}`);
    if (openings.length === 0) lines.push("  none");
    const ticketless = r.readsWithoutTicket ?? [];
    lines.push("", `Reads without a ticket where one is required (${ticketless.length})`);
    if (ticketless.length === 0) lines.push("  none");
    for (const t of ticketless) lines.push(`  ${minute(t.ts)}  ${escapeText(t.engineer)} ${t.action} ${escapeText(t.target)}`);
    if (openings.length + ticketless.length > 0) lines.push('  after reviewing them: mfavault status --mark-reviewed');
    return lines;
  },
};
