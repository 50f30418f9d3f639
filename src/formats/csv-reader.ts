// Reading CSV exports (mfavault's own, Bitwarden, 1Password, other password managers) into a header and
// numbered rows with csv-parse: RFC 4180 quoting (commas, quotes and newlines inside quoted fields), a
// BOM, CRLF/LF/CR row ends and an Excel `sep=;` first line. Line numbers are where each row starts.
import { CsvError, parse } from "csv-parse/sync";
import { badInput } from "../core/errors.js";
import type { RowProblem } from "./imported.js";
import { textOf } from "./text.js";

export interface CsvRow {
  line: number;
  cells: string[];
}

export interface CsvTable {
  /** Header cells as written (trimmed). */
  header: string[];
  headerLine: number;
  rows: CsvRow[];
  /** Ragged rows (too few or too many fields), by line. */
  problems: RowProblem[];
}

/** Counts line breaks (LF, CRLF or a lone CR) in buf[from, to). */
function lineBreaks(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = buf[i];
    if (b === 0x0a || (b === 0x0d && buf[i + 1] !== 0x0a)) n++;
  }
  return n;
}

function csvFailure(e: CsvError, buf: Buffer, firstLine: number, what: string): never {
  const info = e as CsvError & { lines?: number; bytes_records?: number };
  const startLine = firstLine + lineBreaks(buf, 0, info.bytes_records ?? 0);
  if (e.code === "CSV_QUOTE_NOT_CLOSED") throw badInput(`${what}: the quoted field on line ${startLine} is never closed`);
  const line = info.lines ? firstLine - 1 + info.lines : startLine;
  if (e.code === "INVALID_OPENING_QUOTE" || e.code === "CSV_INVALID_CLOSING_QUOTE") {
    throw badInput(`${what}: a stray quote on line ${line}: put the whole field in quotes and double any quote inside it`);
  }
  throw badInput(`${what}: not valid CSV at line ${line} (${e.code})`);
}

export function readCsv(input: Buffer | string, what: string): CsvTable {
  let text = textOf(input, what);
  let firstLine = 1;
  let delimiter = ",";
  const sep = /^sep=(.)\r?\n/i.exec(text);
  if (sep) {
    delimiter = sep[1]!;
    text = text.slice(sep[0].length);
    firstLine = 2;
  }
  const buf = Buffer.from(text);
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    const options = { delimiter, record_delimiter: ["\r\n", "\n", "\r"], relax_column_count: true, info: true, skip_empty_lines: false };
    records = parse(buf, options) as unknown as typeof records;
  } catch (e) {
    if (e instanceof CsvError) csvFailure(e, buf, firstLine, what);
    throw e;
  }
  const table: CsvTable = { header: [], headerLine: 0, rows: [], problems: [] };
  let pos = 0;
  let line = firstLine;
  for (const { record, info } of records) {
    const start = line;
    line += lineBreaks(buf, pos, info.bytes);
    pos = info.bytes;
    if (record.every((c) => c.trim() === "")) continue;
    if (table.headerLine === 0) {
      table.header = record.map((c) => c.trim());
      table.headerLine = start;
      continue;
    }
    if (record.length !== table.header.length) {
      table.problems.push({ at: `line ${start}`, problem: `has ${record.length} fields but the header has ${table.header.length}` });
      continue;
    }
    table.rows.push({ line: start, cells: record });
  }
  if (table.headerLine === 0) throw badInput(`${what} is empty: expected a header line and rows`);
  return table;
}

/** Header lookup by name, case- and space-insensitive; refuses a column named twice. */
export function columnIndex(table: CsvTable, names: readonly string[], what: string): number {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const wanted = new Set(names.map(norm));
  const found = table.header.map((h, i) => (wanted.has(norm(h)) ? i : -1)).filter((i) => i >= 0);
  if (found.length > 1) throw badInput(`${what}: the header names the same column twice (${found.map((i) => `"${table.header[i]}"`).join(", ")})`);
  return found[0] ?? -1;
}
