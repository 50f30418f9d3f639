// Hostile input never crashes a parser: each one either parses or throws a bad-input MfaError.
// Short runs by default; MFAVAULT_FUZZ_RUNS=100000 for a long run.
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyEngineerChain, type AuditFileText } from "../../src/core/audit-chain.js";
import { auditFileFor, buildAuditLine, EMPTY_CHAIN, hashLine, parseAuditLine, type ChainHead } from "../../src/core/audit-line.js";
import { normalizeBase32 } from "../../src/core/base32.js";
import { parseCard } from "../../src/core/card.js";
import { isMfaError } from "../../src/core/errors.js";
import { parseManifest } from "../../src/core/manifest.js";
import { checkName, checkVaultPath, resolveEntryAddress } from "../../src/core/names.js";
import { parseOtpauthUri } from "../../src/core/otpauth-uri.js";
import { parseRecipientsFile } from "../../src/core/recipients-file.js";
import { parseRepoConfig } from "../../src/core/repo-config.js";
import { policyOf } from "../../src/core/policy-settings.js";
import { parseReviewSettings } from "../../src/core/review-settings.js";
import { intervalDays, parseSince } from "../../src/core/schedule.js";
import { octetCounted, parseSyslogTarget, syslogMessage } from "../../src/core/syslog-message.js";
import { checkReason, checkTicket } from "../../src/core/ticket.js";
import { parseVaultDoc } from "../../src/core/vault-doc.js";
import { parseVaultSettings } from "../../src/core/vault-settings.js";
import { parseHeader, dearmor } from "../../src/crypto/age-header.js";
import { deriveSigningKey, encodeX25519Identity, parseIdentity } from "../../src/crypto/keys.js";
import { readFields } from "../../src/formats/protobuf-reader.js";

const runs = Number(process.env.MFAVAULT_FUZZ_RUNS ?? 2000);

function parsesOrBadInput(parse: () => unknown): void {
  try {
    parse();
  } catch (e) {
    if (!isMfaError(e) || e.kind !== "badInput") throw e;
  }
}

/** Strings that are likely to reach deep into a parser: JSON-ish, URI-ish and plain noise. */
const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify({ version: 1, vault: "acme", entries: { x: v } })),
  fc.jsonValue().map((v) => JSON.stringify({ version: 1, vault: "acme", recipients: v, stanzas: 1, sha256: "0".repeat(64), writer: "a", written: "2026-01-01T00:00:00Z", signature: v })),
  fc.record({ name: fc.string(), recipient: fc.string(), signingKey: fc.string(), status: fc.string(), created: fc.string() }).map((o) => JSON.stringify(o)),
);

const parsers: [string, (s: string) => unknown][] = [
  ["vault document", (s) => parseVaultDoc(s, "acme")],
  ["manifest", (s) => parseManifest(JSON.parse(s), "manifest")],
  ["team card", (s) => parseCard(JSON.parse(s))],
  ["repository config", (s) => parseRepoConfig(s)],
  ["recipients file", (s) => parseRecipientsFile(s, "recipients")],
  ["audit line", (s) => parseAuditLine(s, "audit")],
  ["otpauth URI", (s) => parseOtpauthUri(s)],
  ["otpauth URI with a prefix", (s) => parseOtpauthUri(`otpauth://totp/${s}`)],
  ["base32", (s) => normalizeBase32(s)],
  ["names", (s) => (checkName(s), checkVaultPath(s), resolveEntryAddress(s, () => true))],
  ["age identity", (s) => parseIdentity(s)],
  ["armored age file", (s) => dearmor(Buffer.from(s))],
  ["age header", (s) => parseHeader(Buffer.from(`age-encryption.org/v1\n${s}`))],
  ["syslog target", (s) => parseSyslogTarget({ syslog: s, syslogTimeoutMs: s.length, syslogFacility: s.length % 30 })],
  // Both read the "audit" object of mfavault.json, which parseRepoConfig has checked is an object.
  ["syslog target from mfavault.json", (s) => parseSyslogTarget(parseRepoConfig(`{"version":1,"audit":${s}}`).audit)],
  ["review settings from mfavault.json", (s) => parseReviewSettings(parseRepoConfig(`{"version":1,"audit":${s}}`).audit)],
  ["rotation interval", (s) => intervalDays(s)],
  ["--since / --until", (s) => parseSince(s, new Date("2026-01-31T00:00:00Z"))],
  ["protobuf fields", (s) => readFields(Buffer.from(s, "latin1"), "data")],
  ["policy settings from mfavault.json", (s) => policyOf(parseRepoConfig(`{"version":1,"policy":${s}}`))],
  ["vault settings", (s) => parseVaultSettings(JSON.parse(s), "vault acme settings")],
];

