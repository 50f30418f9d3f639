// The import formats by name (what `--format` takes), each with its parser.
import { parseAegis } from "./aegis.js";
import { parseAndOtp } from "./andotp.js";
import { parseBitwarden } from "./bitwarden.js";
import { parseCsv } from "./csv.js";
import { parseEnte } from "./ente.js";
import { parseFreeOtpPlus } from "./freeotp-plus.js";
import { parseGoogleMigration } from "./google-migration.js";
import type { ImportResult, ParseOptions } from "./imported.js";
import { parseMfavaultJson } from "./mfavault-json.js";
import { parseOnePassword } from "./onepassword.js";
import { parseOtpauthList } from "./otpauth-list.js";
import { parseQrImage } from "./qr-image.js";
import { parseRaivo } from "./raivo.js";
import { parseTwofas } from "./twofas.js";

export type Parser = (input: Buffer, opts: ParseOptions) => ImportResult | Promise<ImportResult>;

export const IMPORT_FORMATS = {
  csv: { describe: "CSV with a header (name,secret,issuer,account,…, or a uri column)", parse: (b) => parseCsv(b) },
  otpauth: { describe: "text, one otpauth:// URI a line", parse: (b) => parseOtpauthList(b) },
  google: { describe: "Google Authenticator export (otpauth-migration:// lines)", parse: (b) => parseGoogleMigration(b) },
  aegis: { describe: "Aegis JSON backup, plain or encrypted", parse: (b, o) => parseAegis(b, o) },
  "2fas": { describe: "2FAS backup (.2fas), plain or encrypted", parse: (b, o) => parseTwofas(b, o) },
  bitwarden: { describe: "Bitwarden export, unencrypted JSON or CSV", parse: (b) => parseBitwarden(b) },
  andotp: { describe: "andOTP plain JSON backup", parse: (b) => parseAndOtp(b) },
  "freeotp-plus": { describe: "FreeOTP+ JSON backup", parse: (b) => parseFreeOtpPlus(b) },
  raivo: { describe: "Raivo OTP export JSON (from its ZIP)", parse: (b) => parseRaivo(b) },
  ente: { describe: "Ente Auth plain-text export", parse: (b) => parseEnte(b) },
  "1password": { describe: "1Password 8 CSV export", parse: (b) => parseOnePassword(b) },
  qr: { describe: "PNG or JPEG image of a QR code", parse: (b) => parseQrImage(b) },
  mfavault: { describe: "mfavault's own JSON export", parse: (b) => parseMfavaultJson(b) },
} satisfies Record<string, { describe: string; parse: Parser }>;

export type ImportFormat = keyof typeof IMPORT_FORMATS;

export function isImportFormat(name: string): name is ImportFormat {
  return Object.hasOwn(IMPORT_FORMATS, name);
}
