import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, neutraliseCell, restoreCell } from "../../../src/formats/csv-cells.js";
import { readCsv } from "../../../src/formats/csv-reader.js";
import { parseCsv } from "../../../src/formats/csv.js";
import { parseBitwardenCsv } from "../../../src/formats/bitwarden.js";
import { parseOnePassword } from "../../../src/formats/onepassword.js";
import { badInputMessage } from "./expect-bad-input.js";

const SEED = "JBSWY3DPEHPK3PXP";

describe("CSV reading", () => {
  it("strips a BOM, accepts CRLF, LF and lone CR, keeps newlines inside quotes and numbers rows by their first line", () => {
    const t = readCsv(Buffer.from(`\uFEFFa,b\r\n1,"x\r\ny"\r\n\r\n2,"q ""z"", w"\r3,4`), "f");
    expect(t.header).toEqual(["a", "b"]);
    expect(t.rows).toEqual([
      { line: 2, cells: ["1", "x\r\ny"] },
      { line: 5, cells: ["2", 'q "z", w'] },
      { line: 6, cells: ["3", "4"] },
    ]);
  });

  it("decodes UTF-16 with a BOM and refuses bytes that are not UTF-8", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a,b\n1,é\n", "utf16le")]);
    expect(readCsv(utf16, "f").rows[0]!.cells).toEqual(["1", "é"]);
    expect(await badInputMessage(() => readCsv(Buffer.from([0x61, 0x0a, 0xe9, 0x0a]), "the CSV file"))).toMatch(/not UTF-8 text/);
  });

  it("honours an Excel sep= line and keeps line numbers true to the file", () => {
    const t = readCsv("sep=;\nname;secret\nx;y\n", "f");
    expect(t.header).toEqual(["name", "secret"]);
    expect(t.rows).toEqual([{ line: 3, cells: ["x", "y"] }]);
  });

  it("reports ragged rows by line and keeps the others", () => {
    const t = readCsv("a,b\n1\n2,3\n4,5,6\n", "f");
    expect(t.rows.map((r) => r.line)).toEqual([3]);
    expect(t.problems).toEqual([
      { at: "line 2", problem: "has 1 fields but the header has 2" },
      { at: "line 4", problem: "has 3 fields but the header has 2" },
    ]);
  });

  it("refuses an unterminated quote naming the line it starts on, and a stray quote, without echoing cells", async () => {
    expect(await badInputMessage(() => readCsv(`name,secret\nok,${SEED}\nbad,"${SEED}\nmore\n`, "f.csv"))).toBe("f.csv: the quoted field on line 3 is never closed");
    const stray = await badInputMessage(() => readCsv(`name,secret\nx,${SEED}"tail"\n`, "f.csv"));
    expect(stray).toMatch(/stray quote on line 2/);
    expect(stray).not.toContain(SEED);
  });
});

