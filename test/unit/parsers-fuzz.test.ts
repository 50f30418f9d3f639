// Hostile input never crashes a parser: each one either parses or throws a bad-input MfaError.
// Short runs by default; MFAVAULT_FUZZ_RUNS=100000 for a long run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAuditLine } from "../../src/core/audit-line.js";
import { normalizeBase32 } from "../../src/core/base32.js";
import { parseCard } from "../../src/core/card.js";
import { isMfaError } from "../../src/core/errors.js";
import { parseManifest } from "../../src/core/manifest.js";
import { checkName, checkVaultPath, resolveEntryAddress } from "../../src/core/names.js";
import { parseOtpauthUri } from "../../src/core/otpauth-uri.js";
import { parseRecipientsFile } from "../../src/core/recipients-file.js";
import { parseRepoConfig } from "../../src/core/repo-config.js";
import { parseVaultDoc } from "../../src/core/vault-doc.js";
import { parseHeader, dearmor } from "../../src/crypto/age-header.js";
import { parseIdentity } from "../../src/crypto/keys.js";

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
