// One engineer's audit file changed on two clones: the shared lines stay, the other new lines are chained
// after them and signed again, so the chain verifies end to end.
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditSignatureValid, buildAuditLine, EMPTY_CHAIN, hashLine, parseAuditLine, type ChainHead } from "../../src/core/audit-line.js";
import { rechainAuditFile } from "../../src/core/audit-merge.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity } from "../../src/crypto/keys.js";

const raw = generateKeyPairSync("x25519").privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
const key = deriveSigningKey(parseIdentity(encodeX25519Identity(raw)));

function chain(head: ChainHead, targets: string[], start: number): { text: string[]; head: ChainHead } {
  const text: string[] = [];
  for (const [i, target] of targets.entries()) {
    const { text: t } = buildAuditLine({ action: "code", target }, { engineer: "alice", host: "h", now: new Date(start + i * 1000), head }, key);
    text.push(t);
    head = { seq: head.seq + 1, hash: hashLine(t) };
  }
  return { text, head };
}
const file = (lines: string[]) => (lines.length ? `${lines.join("\n")}\n` : "");

describe("rechainAuditFile", () => {
  const base = chain(EMPTY_CHAIN, ["acme/a", "acme/b"], Date.UTC(2026, 0, 1));
  const kept = chain(base.head, ["acme/laptop"], Date.UTC(2026, 0, 2));
  const moved = chain(base.head, ["acme/desktop1", "acme/desktop2"], Date.UTC(2026, 0, 3));

  it("keeps the shared lines and chains the other clone's lines after them, signed again", () => {
    const out = rechainAuditFile("audit/alice/2026-01.jsonl", file(base.text), file([...base.text, ...kept.text]), file([...base.text, ...moved.text]), "alice", key).trim().split("\n");
    expect(out.slice(0, 3)).toEqual([...base.text, ...kept.text]);
    const lines = out.map((l, i) => parseAuditLine(l, `line ${i}`));
    expect(lines.map((l) => l.target)).toEqual(["acme/a", "acme/b", "acme/laptop", "acme/desktop1", "acme/desktop2"]);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < out.length; i++) expect(lines[i]!.prev).toBe(hashLine(out[i - 1]!));
    for (const l of lines) expect(auditSignatureValid(l, key.publicKey)).toBe(true);
    expect(lines[3]!.ts).toBe(new Date(Date.UTC(2026, 0, 3)).toISOString());
  });

  it("does not duplicate lines both sides already share", () => {
    const both = file([...base.text, ...kept.text]);
    expect(rechainAuditFile("f", file(base.text), both, both, "alice", key)).toBe(both);
  });

  it("refuses a file whose shared lines were changed: audit files are append-only", () => {
    const tampered = file([base.text[0]!.replace("acme/a", "acme/z"), base.text[1]!, ...moved.text]);
    expect(() => rechainAuditFile("f", file(base.text), file([...base.text, ...kept.text]), tampered, "alice", key)).toThrow(/append-only/);
  });

  it("never signs again a line the engineer did not sign: one pushed into their file by someone else", async () => {
    const { randomBytes } = await import("node:crypto");
    const mallory = deriveSigningKey(parseIdentity(encodeX25519Identity(randomBytes(32))));
    const forged = buildAuditLine({ action: "code", target: "acme/framed" }, { engineer: "alice", host: "h", now: new Date(Date.UTC(2026, 0, 3)), head: base.head }, mallory).text;
    expect(() => rechainAuditFile("f", file(base.text), file([...base.text, ...kept.text]), file([...base.text, moved.text[0]!, forged]), "alice", key)).toThrow(/a new line on the other side is not signed by alice/);
  });

  it("refuses lines of another engineer", () => {
    expect(() => rechainAuditFile("f", file(base.text), file([...base.text, ...kept.text]), file([...base.text, ...moved.text]), "bob", key)).toThrow(/another engineer/);
  });
});
