// Turning a file's bytes into text the way exports really arrive: UTF-8 with or without a BOM, or UTF-16
// with a BOM (Excel's "Unicode text"). Anything else is refused rather than guessed (§5 #30, #31).
import { badInput } from "../core/errors.js";

export function textOf(input: Buffer | string, what: string): string {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  const bom16 = input[0] === 0xff && input[1] === 0xfe ? "utf-16le" : input[0] === 0xfe && input[1] === 0xff ? "utf-16be" : null;
  try {
    if (bom16) return new TextDecoder(bom16, { fatal: true }).decode(input.subarray(2));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    if (bom16) throw badInput(`${what} starts with a UTF-16 byte-order mark but is not valid UTF-16`);
    throw badInput(`${what} is not UTF-8 text: save it as "CSV UTF-8" (or UTF-8 text) and import it again`);
  }
}

/** Lines of a text file with their 1-based numbers; a trailing newline makes no extra line. */
export function numberedLines(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((t, i) => ({ line: i + 1, text: t }));
}
