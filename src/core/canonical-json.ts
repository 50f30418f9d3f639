// Deterministic JSON (keys sorted, no whitespace) for everything that is signed or hashed.
import { badInput } from "./errors.js";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** Parses JSON from an untrusted file into `unknown`, turning syntax errors into a bad-input message. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badInput(`${what}: not valid JSON (${(e as Error).message})`);
  }
}
