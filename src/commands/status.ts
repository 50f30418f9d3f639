// `mfavault status`: what needs attention, in sections. Each section adds its own keys to the one
// report object (`status --json`) and renders its own block of text; a new review adds a section here.
import type { Command } from "commander";
import type { AuditReview } from "../core/audit-review.js";
import { escapeText } from "../core/escape.js";
import { isMfaError } from "../core/errors.js";
import { rotationDueItems, type RotationDueItem } from "../core/policy.js";
import { listVaults } from "../repo/layout.js";
import type { Session } from "../repo/session.js";
import { loadVaultDoc, readManifest } from "../repo/vault-store.js";
import { accessSession, listSome } from "./access.js";
import { auditReviewSection } from "./audit-review.js";
import { emit, note, type Ctx } from "./context.js";
import { conflictSection, type ConflictItem } from "./status-conflicts.js";

/** The whole report. Sections own disjoint keys; a later section (audit review, schedules) adds its own. */
export interface StatusReport {
  /** Entries due for rotation because someone lost access, in the vaults you can read. */
  rotationDue: RotationDueItem[];
  /** Vaults you cannot decrypt: what is due in them is visible only to their readers. */
  notReadable: string[];
  /** Entries a merge kept with two seeds (see status-conflicts.ts). */
  conflicts: ConflictItem[];
  /** The monthly audit review over the last 30 days (see commands/audit-review.ts). */
  review?: AuditReview;
}

export interface StatusSection {
  title(report: StatusReport): string;
  collect(ctx: Ctx, s: Session): Promise<Partial<StatusReport>>;
  /** Lines under the section's title; the title is printed by the renderer. */
  render(report: StatusReport): string[];
}

const rotationSection: StatusSection = {
  title: (r) => `Rotation due (${r.rotationDue.length})`,
  async collect(ctx, s) {
    const rotationDue: RotationDueItem[] = [];
    const notReadable: string[] = [];
    for (const vault of listVaults(s.root)) {
      try {
        if (!readManifest(s.root, vault).recipients.some((r) => r.name === s.me.name)) {
          notReadable.push(vault);
          continue;
        }
        rotationDue.push(...rotationDueItems(await loadVaultDoc(s, vault)));
      } catch (e) {
        if (!isMfaError(e)) throw e;
        note(ctx, `warning: ${vault} not checked: ${e.message}`);
        notReadable.push(vault);
      }
    }
    return { rotationDue, notReadable };
  },
  render(r) {
    const lines =
      r.rotationDue.length === 0
        ? ["nothing is due for rotation"]
        : r.rotationDue.map((i) => `  ${i.entry}  ${escapeText(i.issuer) || "-"}${i.account ? ` — ${escapeText(i.account)}` : ""}  since ${i.since.slice(0, 10)}: ${escapeText(i.reason)}`);
    if (r.rotationDue.length > 0) lines.push("  rotate each seed at its service, then: mfavault rotate <entry> --secret-stdin");
    if (r.notReadable.length > 0) lines.push(`  not checked (you cannot decrypt them): ${listSome(r.notReadable)}`);
    return lines;
  },
};

export const STATUS_SECTIONS: StatusSection[] = [rotationSection, conflictSection, auditReviewSection];

export function renderStatus(report: StatusReport, sections: StatusSection[] = STATUS_SECTIONS): string {
  return sections.map((sec) => [sec.title(report), ...sec.render(report)].join("\n")).join("\n\n");
}

export async function runStatus(ctx: Ctx): Promise<void> {
  const s = await accessSession(ctx);
  const report: StatusReport = { rotationDue: [], notReadable: [], conflicts: [] };
  for (const section of STATUS_SECTIONS) Object.assign(report, await section.collect(ctx, s));
  emit(ctx, report, (r) => renderStatus(r));
}

export function defineStatus(program: Command, ctx: Ctx): void {
  program
    .command("status")
    .description("what needs attention: seeds due for rotation (and why), and the monthly audit review")
    .addHelpText("after", '\nExamples:\n  mfavault status\n  mfavault status --json    # {"rotationDue":[{"entry":"acme/aws","vault":"acme","since":"…","reason":"bob revoked",…}],…}')
    .action(() => runStatus(ctx));
}