describe("mfavault CSV import", () => {
  it("accepts header synonyms in any case and spacing, and ignores unknown columns", () => {
    const r = parseCsv(`Entry Name , SEED,Service,User Name,ALGO,Length,Time Step,Token Type,Counter,Comment,Folder\nx,${SEED},Svc,me,sha512,8,60,TOTP,,hi,f\n`);
    expect(r.problems).toEqual([]);
    expect(r.entries[0]).toMatchObject({ name: "x", exactName: true, issuer: "Svc", account: "me", notes: "hi", params: { algorithm: "SHA512", digits: 8, period: 60 } });
  });

  it("takes a URI column instead of parameters; name columns override the URI's, parameter columns must agree", () => {
    const uri = `otpauth://totp/U:u?secret=${SEED}&issuer=U&digits=8`;
    const r = parseCsv(`name,uri,issuer,digits\na,${uri},,\nb,${uri},Override,8\nc,${uri},,6\n`);
    expect(r.entries.map((e) => [e.name, e.issuer, e.params.digits])).toEqual([
      ["a", "U", 8],
      ["b", "Override", 8],
    ]);
    expect(r.problems).toEqual([{ at: "line 4", problem: "the digits column disagrees with the URI's digits" }]);
  });

  it("reports a row with both a secret and a URI, and an empty secret", () => {
    const r = parseCsv(`name,secret,uri\na,${SEED},otpauth://totp/x?secret=${SEED}\nb,,\n`);
    expect(r.problems.map((p) => p.problem)).toEqual(["both a secret and an otpauth URI are given: keep one", "the secret is empty"]);
  });

  it("skips rows without an OTP when the file has only a TOTP column (password-manager CSVs)", () => {
    const r = parseCsv(`url,username,password,totp,extra,name,grouping,fav\nhttps://x,me,pw,,,Mail,,0\nhttps://y,me,pw,${SEED},,Bank,,0\n`);
    expect(r.skipped).toBe(1);
    expect(r.entries[0]).toMatchObject({ name: "Bank", account: "me", params: { secret: SEED } });
  });

  it("refuses a header without a secret column and a header naming a column twice", async () => {
    expect(await badInputMessage(() => parseCsv("name,issuer\nx,y\n"))).toMatch(/no secret column/);
    expect(await badInputMessage(() => parseCsv(`secret,Seed\n${SEED},${SEED}\n`))).toMatch(/names the same column twice/);
  });

  it("restores cells the exporter neutralised", () => {
    const r = parseCsv(`name,secret,issuer,account,notes\nx,${SEED},'=cmd,'''+1,'@SUM\n`);
    expect(r.entries[0]).toMatchObject({ issuer: "=cmd", account: "''+1", notes: "@SUM" });
  });
});

describe("formula neutralisation", () => {
  it("prefixes cells a spreadsheet would run, and nothing else", () => {
    expect(["=1+1", "+1", "-1", "@x", "\tx", "\rx", "'=x", "ok", "'ok", "", "a=b"].map(neutraliseCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@x",
      "'\tx",
      "'\rx",
      "''=x",
      "ok",
      "'ok",
      "",
      "a=b",
    ]);
  });

  it("is undone exactly by the importer for every string (property)", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("'", "=", "+", "-", "@", "\t", "\r", "a", ",", '"', "\n") }), (s) => restoreCell(neutraliseCell(s)) === s));
    fc.assert(fc.property(fc.string(), (s) => restoreCell(neutraliseCell(s)) === s));
  });

  it("round-trips through a written and re-read CSV field", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", "=", "+", "-", "@", "\t", "\r", "\n", "a", ",", '"', " ") }), (s) => {
        const t = readCsv(`a,b\n${csvField(s)},x\n`, "f");
        return restoreCell(t.rows[0]!.cells[0]!) === s;
      }),
    );
  });
});

describe("Bitwarden and 1Password CSV", () => {
  it("Bitwarden: login rows with TOTP become entries, other rows are skipped", () => {
    const r = parseBitwardenCsv(
      `folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n,,login,Bank,"a\nb",,0,,me,pw,${SEED}\n,,note,N,x,,0,,,,\n,,login,Mail,,,0,,me,pw,\n`,
    );
    expect(r.entries.map((e) => [e.at, e.name, e.issuer, e.account])).toEqual([["line 2", "Bank", "Bank", "me"]]);
    expect(r.entries[0]!.notes).toBeUndefined();
    expect(r.skipped).toBe(2);
  });

  it("1Password: the OTPAuth column; rows without it skipped; bad URIs named by line", () => {
    const r = parseOnePassword(`Title,Url,Username,Password,OTPAuth\n"A","u","me","pw","otpauth://totp/A?secret=${SEED}"\n"B","u","me","pw",""\n"C","u","me","pw","otpauth://totp/C?secret=BAD1"\n`);
    expect(r.entries.map((e) => e.name)).toEqual(["A"]);
    expect(r.skipped).toBe(1);
    expect(r.problems).toEqual([{ at: "line 4", problem: expect.stringMatching(/invalid base32 seed/) }]);
  });
});
