// Checking imported entries end to end: what the vault holds (read back with `export --format json`) and
// the code `mfavault code --json` prints, against oathtool (TOTP at the instant mfavault reports, HOTP at
// the carried counter). Steam codes, which oathtool cannot make, against a small reference written here.
import { base32 } from "@scure/base";
import { execaSync } from "execa";
import { createHmac } from "node:crypto";
import { expect } from "vitest";
import { oathtoolTotp, type World } from "./world.js";

export interface Expected {
  name: string;
  type: "totp" | "hotp" | "steam";
  secret: string;
  issuer: string;
  account: string;
  algorithm?: "SHA1" | "SHA256" | "SHA512";
  digits?: number;
  period?: number;
  counter?: number;
  notes?: string;
}

export function oathtoolHotp(seed: string, counter: number, digits = 6): string {
  return String(execaSync("oathtool", ["--hotp", "-b", `--counter=${counter}`, `--digits=${digits}`, "-"], { input: seed }).stdout).trim();
}

/** Steam Guard per OTP-INTERCHANGE.md §4.4, independent of src/core/otp.ts. */
export function referenceSteam(seed: string, unixSeconds: number): string {
  const padded = seed + "=".repeat((8 - (seed.length % 8)) % 8);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", base32.decode(padded)).update(msg).digest();
  let v = mac.readUInt32BE(mac[19]! & 15) & 0x7fffffff;
  let out = "";
  for (let i = 0; i < 5; i++, v = Math.floor(v / 26)) out += "23456789BCDFGHJKMNPQRTVWXY"[v % 26];
  return out;
}

export interface ExportedRow {
  vault: string;
  name: string;
  type: string;
  secret: string;
  algorithm: string;
  digits: number;
  period: number;
  counter?: number;
  issuer: string;
  account: string;
  notes: string;
}

/** The vault's entries as `export --format json --plaintext` writes them (one audited read). */
export async function exportedEntries(w: World, as: string, vault: string): Promise<ExportedRow[]> {
  const r = await w.run(as, ["export", vault, "--format", "json", "--plaintext"]);
  expect(r.exitCode, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { entries: ExportedRow[] }).entries;
}

/** Asserts the vault holds exactly `expected` (params, names, metadata) and every code matches oathtool. */
export async function expectImported(w: World, as: string, vault: string, expected: Expected[]): Promise<void> {
  const rows = await exportedEntries(w, as, vault);
  const want = expected
    .map((e) => ({
      name: e.name,
      type: e.type,
      secret: e.secret,
      algorithm: e.type === "steam" ? "SHA1" : e.algorithm ?? "SHA1",
      digits: e.type === "steam" ? 5 : e.digits ?? 6,
      period: e.period ?? 30,
      ...(e.type === "hotp" ? { counter: e.counter ?? 0 } : {}),
      issuer: e.issuer,
      account: e.account,
      notes: e.notes ?? "",
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  expect(rows.map(({ vault: _v, ...rest }) => rest)).toEqual(want);
  for (const e of want) {
    const r = await w.run(as, ["code", `${vault}/${e.name}`, "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { code: string; at: string; counter?: number };
    if (e.type === "hotp") {
      expect(got.counter, `${e.name} counter`).toBe(e.counter);
      expect(got.code, `${e.name} HOTP`).toBe(oathtoolHotp(e.secret, e.counter!, e.digits));
    } else if (e.type === "steam") {
      expect(got.code, `${e.name} Steam`).toBe(referenceSteam(e.secret, Date.parse(got.at) / 1000));
    } else {
      expect(got.code, `${e.name} TOTP`).toBe(oathtoolTotp(e.secret, got.at, { digits: e.digits, period: e.period, algorithm: e.algorithm }));
    }
  }
}
