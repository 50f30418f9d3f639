// The pure audit chain check: every way of breaking a chain is caught and named by file and line.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyEngineerChain, type AuditFileText } from "../../src/core/audit-chain.js";
import { auditFileFor, buildAuditLine, EMPTY_CHAIN, hashLine, type ChainHead } from "../../src/core/audit-line.js";
import type { Card } from "../../src/core/card.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity, type SigningKey } from "../../src/crypto/keys.js";

function person(name: string): { card: Card; key: SigningKey } {
  const identity = parseIdentity(encodeX25519Identity(randomBytes(32)));
  const key = deriveSigningKey(identity);
  return { key, card: { name, recipient: identity.recipient, signingKey: key.publicKey, status: "active", created: "2025-01-01T00:00:00Z" } };
}

const alice = person("alice");
const bob = person("bob");

/** A valid chain of lines at the given instants, grouped into month files. */
function chain(who: { card: Card; key: SigningKey }, times: string[], head: ChainHead = EMPTY_CHAIN): { texts: string[]; files: AuditFileText[] } {
  const texts: string[] = [];
  const byFile = new Map<string, string[]>();
  for (const [i, t] of times.entries()) {
    const now = new Date(t);
    const { text } = buildAuditLine({ action: "code", target: `acme/e${i}` }, { engineer: who.card.name, host: "laptop", now, head }, who.key);
    head = { seq: head.seq + 1, hash: hashLine(text) };
    texts.push(text);
    const f = auditFileFor(who.card.name, now);
    byFile.set(f, [...(byFile.get(f) ?? []), text]);
  }
  return { texts, files: [...byFile].map(([path, lines]) => ({ path, text: lines.map((l) => `${l}\n`).join("") })) };
}

const TIMES = ["2026-01-30T10:00:00.000Z", "2026-01-31T10:00:00.000Z", "2026-01-31T23:59:59.999Z", "2026-02-01T00:00:00.000Z", "2026-02-03T08:00:00.000Z"];
const JAN = "audit/alice/2026-01.jsonl";
const FEB = "audit/alice/2026-02.jsonl";

function fileOf(lines: string[], path = JAN): AuditFileText {
  return { path, text: lines.map((l) => `${l}\n`).join("") };
}

