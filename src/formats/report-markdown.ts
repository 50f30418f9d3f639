// The review report as Markdown (CommonMark with GitHub tables), for a wiki page or a ticket. Every piece
// of text is escaped: control characters made visible, every character that starts inline markup, a
// table cell, an HTML tag or entity backslash-escaped, and URL and e-mail shapes broken, so nothing from a
// name, reason or ticket becomes markup or a link. Text is always one line, never at a block's start.
import { escapeText } from "../core/escape.js";
import type { PolicyReport } from "../core/policy-report.js";
import { reportBlocks, type Block } from "./report-layout.js";

export function mdText(s: string): string {
  return escapeText(s)
    .replace(/[\\`*_[\]<>#|~&@]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, "\\://")
    .replace(/\b(www)\./gi, "$1\\.");
}

const TONE_MARK = { alert: "⚠ ", warn: "⚠ ", ok: "", info: "" } as const;

function render(b: Block): string {
  switch (b.kind) {
    case "heading":
      return `${"#".repeat(b.level)} ${b.tone ? TONE_MARK[b.tone] : ""}${mdText(b.text)}`;
    case "paragraph":
      return b.tone === "warn" || b.tone === "alert" ? `> ${mdText(b.text)}` : mdText(b.text);
    case "list":
      return b.items.map((i) => `- ${mdText(i)}`).join("\n");
    case "badges":
      return b.items.map((i) => `**${mdText(i.text)}**`).join(" · ");
    case "table": {
      const row = (cells: string[]) => `| ${cells.map((c) => (c === "" ? " " : mdText(c))).join(" | ")} |`;
      return [row(b.head), `|${b.head.map(() => " --- ").join("|")}|`, ...b.rows.map(row)].join("\n");
    }
    case "section":
      return b.blocks.map(render).join("\n\n");
  }
}

export function reportMarkdown(r: PolicyReport): string {
  return `${reportBlocks(r).map(render).join("\n\n")}\n`;
}
