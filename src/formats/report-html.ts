// The review report as one self-contained HTML file: inline CSS, no script, no external resource (a
// Content-Security-Policy says so to the browser too), every piece of text escaped, and print styles so
// it reads well on paper or as a PDF attached to compliance evidence.
import { escapeText } from "../core/escape.js";
import type { PolicyReport } from "../core/policy-report.js";
import { reportBlocks, reportTitle, type Block, type Tone } from "./report-layout.js";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML: control characters and bidi overrides made visible first, then markup characters escaped. */
export function htmlText(s: string): string {
  return escapeText(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** The colours of the tones; also what a screenshot test looks for in the section bars. */
export const TONE_COLORS: Record<Tone, string> = { alert: "#b3261e", warn: "#b26a00", ok: "#1e7b34", info: "#1f5fa8" };

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1b1b; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 8px; padding: 4px 10px; border-left: 8px solid #555; background: #f3f4f6; }
h3 { font-size: 16px; margin: 18px 0 6px; padding-left: 8px; border-left: 6px solid #888; }
h4 { font-size: 14px; margin: 12px 0 4px; }
p { margin: 6px 0; }
.tone-alert { border-left-color: ${TONE_COLORS.alert}; }
.tone-warn { border-left-color: ${TONE_COLORS.warn}; }
.tone-ok { border-left-color: ${TONE_COLORS.ok}; }
.tone-info { border-left-color: ${TONE_COLORS.info}; }
p.tone-warn, p.tone-alert { border-left: 4px solid; padding-left: 8px; }
section { margin-bottom: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #d8dadf; overflow-wrap: anywhere; }
th { background: #eceef2; font-weight: 600; }
ul { margin: 4px 0 8px; padding-left: 22px; }
.badges { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; padding: 0; list-style: none; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 10px; color: #fff; font-weight: 600; font-size: 12px; }
.badge.tone-alert { background: ${TONE_COLORS.alert}; }
.badge.tone-warn { background: ${TONE_COLORS.warn}; }
.badge.tone-ok { background: ${TONE_COLORS.ok}; }
.badge.tone-info { background: ${TONE_COLORS.info}; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, h3, h4 { break-after: avoid; }
  tr, li, .badges { break-inside: avoid; }
  thead { display: table-header-group; }
  section.vault { break-before: page; }
}
`;

function render(b: Block): string {
  const tone = (t: Tone | undefined) => (t ? ` class="tone-${t}"` : "");
  switch (b.kind) {
    case "heading":
      return `<h${b.level}${tone(b.tone)}>${htmlText(b.text)}</h${b.level}>`;
    case "paragraph":
      return `<p${tone(b.tone)}>${htmlText(b.text)}</p>`;
    case "list":
      return `<ul>${b.items.map((i) => `<li>${htmlText(i)}</li>`).join("")}</ul>`;
    case "badges":
      return `<ul class="badges">${b.items.map((i) => `<li class="badge tone-${i.tone}">${htmlText(i.text)}</li>`).join("")}</ul>`;
    case "table": {
      const head = `<thead><tr>${b.head.map((h) => `<th scope="col">${htmlText(h)}</th>`).join("")}</tr></thead>`;
      const rows = b.rows.map((r) => `<tr>${r.map((c) => `<td>${htmlText(c)}</td>`).join("")}</tr>`).join("\n");
      return `<table>${head}<tbody>\n${rows}\n</tbody></table>`;
    }
    case "section":
      return `<section id="${htmlText(b.id)}"${b.id.startsWith("vault-") ? ' class="vault"' : ""}>\n${b.blocks.map(render).join("\n")}\n</section>`;
  }
}

export function reportHtml(r: PolicyReport): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="mfavault">',
    `<title>${htmlText(reportTitle(r))}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    ...reportBlocks(r).map(render),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