describe("verifyEngineerChain", () => {
  it("accepts a whole chain that runs across a month boundary", () => {
    const { files } = chain(alice, TIMES);
    expect(files.map((f) => f.path)).toEqual([JAN, FEB]);
    expect(verifyEngineerChain("alice", files, alice.card)).toEqual({ findings: [], lines: 5 });
  });

  it("accepts the lines of an engineer whose card was later removed", () => {
    const { files } = chain(alice, TIMES);
    expect(verifyEngineerChain("alice", files, { ...alice.card, status: "removed", removed: "2026-03-01T00:00:00Z" }).findings).toEqual([]);
  });

  it("names an edited line by its signature", () => {
    const { texts } = chain(alice, TIMES.slice(0, 3));
    texts[1] = texts[1]!.replace("acme/e1", "acme/zz");
    const r = verifyEngineerChain("alice", [fileOf(texts)], alice.card);
    expect(r.findings).toEqual([expect.objectContaining({ file: JAN, line: 2, check: "audit-signature" })]);
    expect(r.lines).toBe(1);
  });

  it("names a line whose bytes changed but whose meaning did not (not canonical)", () => {
    const { texts } = chain(alice, TIMES.slice(0, 3));
    texts[2] = texts[2]!.replace('"seq":3', '"seq": 3');
    expect(texts[2]).toContain('"seq": 3');
    expect(verifyEngineerChain("alice", [fileOf(texts)], alice.card).findings).toEqual([expect.objectContaining({ line: 3, check: "audit-line" })]);
  });

  it("names the line after a deleted middle line", () => {
    const { texts } = chain(alice, TIMES.slice(0, 3));
    const r = verifyEngineerChain("alice", [fileOf([texts[0]!, texts[2]!])], alice.card);
    expect(r.findings).toEqual([expect.objectContaining({ file: JAN, line: 2, check: "audit-sequence" })]);
    expect(r.findings[0]!.message).toMatch(/seq 3 where 2 was expected: a line before it is missing/);
  });

  it("names the first of two reordered lines", () => {
    const { texts } = chain(alice, TIMES.slice(0, 3));
    const r = verifyEngineerChain("alice", [fileOf([texts[0]!, texts[2]!, texts[1]!])], alice.card);
    expect(r.findings).toEqual([expect.objectContaining({ line: 2, check: "audit-sequence" })]);
  });

  it("names a line signed by someone else in the engineer's name", () => {
    const { texts } = chain(alice, TIMES.slice(0, 2));
    const head = { seq: 2, hash: hashLine(texts[1]!) };
    const forged = buildAuditLine({ action: "code", target: "acme/x" }, { engineer: "alice", host: "h", now: new Date(TIMES[2]!), head }, bob.key).text;
    const r = verifyEngineerChain("alice", [fileOf([...texts, forged])], alice.card);
    expect(r.findings).toEqual([expect.objectContaining({ line: 3, check: "audit-signature" })]);
    expect(r.findings[0]!.message).toMatch(/signed by someone else/);
  });

  it("names a line copied from another engineer's file", () => {
    const theirs = chain(bob, TIMES.slice(0, 1)).texts;
    expect(verifyEngineerChain("alice", [fileOf(theirs)], alice.card).findings).toEqual([expect.objectContaining({ line: 1, check: "audit-engineer" })]);
  });

  it("names a break at the month boundary in the later file", () => {
    const { files } = chain(alice, TIMES);
    const jan = files[0]!.text.split("\n").slice(0, 2).map((l) => `${l}\n`).join(""); // the last January line is gone
    const r = verifyEngineerChain("alice", [{ path: JAN, text: jan }, files[1]!], alice.card);
    expect(r.findings).toEqual([expect.objectContaining({ file: FEB, line: 1, check: "audit-sequence" })]);
  });

  it("names a line re-signed onto a wrong previous hash", () => {
    const { texts } = chain(alice, TIMES.slice(0, 1));
    const wrong = buildAuditLine({ action: "code", target: "acme/x" }, { engineer: "alice", host: "h", now: new Date(TIMES[1]!), head: { seq: 1, hash: "a".repeat(64) } }, alice.key).text;
    expect(verifyEngineerChain("alice", [fileOf([texts[0]!, wrong])], alice.card).findings).toEqual([expect.objectContaining({ line: 2, check: "audit-chain" })]);
  });

  it("names a line dated before the line it follows", () => {
    const { texts } = chain(alice, [TIMES[1]!]);
    const back = chain(alice, [TIMES[0]!], { seq: 1, hash: hashLine(texts[0]!) }).texts;
    expect(verifyEngineerChain("alice", [fileOf([texts[0]!, back[0]!])], alice.card).findings).toEqual([expect.objectContaining({ line: 2, check: "audit-time" })]);
  });

  it("names a line that sits in the wrong month file", () => {
    const { texts } = chain(alice, TIMES);
    expect(verifyEngineerChain("alice", [fileOf(texts, JAN)], alice.card).findings).toEqual([expect.objectContaining({ file: JAN, line: 4, check: "audit-month" })]);
  });

  it("names a chain whose first lines are missing", () => {
    const { texts } = chain(alice, TIMES.slice(0, 3));
    expect(verifyEngineerChain("alice", [fileOf(texts.slice(1))], alice.card).findings).toEqual([expect.objectContaining({ line: 1, check: "audit-sequence" })]);
  });

  it("names blank, garbled and unfinished lines", () => {
    const { texts } = chain(alice, TIMES.slice(0, 2));
    expect(verifyEngineerChain("alice", [{ path: JAN, text: `${texts[0]}\n\n${texts[1]}\n` }], alice.card).findings[0]).toMatchObject({ line: 2, check: "audit-line" });
    expect(verifyEngineerChain("alice", [{ path: JAN, text: `${texts[0]}\n{"v":1,\n` }], alice.card).findings[0]).toMatchObject({ line: 2, check: "audit-line" });
    const cut = verifyEngineerChain("alice", [{ path: JAN, text: `${texts[0]}\n${texts[1]!.slice(0, 40)}` }], alice.card);
    expect(cut.findings[0]).toMatchObject({ line: 2, check: "audit-unfinished" });
    expect(cut.findings[0]!.message).toMatch(/next mfavault command removes it/);
  });

  it("reports an audit folder without a team card", () => {
    const { files } = chain(alice, TIMES.slice(0, 1));
    expect(verifyEngineerChain("alice", files, undefined).findings).toEqual([expect.objectContaining({ check: "audit-card", file: JAN })]);
  });

  it("reports only the first broken line of a chain", () => {
    const { texts } = chain(alice, TIMES.slice(0, 4));
    expect(verifyEngineerChain("alice", [fileOf([texts[0]!, texts[2]!, texts[1]!, texts[3]!])], alice.card).findings).toHaveLength(1);
  });
});
