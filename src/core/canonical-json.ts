// Deterministic JSON (keys sorted, no whitespace) for everything that is signed or hashed.
import { badInput } from "./errors.js";
import { jsonErrorOffset, lineColumn } from "./json-error-position.js";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/**
 * Parses JSON from an untrusted file into `unknown`, turning syntax errors into a bad-input message.
 * V8's own message quotes the text around the error, which may be a seed: only the position is given.
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const at = jsonErrorOffset(text);
    if (at >= text.length) throw badInput(`${what}: not valid JSON (it is empty or ends too early)`);
    throw badInput(`${what}: not valid JSON at ${lineColumn(text, at)}`);
  }
}
