// Formula neutralisation for CSV cells (OWASP CSV injection, ASVS 5.0 §1.2.10). A spreadsheet runs a cell
// that starts with = + - @ TAB or CR as a formula, so the exporter prefixes such a cell with one `'`.
// To keep the export reversible, a cell that already starts with quotes followed by one of those
// characters gets one more quote; the importer removes exactly one quote from any cell of the form
// '+[= + - @ TAB CR]. So export(v) = "'" + v when v matches /^'*[=+\-@\t\r]/, else v, and import undoes it.

const NEEDS_QUOTE = /^'*[=+\-@\t\r]/;
const QUOTED = /^'+[=+\-@\t\r]/;

export function neutraliseCell(value: string): string {
  return NEEDS_QUOTE.test(value) ? `'${value}` : value;
}

export function restoreCell(value: string): string {
  return QUOTED.test(value) ? value.slice(1) : value;
}

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled). */
export function csvField(value: string): string {
  const v = neutraliseCell(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
