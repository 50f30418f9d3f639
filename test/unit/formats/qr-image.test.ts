import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseQrImage, readQrText } from "../../../src/formats/qr-image.js";
import { migrationPayload, migrationUri, pngToJpeg, qrPng } from "../../helpers/fixture-makers.js";
import { badInputMessage } from "./expect-bad-input.js";

const dir = mkdtempSync(join(tmpdir(), "mfavault-qr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("QR code images", () => {
  it("reads an otpauth URI from a qrencode PNG and from a JPEG of it", async () => {
    const uri = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
    qrPng(uri, join(dir, "a.png"));
    pngToJpeg(join(dir, "a.png"), join(dir, "a.jpg"), 70);
    expect(await readQrText(readFileSync(join(dir, "a.png")))).toBe(uri);
    expect(await readQrText(readFileSync(join(dir, "a.jpg")))).toBe(uri);
    const r = await parseQrImage(readFileSync(join(dir, "a.jpg")));
    expect(r.entries[0]).toMatchObject({ at: "the QR code", issuer: "ACME", account: "alice" });
  });

  it("reads a Google export QR code, and refuses one that is part of a larger batch", async () => {
    qrPng(migrationUri(migrationPayload([{ secret: Buffer.from("abcdefghij"), name: "G:me" }])), join(dir, "g.png"));
    expect((await parseQrImage(readFileSync(join(dir, "g.png")))).entries[0]).toMatchObject({ issuer: "G", account: "me" });
    qrPng(migrationUri(migrationPayload([{ secret: Buffer.from("abcdefghij"), name: "G:me" }], { size: 2, index: 0, id: 1 })), join(dir, "g2.png"));
    expect((await parseQrImage(readFileSync(join(dir, "g2.png")))).problems[0]!.problem).toMatch(/QR code 2 of 2 missing/);
  });

  it("reports a QR code that holds something else, an image without a code and a damaged image", async () => {
    qrPng("https://example.com", join(dir, "web.png"));
    expect((await parseQrImage(readFileSync(join(dir, "web.png")))).problems[0]!.problem).toMatch(/does not hold an otpauth/);
    const { PNG } = await import("pngjs");
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    expect(await badInputMessage(() => readQrText(PNG.sync.write(blank)))).toMatch(/no QR code found/);
    const png = readFileSync(join(dir, "web.png"));
    expect(await badInputMessage(() => readQrText(png.subarray(0, 60)))).toMatch(/could not be decoded/);
  });
});
