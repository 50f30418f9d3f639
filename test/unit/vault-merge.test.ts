// The three-way merge of vault documents and reader lists: pure, so every rule is checked directly.
import { describe, expect, it } from "vitest";
import type { Entry } from "../../src/core/entry.js";
import { markRemovedReaders, mergeReaders, mergeSets, mergeVaultDocs } from "../../src/core/vault-merge.js";
import type { VaultDoc } from "../../src/core/vault-doc.js";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-02T00:00:00Z";
const T2 = "2026-01-03T00:00:00Z";
const NOW = "2026-01-04T00:00:00Z";

function entry(secret: string, extra: Partial<Entry> = {}): Entry {
  return { type: "totp", secret, algorithm: "SHA1", digits: 6, period: 30, issuer: "", account: "", notes: "", created: T0, updated: T0, ...extra };
}
function doc(entries: Record<string, Entry>): VaultDoc {
  return { version: 1, vault: "acme", entries };
}

describe("mergeVaultDocs", () => {
  const base = doc({ aws: entry("AAAAAAAAAAAAAAAA"), gh: entry("BBBBBBBBBBBBBBBB") });

  it("keeps entries added on either side", () => {
    const ours = doc({ ...base.entries, vpn: entry("CCCCCCCCCCCCCCCC") });
    const theirs = doc({ ...base.entries, dns: entry("DDDDDDDDDDDDDDDD") });
    const m = mergeVaultDocs(base, ours, theirs, NOW);
    expect(Object.keys(m.doc.entries)).toEqual(["aws", "dns", "gh", "vpn"]);
    expect(m.conflicts).toEqual([]);
  });

  it("honours a deletion against an unchanged or metadata-only change", () => {
    const ours = doc({ gh: base.entries.gh! });
    const theirs = doc({ aws: { ...base.entries.aws!, notes: "root account", updated: T1 }, gh: base.entries.gh! });
    expect(Object.keys(mergeVaultDocs(base, ours, theirs, NOW).doc.entries)).toEqual(["gh"]);
    expect(Object.keys(mergeVaultDocs(base, theirs, ours, NOW).doc.entries)).toEqual(["gh"]);
  });

  it("keeps a new seed that the other side deleted: it may be the only copy", () => {
    const ours = doc({ gh: base.entries.gh! });
    const theirs = doc({ aws: entry("EEEEEEEEEEEEEEEE", { rotated: T1, updated: T1 }), gh: base.entries.gh! });
    expect(mergeVaultDocs(base, ours, theirs, NOW).doc.entries.aws!.secret).toBe("EEEEEEEEEEEEEEEE");
  });

  it("lets one side's rotation win and keeps the other side's metadata change", () => {
    const ours = doc({ ...base.entries, aws: entry("EEEEEEEEEEEEEEEE", { rotated: T1, updated: T1 }) });
    const theirs = doc({ ...base.entries, aws: { ...base.entries.aws!, notes: "break-glass only", updated: T2 } });
    for (const [a, b] of [[ours, theirs], [theirs, ours]] as const) {
      const m = mergeVaultDocs(base, a, b, NOW);
      expect(m.doc.entries.aws).toMatchObject({ secret: "EEEEEEEEEEEEEEEE", rotated: T1, notes: "break-glass only", updated: T2 });
      expect(m.conflicts).toEqual([]);
    }
  });

  it("keeps both seeds of a true conflict, the later rotation under the name, and marks both", () => {
    const ours = doc({ ...base.entries, aws: entry("EEEEEEEEEEEEEEEE", { rotated: T2, updated: T2 }) });
    const theirs = doc({ ...base.entries, aws: entry("FFFFFFFFFFFFFFFF", { rotated: T1, updated: T1 }) });
    const m = mergeVaultDocs(base, ours, theirs, NOW);
    const other = m.conflicts.find((n) => n !== "aws")!;
    expect(other).toMatch(/^aws\.conflict-[0-9a-f]{8}$/);
    expect(m.doc.entries.aws).toMatchObject({ secret: "EEEEEEEEEEEEEEEE", conflict: { with: other, since: NOW } });
    expect(m.doc.entries[other]).toMatchObject({ secret: "FFFFFFFFFFFFFFFF", conflict: { with: "aws" } });
    // Merging the other way round gives the same names and seeds.
    const back = mergeVaultDocs(base, theirs, ours, NOW);
    expect(back.doc.entries.aws!.secret).toBe("EEEEEEEEEEEEEEEE");
    expect(back.doc.entries[other]!.secret).toBe("FFFFFFFFFFFFFFFF");
  });

  it("takes the higher HOTP counter when both sides used codes", () => {
    const hotp = (counter: number, updated: string) => entry("GGGGGGGGGGGGGGGG", { type: "hotp", counter, updated });
    const m = mergeVaultDocs(doc({ h: hotp(3, T0) }), doc({ h: hotp(5, T1) }), doc({ h: hotp(4, T2) }), NOW);
    expect(m.doc.entries.h).toMatchObject({ counter: 5, updated: T2 });
  });

  it("merges rotation-due marks as a set: added on either side kept, cleared by a rotation honoured", () => {
    const mark = { since: T1, reason: "revoked", engineer: "bob" };
    const withMark = doc({ ...base.entries, aws: { ...base.entries.aws!, rotationDue: [mark], updated: T1 } });
    const m = mergeVaultDocs(base, withMark, doc({ ...base.entries, gh: { ...base.entries.gh!, notes: "x", updated: T1 } }), NOW);
    expect(m.doc.entries.aws!.rotationDue).toEqual([mark]);
    const rotated = doc({ ...withMark.entries, aws: entry("EEEEEEEEEEEEEEEE", { rotated: T2, updated: T2 }) });
    const cleared = mergeVaultDocs(withMark, rotated, doc({ ...withMark.entries, gh: { ...base.entries.gh!, notes: "x", updated: T1 } }), NOW);
    expect(cleared.doc.entries.aws!.rotationDue).toBeUndefined();
  });

  it("treats a missing base (the vault added on both sides) as empty", () => {
    const m = mergeVaultDocs(null, doc({ a: entry("AAAAAAAAAAAAAAAA") }), doc({ b: entry("BBBBBBBBBBBBBBBB") }), NOW);
    expect(Object.keys(m.doc.entries)).toEqual(["a", "b"]);
  });

  it("refuses documents of two different vaults", () => {
    expect(() => mergeVaultDocs(null, doc({}), { ...doc({}), vault: "hooli" }, NOW)).toThrow(/different vaults/);
  });
});

