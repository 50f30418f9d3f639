// mfavault's own CSV (what `export --format csv` writes) and any CSV with an OTP column: a header naming
// the columns (synonyms accepted, case and spacing ignored), one entry a row. A row gives either a secret
// plus parameter columns, or an otpauth URI (columns then override its names and must agree with its
// parameters). Cells neutralised against formulas by the exporter are restored first (see csv-cells.ts).
import { badInput } from "../core/errors.js";
import type { OtpParams } from "../core/entry.js";
import { parseAlgorithm, parseOtpauthUri, strictInt } from "../core/otpauth-uri.js";
import { otpParams, otpType } from "./fields.js";
import { restoreCell } from "./csv-cells.js";
import { columnIndex, readCsv } from "./csv-reader.js";
import { convertRecords, SKIP, type ImportResult, type ImportedEntry } from "./imported.js";

const COLUMNS = {
  name: ["name", "entry", "entry name"],
  title: ["title"],
  secret: ["secret", "seed", "key", "secret key", "totp secret", "otp secret", "base32 secret"],
  uri: ["uri", "otpauth", "otpauth uri", "otp uri", "totp uri", "key uri"],
  otp: ["totp", "otp", "login_totp", "one-time password"],
  issuer: ["issuer", "service", "service name", "provider"],
  account: ["account", "account name", "username", "user", "login", "email", "label"],
  algorithm: ["algorithm", "algo", "hash"],
  digits: ["digits", "length", "code length"],
  period: ["period", "interval", "time step", "step", "timer"],
  type: ["type", "kind", "otp type", "token type"],
  counter: ["counter", "hotp counter"],
  notes: ["notes", "note", "comment", "comments", "description"],
} as const;
type Column = keyof typeof COLUMNS;

const num = (cell: string, what: string) => strictInt(cell.trim(), `the ${what} column`, "");
const algorithm = (cell: string) => parseAlgorithm(cell.trim(), "the algorithm column");

/** Parameters from a secret cell and the parameter columns (defaults: totp, SHA1, 6 digits, 30 s). */
function paramsFromColumns(secret: string, get: (c: Column) => string): OtpParams {
  return otpParams({
    type: otpType(get("type").trim()),
    secret,
    algorithm: algorithm(get("algorithm")),
    digits: get("digits").trim() ? num(get("digits"), "digits") : 6,
    period: get("period").trim() ? num(get("period"), "period") : 30,
    counter: get("counter").trim() ? num(get("counter"), "counter") : 0,
  });
}

/** A parameter column next to a URI may repeat the URI's value, never contradict it. */
function checkAgrees(p: OtpParams, get: (c: Column) => string): void {
  const given: [Column, string | number | undefined, (s: string) => string | number][] = [
    ["type", p.type, (s) => otpType(s)],
    ["algorithm", p.algorithm, algorithm],
    ["digits", p.digits, (s) => num(s, "digits")],
    ["period", p.period, (s) => num(s, "period")],
    ["counter", p.counter, (s) => num(s, "counter")],
  ];
  for (const [col, fromUri, read] of given) {
    const cell = get(col).trim();
    if (cell && fromUri !== undefined && read(cell) !== fromUri) throw badInput(`the ${col} column disagrees with the URI's ${col}`);
  }
}

export function parseCsv(input: Buffer | string): ImportResult {
  const what = "the CSV file";
  const table = readCsv(input, what);
  const index = Object.fromEntries(Object.entries(COLUMNS).map(([k, names]) => [k, columnIndex(table, names, what)])) as Record<Column, number>;
  if (index.secret < 0 && index.uri < 0 && index.otp < 0) {
    throw badInput(`${what} has no secret column: the header needs "secret" (or "uri"/"totp" holding otpauth URIs), e.g. name,secret,issuer,account`);
  }
  const out = convertRecords(table.rows, (i) => `line ${table.rows[i]!.line}`, (row, at): ImportedEntry | typeof SKIP => {
    const get = (c: Column) => (index[c] < 0 ? "" : restoreCell(row.cells[index[c]]!));
    const secret = get("secret").trim();
    const link = (get("uri") || get("otp")).trim();
    if (!secret && !link) {
      if (index.secret >= 0) throw badInput("the secret is empty");
      return SKIP;
    }
    if (secret && link) throw badInput("both a secret and an otpauth URI are given: keep one");
    let params: OtpParams;
    let issuer = "";
    let account = "";
    const warnings: string[] = [];
    if (secret) params = paramsFromColumns(secret, get);
    else if (!/^[a-z][a-z0-9+.-]*:/i.test(link) && get("uri") === "") params = paramsFromColumns(link, get);
    else {
      const parsed = parseOtpauthUri(link);
      checkAgrees(parsed.params, get);
      ({ params, issuer, account } = parsed);
      warnings.push(...parsed.warnings);
    }
    const name = get("name").trim() || get("title").trim();
    return {
      at,
      params,
      issuer: get("issuer") || issuer,
      account: get("account") || account,
      ...(name ? { name, exactName: get("name").trim() !== "" } : {}),
      ...(get("notes") ? { notes: get("notes") } : {}),
      warnings,
    };
  });
  out.problems.unshift(...table.problems);
  return out;
}
