// The repository-level audit check (what `mfavault verify` calls): a long trail, checked in parallel,
// still names the exact line that was forged.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditFileFor, buildAuditLine, EMPTY_CHAIN, hashLine } from "../../src/core/audit-line.js";
import type { Card } from "../../src/core/card.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity } from "../../src/crypto/keys.js";
import { checkAuditTrail, verifyAuditTrail } from "../../src/repo/audit-trail.js";

const root = mkdtempSync(join(tmpdir(), "mfavault-trail-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function person(name: string) {
  const identity = parseIdentity(encodeX25519Identity(randomBytes(32)));
  const key = deriveSigningKey(identity);
  const card: Card = { name, recipient: identity.recipient, signingKey: key.publicKey, status: "active", created: "2025-01-01T00:00:00Z" };
  return { key, card };
}

describe("verifyAuditTrail", () => {
  it("names a forged line deep in a trail long enough to be checked in parallel", () => {
    const alice = person("alice");
    const bob = person("bob");
    const files = new Map<string, string[]>();
    let head = EMPTY_CHAIN;
    const start = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < 5000; i++) {
      const now = new Date(start + i * 600_000);
      const key = i === 4321 ? bob.key : alice.key; // bob forges one line in alice's name
      const { text } = buildAuditLine({ action: "code", target: `acme/e${i % 7}` }, { engineer: "alice", host: "h", now, head }, key);
      head = { seq: head.seq + 1, hash: hashLine(text) };
      const f = auditFileFor("alice", now);
      files.set(f, [...(files.get(f) ?? []), text]);
    }
    mkdirSync(join(root, "audit/alice"), { recursive: true });
    for (const [f, lines] of files) writeFileSync(join(root, f), `${lines.join("\n")}\n`);
    const forgedAt = new Date(start + 4321 * 600_000);
    const file = auditFileFor("alice", forgedAt);
    const line = files.get(file)!.findIndex((l) => l.includes(`"seq":4322,`)) + 1;

    const team = new Map([["alice", alice.card], ["bob", bob.card]]);
    expect(verifyAuditTrail(root, team)).toEqual([expect.objectContaining({ file, line, check: "audit-signature" })]);
    expect(checkAuditTrail(root, team).lines).toBe(4321);
  });
});
