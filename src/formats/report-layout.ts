// The review report laid out once as plain blocks (headings, paragraphs, tables, badges), so the HTML and
// Markdown forms say exactly the same thing. Text here is raw: each renderer escapes it for its format.
import type { ClientReport, PolicyReport } from "../core/policy-report.js";
import type { RotationPolicy } from "../core/schedule.js";

export type Tone = "alert" | "warn" | "ok" | "info";

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3 | 4; text: string; tone?: Tone }
  | { kind: "paragraph"; text: string; tone?: Tone }
  | { kind: "list"; items: string[] }
  | { kind: "table"; head: string[]; rows: string[][] }
  | { kind: "badges"; items: { text: string; tone: Tone }[] }
  | { kind: "section"; id: string; blocks: Block[] };

export const minute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const day = (iso: string) => iso.slice(0, 10);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** An id for a vault's section: its path with "/" as "--" (vault names hold only [a-z0-9._-]). */
export const sectionId = (vault: string) => `vault-${vault.replaceAll("/", "--")}`;

function table(head: string[], rows: string[][], empty: string): Block {
  return rows.length === 0 ? { kind: "paragraph", text: empty } : { kind: "table", head, rows };
}

function rotationBadge(r: RotationPolicy | undefined): string | null {
  if (!r?.interval && !r?.tier) return null;
  return `rotation: ${[r.interval ? `every ${r.interval}` : "", r.tier ? `${r.tier} tier` : ""].filter(Boolean).join(", ")}`;
}

function accessBlocks(c: ClientReport): Block[] {
  const out: Block[] = [{ kind: "heading", level: 3, text: "Who has access", tone: "info" }, { kind: "list", items: c.readers.length ? c.readers : ["nobody"] }];
  if (c.declared.length > 0) {
    out.push({ kind: "paragraph", tone: "warn", text: `The recipients file declares ${c.declared.join(", ")}, which is not yet applied to the ciphertext (mfavault rekey ${c.vault}).` });
  }
  return out;
}

function anomalyBlocks(c: ClientReport): Block[] {
  const a = c.anomalies;
  const count = a.unassignedReads.length + a.bulkReads.length + a.readsWithoutTicket.length + a.breakGlassOpenings.length;
  const out: Block[] = [{ kind: "heading", level: 3, text: `Anomalies (${count})`, tone: count > 0 ? "alert" : "ok" }];
  if (count === 0) return [...out, { kind: "paragraph", text: "None in the period." }];
  if (a.breakGlassOpenings.length > 0) {
    out.push({ kind: "heading", level: 4, text: "Break-glass openings" });
    out.push(table(["When", "Engineer", "Read", "Target", "Reason", "Ticket"], a.breakGlassOpenings.map((o) => [minute(o.ts), o.engineer, o.action, o.target, o.reason, o.ticket ?? ""]), ""));
  }
  if (a.unassignedReads.length > 0) {
    out.push({ kind: "heading", level: 4, text: "Reads by engineers not assigned to the vault" });
    out.push(table(["Engineer", "Reads", "Last"], a.unassignedReads.map((u) => [u.engineer, String(u.reads), minute(u.last)]), ""));
  }
  if (a.readsWithoutTicket.length > 0) {
    out.push({ kind: "heading", level: 4, text: "Reads without a ticket" });
    out.push(table(["When", "Engineer", "Read", "Target"], a.readsWithoutTicket.map((t) => [minute(t.ts), t.engineer, t.action, t.target]), ""));
  }
  if (a.bulkReads.length > 0) {
    out.push({ kind: "heading", level: 4, text: "Bulk reads" });
    out.push(table(["Engineer", "From", "To", "Entries"], a.bulkReads.map((b) => [b.engineer, minute(b.from), minute(b.to), b.entries.join(", ")]), ""));
  }
  return out;
}

function rotationBlocks(c: ClientReport): Block[] {
  if (!c.reviewed) return [{ kind: "heading", level: 3, text: "Rotation state", tone: "info" }, { kind: "paragraph", text: "Not reviewed: the reviewer cannot decrypt this vault." }];
  const r = c.rotation;
  const rows: string[][] = [
    ...r.overdue.map((i) => [i.entry, "overdue", day(i.due), `every ${i.interval}, ${i.tier} tier; last rotated ${i.lastRotated ? day(i.lastRotated) : "never"}`]),
    ...r.inherited.map((i) => [i.entry, i.overdue ? "inherited, overdue" : "inherited", minute(i.due), `inherited ${day(i.since)}, to rotate within ${i.window}`]),
    ...r.revokedNotRotated.map((i) => [i.entry, "revoked reader", day(i.since), `${i.reason}: ${i.engineers.join(", ")} can still generate codes`]),
    ...r.breakGlassDue.map((i) => [i.entry, "break-glass opened", day(i.since), i.marks.filter((m) => m.breakGlass).map((m) => m.reason).join("; ")]),
    ...r.dueSoon.map((i) => [i.entry, "due soon", day(i.due), `every ${i.interval}, ${i.tier} tier`]),
  ];
  const urgent = r.overdue.length + r.inherited.length + r.revokedNotRotated.length + r.breakGlassDue.length;
  const out: Block[] = [
    { kind: "heading", level: 3, text: `Rotation state (${rows.length})`, tone: urgent > 0 ? "warn" : "ok" },
    table(["Entry", "State", "Due / since", "Detail"], rows, "Every seed is within its schedule."),
  ];
  if (r.neverRotated.length > 0) out.push({ kind: "paragraph", text: `Never rotated, not yet due (${r.neverRotated.length}): ${r.neverRotated.map((i) => i.entry).join(", ")}` });
  return out;
}

