// Turning a file's bytes into text the way exports really arrive: UTF-8 with or without a BOM, or UTF-16
// with a BOM (Excel's "Unicode text"). Anything else is refused rather than guessed (§5 #30, #31).
import { badInput } from "../core/errors.js";

export function textOf(input: Buffer | string, what: string): string {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  if (input[0] === 0xff && input[1] === 0xfe) return new TextDecoder("utf-16le").decode(input.subarray(2));
  if (input[0] === 0xfe && input[1] === 0xff) return new TextDecoder("utf-16be").decode(input.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    throw badInput(`${what} is not UTF-8 text: save it as "CSV UTF-8" (or UTF-8 text) and import it again`);
  }
}

/** Lines of a text file with their 1-based numbers; a trailing newline makes no extra line. */
export function numberedLines(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((t, i) => ({ line: i + 1, text: t }));
}
