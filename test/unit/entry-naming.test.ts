import { describe, expect, it } from "vitest";
import { assignNames, baseNames, slugName, type NameSource } from "../../src/core/entry-naming.js";
import { checkName } from "../../src/core/names.js";
import fc from "fast-check";

const src = (at: string, issuer: string, account = "", extra: Partial<NameSource> = {}): NameSource => ({ at, issuer, account, ...extra });

describe("entry names from imported metadata", () => {
  it.each([
    ["ACME Co.", "acme-co"],
    ["Amazon Web Services", "amazon-web-services"],
    ["Ünïcödé Bank", "unicode-bank"],
    ["..hidden/../path", "hidden-.-path"],
    ["alice@example.com", "alice-example.com"],
    ["\u001b[31mevil", "31mevil"],
    ["日本", ""],
    ["x".repeat(100), "x".repeat(64)],
  ])("folds %j into %j", (text, name) => expect(slugName(text)).toBe(name));

  it("always yields a valid entry name (property)", () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (name, issuer, account) => {
      const [base] = baseNames([{ at: "x", name, issuer, account }]);
      return checkName(base!) === base;
    }));
  });

  it("prefers the source's name, then the issuer, then the account, then 'entry'", () => {
    expect(baseNames([src("1", "Issuer", "acct", { name: "Title" }), src("2", "Issuer", "acct"), src("3", "", "acct@x"), src("4", "", "")])).toEqual(["title", "issuer", "acct-x", "entry"]);
  });

  it("qualifies same-issuer entries of different accounts, but not exact names or same accounts", () => {
    expect(baseNames([src("1", "Google", "admin@acme.com"), src("2", "Google", "ops@acme.com"), src("3", "Google", "ops@acme.com")])).toEqual([
      "google-admin-acme.com",
      "google-ops-acme.com",
      "google-ops-acme.com",
    ]);
    expect(baseNames([src("1", "G", "a", { name: "aws", exactName: true }), src("2", "G", "b", { name: "aws", exactName: true })])).toEqual(["aws", "aws"]);
  });
});

describe("duplicate policies", () => {
  const file = [src("line 2", "AWS", "a", { name: "aws", exactName: true }), src("line 3", "AWS", "b", { name: "aws", exactName: true }), src("line 4", "GitHub")];
  const vault = new Set(["github"]);

  it("fail: one problem per duplicate, naming the other holder", () => {
    const r = assignNames(file, vault, "fail");
    expect(r.problems).toEqual([
      { at: "line 3", problem: 'duplicate name "aws": line 2 also becomes "aws"' },
      { at: "line 4", problem: 'duplicate name "github": the vault already has an entry "github"' },
    ]);
    expect(r.placed.map((p) => p.name)).toEqual(["aws"]);
  });

  it("skip keeps the first and the vault's", () => {
    const r = assignNames(file, vault, "skip");
    expect(r.placed.map((p) => [p.index, p.name])).toEqual([[0, "aws"]]);
    expect(r.dropped).toBe(2);
  });

  it("rename numbers from 2 past names already taken", () => {
    const r = assignNames(file, new Set(["github", "github-2", "aws-2"]), "rename");
    expect(r.placed.map((p) => p.name)).toEqual(["aws", "aws-3", "github-3"]);
  });

  it("replace: the vault's entry is overwritten, and a later row wins over an earlier one", () => {
    const r = assignNames(file, vault, "replace");
    expect(r.placed.map((p) => [p.index, p.name, p.replacesExisting])).toEqual([
      [1, "aws", false],
      [2, "github", true],
    ]);
    expect(r.dropped).toBe(1);
    expect(r.decisions[0]).toEqual({ at: "line 2", decision: 'left out: line 3 also becomes "aws" and comes later' });
  });

  it("keeps a rename suffix within 64 characters", () => {
    const long = "a".repeat(64);
    const r = assignNames([src("1", long), src("2", long)], new Set(), "rename");
    expect(r.placed[1]!.name).toBe(`${"a".repeat(62)}-2`);
  });
});