function clientSection(c: ClientReport): Block {
  const badges: { text: string; tone: Tone }[] = [];
  if (c.settings?.sealed) badges.push({ text: "sealed break-glass", tone: "alert" });
  if (c.settings?.requireTicket) badges.push({ text: "ticket required", tone: "info" });
  const rot = rotationBadge(c.settings?.rotation);
  if (rot) badges.push({ text: rot, tone: "info" });
  if (!c.reviewed) badges.push({ text: "not decryptable by the reviewer", tone: "warn" });
  const blocks: Block[] = [{ kind: "heading", level: 2, text: c.vault, tone: "info" }];
  if (badges.length > 0) blocks.push({ kind: "badges", items: badges });
  blocks.push(...accessBlocks(c));
  blocks.push({ kind: "heading", level: 3, text: "Reads in the period", tone: "info" });
  blocks.push(table(["Engineer", "Entry", "Codes", "Reveals", "Exports", "Last"], c.reads.map((r) => [r.engineer, r.target, String(r.code), String(r.reveal), String(r.export), minute(r.last)]), "No reads."));
  blocks.push(...anomalyBlocks(c), ...rotationBlocks(c));
  if (c.settingsChanges.length > 0) {
    blocks.push({ kind: "heading", level: 3, text: "Policy changes in the period", tone: "warn" });
    blocks.push(table(["When", "Engineer", "Change"], c.settingsChanges.map((s) => [minute(s.ts), s.engineer, Object.entries(s.settings).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")]), ""));
  }
  return { kind: "section", id: sectionId(c.vault), blocks };
}

export function reportTitle(r: PolicyReport): string {
  return `Access review ${day(r.period.since)} – ${day(r.period.until)}`;
}

export function reportBlocks(r: PolicyReport): Block[] {
  const s = r.summary;
  const tone = (n: number, t: Tone): Tone => (n > 0 ? t : "ok");
  const summary: Block = {
    kind: "section",
    id: "summary",
    blocks: [
      { kind: "heading", level: 2, text: "Summary", tone: "info" },
      {
        kind: "badges",
        items: [
          { text: `${plural(s.anomalies, "anomaly", "anomalies")}`, tone: tone(s.anomalies, "alert") },
          { text: `${plural(s.breakGlassOpenings, "break-glass opening")}`, tone: tone(s.breakGlassOpenings, "alert") },
          { text: `${s.overdue} overdue`, tone: tone(s.overdue, "warn") },
          { text: `${s.inherited} inherited`, tone: tone(s.inherited, "warn") },
        ],
      },
      {
        kind: "table",
        head: ["", "Count"],
        rows: [
          ["Vaults", String(s.vaults)],
          ["Reads (codes, reveals, exports)", String(s.reads)],
          ["Anomalies", String(s.anomalies)],
          ["Break-glass openings", String(s.breakGlassOpenings)],
          ["Reads without a ticket", String(s.readsWithoutTicket)],
          ["Seeds overdue for rotation", String(s.overdue)],
          [`Seeds due within ${r.settings.policy.dueSoonDays} days`, String(s.dueSoon)],
          ["Inherited seeds not yet rotated", String(s.inherited)],
          ["Seeds of revoked engineers not yet rotated", String(s.revokedNotRotated)],
          ["Revocations", String(s.revocations)],
        ],
      },
    ],
  };
  const revocations: Block = {
    kind: "section",
    id: "revocations",
    blocks: [
      { kind: "heading", level: 2, text: `Revocations in the period (${r.revocations.length})`, tone: r.revocations.length ? "warn" : "ok" },
      table(
        ["When", "Engineer", "How", "Vaults", "By"],
        r.revocations.map((v) => [minute(v.ts), v.engineer, v.action === "team-remove" ? "removed from the team" : v.action === "rekey" ? "rekey" : "revoked", v.vaults.join(", "), v.by]),
        "None.",
      ),
    ],
  };
  const out: Block[] = [
    { kind: "heading", level: 1, text: reportTitle(r) },
    {
      kind: "paragraph",
      text: `Period ${minute(r.period.since)} to ${minute(r.period.until)}. Prepared by ${r.generatedBy} with mfavault from the signed audit trail and the vaults the reviewer can decrypt.`,
    },
    summary,
    revocations,
    ...r.clients.map(clientSection),
  ];
  if (r.notReviewed.length > 0) {
    out.push({
      kind: "section",
      id: "not-reviewed",
      blocks: [
        { kind: "heading", level: 2, text: "Not reviewed", tone: "warn" },
        { kind: "paragraph", text: `The reviewer cannot decrypt ${r.notReviewed.join(", ")}: their rotation state and ticket settings are not in this report; a reader of each should run it too.` },
      ],
    });
  }
  const p = r.settings.policy;
  out.push({
    kind: "paragraph",
    text:
      `Settings: default rotation ${p.rotation.interval ? `every ${p.rotation.interval}` : "none"} (${p.rotation.tier} tier), high tier every ${p.rotation.high}; ` +
      `inherited seeds within ${p.inheritedWindow}; bulk read ${r.settings.review.bulkEntries}+ entries within ${r.settings.review.bulkMinutes} minutes. ` +
      "A reader can decrypt a vault with plain age and leave no audit line: this report covers reads through mfavault.",
  });
  return out;
}
