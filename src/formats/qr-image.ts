// A QR code in a PNG or JPEG (a screenshot of an enrolment page, a photo of a Google Authenticator export
// screen) holding an otpauth:// or otpauth-migration:// URI. The image decoders (pngjs, jpeg-js) and the
// QR reader (jsQR) are loaded only when an image is imported.
import { badInput } from "../core/errors.js";
import { batchProblems, parseMigrationUri } from "./google-migration.js";
import { emptyResult, problemMessage, type ImportResult } from "./imported.js";
import { importExternal } from "../load-external.js";
import { uriEntry } from "./otpauth-list.js";

const MAX_PIXELS = 40_000_000;

export function isPng(b: Buffer): boolean {
  return b.length > 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a;
}

export function isJpeg(b: Buffer): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

async function pixels(image: Buffer): Promise<Rgba> {
  try {
    if (isPng(image)) {
      const { PNG } = await importExternal<typeof import("pngjs")>("pngjs");
      const png = PNG.sync.read(image);
      if (png.width * png.height > MAX_PIXELS) throw badInput("the image is too large to scan (over 40 megapixels)");
      return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height };
    }
    if (isJpeg(image)) {
      const jpeg = await importExternal<typeof import("jpeg-js") & { default?: typeof import("jpeg-js") }>("jpeg-js");
      const decode = (jpeg.default ?? jpeg).decode;
      const img = decode(image, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 512 });
      return { data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), width: img.width, height: img.height };
    }
  } catch (e) {
    if ((e as { kind?: string }).kind === "badInput") throw e;
    throw badInput("the image could not be decoded (a damaged or truncated PNG/JPEG)");
  }
  throw badInput("not a PNG or JPEG image");
}

/** The text in the image's QR code. */
export async function readQrText(image: Buffer): Promise<string> {
  const { data, width, height } = await pixels(image);
  const jsqr = await importExternal<{ default?: typeof import("jsqr").default } & typeof import("jsqr")>("jsqr");
  const jsQR = (jsqr.default ?? jsqr) as unknown as typeof import("jsqr").default;
  const code = jsQR(data, width, height, { inversionAttempts: "attemptBoth" });
  if (!code) throw badInput("no QR code found in the image: crop it to the code, or import the otpauth URI as text");
  return code.data;
}

export async function parseQrImage(image: Buffer): Promise<ImportResult> {
  const text = (await readQrText(image)).trim();
  const at = "the QR code";
  const out = emptyResult();
  try {
    if (/^otpauth-migration:/i.test(text)) {
      const { result, batch } = parseMigrationUri(text, at);
      result.problems.push(...batchProblems([batch]));
      return result;
    }
    if (!/^(otpauth|steam):/i.test(text)) throw badInput("the QR code does not hold an otpauth:// or otpauth-migration:// URI");
    out.entries.push(uriEntry(text, at));
  } catch (e) {
    out.problems.push({ at, problem: problemMessage(e) });
  }
  return out;
}
