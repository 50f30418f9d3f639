// The pure parts of everyday codes: fuzzy address matching and the countdown line.
import { describe, expect, it } from "vitest";
import { renderCountdown } from "../../src/commands/code-countdown.js";
import { fuzzyMatches } from "../../src/core/fuzzy.js";

const paths = ["acme/aws", "acme/github", "acme/prod/aws", "hooli/github", "hooli/aws-root"];

describe("fuzzyMatches", () => {
  it("prefers an exact entry name, across vaults", () => {
    expect(fuzzyMatches("aws", paths)).toEqual(["acme/aws", "acme/prod/aws"]);
  });
  it("then the end of the address, then a substring, then the characters in order", () => {
    expect(fuzzyMatches("prod/aws", paths)).toEqual(["acme/prod/aws"]);
    expect(fuzzyMatches("root", paths)).toEqual(["hooli/aws-root"]);
    expect(fuzzyMatches("hgit", paths)).toEqual(["hooli/github"]);
    expect(fuzzyMatches("AWS-ROOT", paths)).toEqual(["hooli/aws-root"]);
  });
  it("finds nothing rather than anything", () => {
    expect(fuzzyMatches("zzz", paths)).toEqual([]);
  });
});

describe("renderCountdown", () => {
  const view = { code: "123456", expires: 30_000, period: 30, label: "AWS — root", color: false };
  it("shows the code, a bar, the seconds left and the label", () => {
    expect(renderCountdown(view, 13_000)).toBe("123456  ██████░░░░ 17s  AWS — root");
    expect(renderCountdown({ ...view, next: "654321", label: "" }, 29_500)).toBe("123456  ░░░░░░░░░░  1s  next 654321");
    expect(renderCountdown(view, 30_000)).toBe("123456  expired  AWS — root");
  });
  it("colours only when colour is on", () => {
    expect(renderCountdown({ ...view, color: true }, 27_000)).toContain("\x1b[31m 3s\x1b[0m");
  });
});
