// Small type guards for parsing untrusted JSON once, at the boundary, into typed values.
import { badInput } from "./errors.js";

export type Json = Record<string, unknown>;

export function asObject(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw badInput(`${what}: expected a JSON object`);
  return v as Json;
}

export function str(o: Json, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== "string") throw badInput(`${what}: "${key}" must be a string`);
  return v;
}

export function optStr(o: Json, key: string, what: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, what);
}

export function int(o: Json, key: string, what: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw badInput(`${what}: "${key}" must be an integer from ${min} to ${max}`);
  }
  return v;
}

export function isoDate(o: Json, key: string, what: string): string {
  const v = str(o, key, what);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw badInput(`${what}: "${key}" must be a UTC timestamp like 2026-01-31T12:00:00Z`);
  }
  return v;
}

export function oneOf<T extends string>(o: Json, key: string, what: string, values: readonly T[]): T {
  const v = str(o, key, what);
  if (!values.includes(v as T)) throw badInput(`${what}: "${key}" must be one of ${values.join(", ")}`);
  return v as T;
}