describe("parsers under hostile input", () => {
  for (const [name, parse] of parsers) {
    it(`${name}: parses or fails with a bad-input error`, () => {
      fc.assert(
        fc.property(jsonish, (s) => {
          // JSON.parse of non-JSON is the caller's SyntaxError, turned into bad input by parseJsonText.
          parsesOrBadInput(() => {
            try {
              return parse(s);
            } catch (e) {
              if (e instanceof SyntaxError) return null;
              throw e;
            }
          });
        }),
        { numRuns: runs },
      );
    });
  }

  it("age header: random bytes after the intro line never crash", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        parsesOrBadInput(() => parseHeader(Buffer.concat([Buffer.from("age-encryption.org/v1\n"), bytes])));
      }),
      { numRuns: runs },
    );
  });

  it("tickets and break-glass reasons: refused (usage error) or accepted without any control character", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 600 }), (s) => {
        for (const check of [checkTicket, checkReason]) {
          let v: string;
          try {
            v = check(s);
          } catch (e) {
            expect(isMfaError(e) && e.kind === "usage", String(e)).toBe(true);
            continue;
          }
          expect(v).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        }
      }),
      { numRuns: runs },
    );
  });

  it("names: whatever is accepted stays inside the alphabet", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        try {
          checkName(s);
        } catch {
          return;
        }
        expect(s).toMatch(/^[a-z0-9_][a-z0-9._-]*$/);
        expect(s).not.toContain("..");
      }),
      { numRuns: runs },
    );
  });
});

describe("the audit chain check under hostile files", () => {
  const identity = parseIdentity(encodeX25519Identity(randomBytes(32)));
  const key = deriveSigningKey(identity);
  const card = { name: "alice", recipient: identity.recipient, signingKey: key.publicKey, status: "active" as const, created: "2026-01-01T00:00:00Z" };
  const times = ["2026-01-30T10:00:00.000Z", "2026-01-31T10:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-02-03T08:00:00.000Z", "2026-02-03T08:00:01.000Z"];
  let head: ChainHead = EMPTY_CHAIN;
  const byFile = new Map<string, string>();
  for (const [i, t] of times.entries()) {
    const { text } = buildAuditLine({ action: i % 2 ? "code" : "add", target: `acme/e${i}`, details: { n: i } }, { engineer: "alice", host: "laptop", now: new Date(t), head }, key);
    head = { seq: head.seq + 1, hash: hashLine(text) };
    const f = auditFileFor("alice", new Date(t));
    byFile.set(f, `${byFile.get(f) ?? ""}${text}\n`);
  }
  const original: AuditFileText[] = [...byFile].map(([path, text]) => ({ path, text }));

  /** Whole lines cut from the end of the newest file: the one change the files alone cannot show (SECURITY.md). */
  function isTailCut(files: AuditFileText[]): boolean {
    const joined = (fs: AuditFileText[]) => fs.map((f) => f.text).join("");
    const a = joined(files);
    return files.length <= original.length && joined(original).startsWith(a) && (a === "" || a.endsWith("\n"));
  }

  it("never throws, and finds every change except whole lines cut from the end", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ file: fc.nat(), at: fc.nat(), cut: fc.nat({ max: 40 }), insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("\n", "}", '"', "0", "1", " ", "\\u0061")) }), { minLength: 1, maxLength: 3 }),
        (edits) => {
          const files = original.map((f) => ({ ...f }));
          for (const e of edits) {
            const f = files[e.file % files.length]!;
            const at = e.at % (f.text.length + 1);
            f.text = f.text.slice(0, at) + e.insert + f.text.slice(at + e.cut);
          }
          const check = verifyEngineerChain("alice", files, card);
          expect(check.lines).toBeGreaterThanOrEqual(0);
          const changed = files.some((f, i) => f.text !== original[i]!.text);
          if (changed && check.findings.length === 0) expect(isTailCut(files.filter((f) => f.text !== ""))).toBe(true);
          if (!changed) expect(check.findings).toEqual([]);
        },
      ),
      { numRuns: runs },
    );
  });

  it("random text in a month file is a finding, never an exception", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.constantFrom("audit/alice/2026-01.jsonl", "audit/alice/x.jsonl", "audit/alice/9999-99.jsonl"), (text, path) => {
        verifyEngineerChain("alice", [{ path, text }], card);
        verifyEngineerChain("alice", [{ path, text }], undefined);
      }),
      { numRuns: runs },
    );
  });

  it("a syslog message of any line has its header fields bounded and printable", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: "binary", maxLength: 40 }), (host, action) => {
        const line = { ...parseAuditLine(original[0]!.text.split("\n")[0]!, "line"), host, action };
        const msg = syslogMessage(line, JSON.stringify(line), { pid: 1, facility: 13 });
        const [version, ts, hostField, app, pid, msgid] = msg.split(" ");
        expect(version).toMatch(/^<\d+>1$/);
        for (const field of [ts, hostField, app, pid, msgid]) expect(field).toMatch(/^[\x21-\x7e]{1,255}$/);
        expect(octetCounted(msg).toString("utf8")).toMatch(/^\d+ </);
      }),
      { numRuns: runs },
    );
  });
});
