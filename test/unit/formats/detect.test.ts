import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { detectFormat, isEncryptedExport } from "../../../src/formats/detect.js";
import { encryptedAegis } from "../../helpers/fixture-makers.js";
import { badInputMessage } from "./expect-bad-input.js";

const FIX = resolve(import.meta.dirname, "../../../fixtures/import");

describe("format detection from content", () => {
  const expected: Record<string, string> = {
    "aegis-plain.json": "aegis",
    "andotp.json": "andotp",
    "bad-rows.csv": "csv",
    "bitwarden.csv": "bitwarden",
    "bitwarden.json": "bitwarden",
    "ente_plain.txt": "ente",
    "freeotpplus.json": "freeotp-plus",
    "google-migration.txt": "google",
    "mfavault.csv": "csv",
    "onepassword8.csv": "1password",
    "raivo-otp-export.json": "raivo",
    "twofas.2fas": "2fas",
    "uris.txt": "otpauth",
  };

  it("recognises every fixture", () => {
    const files = readdirSync(FIX).filter((f) => !f.endsWith(".md"));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    for (const f of files) expect([f, detectFormat(readFileSync(resolve(FIX, f)), f).format]).toEqual([f, expected[f]]);
  });

  it("recognises images by magic bytes, mfavault's own JSON, and encrypted backups", () => {
    expect(detectFormat(Buffer.from("89504e470d0a1a0a0000", "hex"), "x").format).toBe("qr");
    expect(detectFormat(Buffer.from("ffd8ffe000", "hex"), "x").format).toBe("qr");
    expect(detectFormat(Buffer.from('{"format":"mfavault-export","version":1,"entries":[]}'), "x").format).toBe("mfavault");
    const enc = Buffer.from(encryptedAegis({ version: 3, entries: [] }, "pw"));
    expect(detectFormat(enc, "x")).toEqual({ format: "aegis", encrypted: true });
    expect(isEncryptedExport("aegis", enc)).toBe(true);
    expect(isEncryptedExport("aegis", readFileSync(resolve(FIX, "aegis-plain.json")))).toBe(false);
  });

  it("says it cannot tell, pointing at --format, rather than guessing", async () => {
    expect(await badInputMessage(() => detectFormat(Buffer.from("hello\n"), "x.txt"))).toMatch(/cannot tell the format of x.txt: pass --format/);
    expect(await badInputMessage(() => detectFormat(Buffer.from('{"some":"json"}'), "x.json"))).toMatch(/cannot tell which app/);
    expect(await badInputMessage(() => detectFormat(Buffer.from([0x00, 0xc3, 0x28, 0xa0]), "x.bin"))).toMatch(/encrypted andOTP backup/);
    expect(await badInputMessage(() => detectFormat(Buffer.from("  \n"), "x"))).toMatch(/is empty/);
  });
});