describe("mergeReaders", () => {
  const r = (name: string) => ({ name, recipient: `age1${name}` });
  it("keeps a grant from one side and honours a revoke from the other", () => {
    const merged = mergeReaders([r("alice"), r("bob")], [r("alice"), r("bob"), r("carol")], [r("alice")]);
    expect(merged.map((x) => x.name)).toEqual(["alice", "carol"]);
  });
  it("refuses two different keys for one engineer", () => {
    expect(() => mergeReaders([], [r("alice")], [{ name: "alice", recipient: "age1other" }])).toThrow(/never re-keyed/);
  });
  it("mergeSets is a three-way set merge", () => {
    expect(mergeSets(["a", "b"], ["a", "b", "c"], ["b", "d"]).sort()).toEqual(["b", "c", "d"]);
  });
});

describe("markRemovedReaders", () => {
  it("marks entries a removed reader could read on the other side, once", () => {
    const merged = doc({ aws: entry("AAAAAAAAAAAAAAAA", { rotationDue: [{ since: T1, reason: "revoked", engineer: "bob" }] }), vpn: entry("CCCCCCCCCCCCCCCC") });
    const theirSide = doc({ aws: entry("AAAAAAAAAAAAAAAA"), vpn: entry("CCCCCCCCCCCCCCCC") });
    markRemovedReaders(merged, [{ doc: theirSide, readers: ["alice", "bob"] }], ["alice"], NOW);
    expect(merged.entries.aws!.rotationDue).toHaveLength(1);
    expect(merged.entries.vpn!.rotationDue).toEqual([{ since: NOW, reason: expect.stringMatching(/readable by bob/), engineer: "bob" }]);
  });
});
