// Who a grant, revoke or rekey leaves a vault readable by, and the rotation-due bookkeeping, as pure functions.
import { describe, expect, it } from "vitest";
import type { Entry } from "../../src/core/entry.js";
import { clearRotationDue, lossReason, markRotationDue, planGrant, planRekey, planRevoke, rotationDueItems } from "../../src/core/policy.js";
import type { VaultDoc } from "../../src/core/vault-doc.js";

const readers = (encryptedTo: string[], declared = encryptedTo) => ({ vault: "acme", encryptedTo, declared });

function entry(issuer: string, extra: Partial<Entry> = {}): Entry {
  return { type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30, issuer, account: "", notes: "", created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z", ...extra };
}

function doc(entries: Record<string, Entry>): VaultDoc {
  return { version: 1, vault: "acme", entries };
}

describe("planGrant", () => {
  it("adds the engineer as a reader who gains access and nobody loses it", () => {
    const p = planGrant(readers(["alice"]), "bob");
    expect(p).toMatchObject({ readers: ["alice", "bob"], gained: ["bob"], lost: [], unchanged: false, recipientsOnly: false });
    expect(p.problem).toBeUndefined();
  });

  it("is a no-op when the engineer already reads the vault", () => {
    expect(planGrant(readers(["alice", "bob"]), "bob")).toMatchObject({ unchanged: true, gained: [], lost: [] });
  });

  it("applies a hand edit that added only this engineer, but refuses to sweep in any other edit", () => {
    const ok = planGrant(readers(["alice"], ["alice", "bob"]), "bob");
    expect(ok).toMatchObject({ gained: ["bob"] });
    expect(ok.problem).toBeUndefined();
    const p = planGrant(readers(["alice"], ["alice", "carol"]), "bob");
    expect(p.problem?.message).toMatch(/mfavault rekey acme/);
  });
});

describe("planRevoke", () => {
  it("removes the engineer, who loses access", () => {
    const p = planRevoke(readers(["alice", "bob"]), "bob");
    expect(p).toMatchObject({ readers: ["alice"], lost: ["bob"], gained: [] });
    expect(p.problem).toBeUndefined();
  });

  it("refuses to revoke the last recipient of a vault", () => {
    const p = planRevoke(readers(["bob"]), "bob");
    expect(p.problem?.message).toMatch(/last recipient.*orphaned/);
  });

  it("changes nothing for an engineer who is not a reader", () => {
    const p = planRevoke(readers(["alice"]), "bob");
    expect(p).toMatchObject({ unchanged: true, lost: [] });
    expect(p.problem).toBeUndefined();
  });

  it("only rewrites the recipients file when the engineer is declared but not encrypted to", () => {
    expect(planRevoke(readers(["alice"], ["alice", "bob"]), "bob")).toMatchObject({ recipientsOnly: true, lost: [], readers: ["alice"] });
  });

  it("re-encrypts when the engineer is encrypted to but already taken out of the file", () => {
    const p = planRevoke(readers(["alice", "bob"], ["alice"]), "bob");
    expect(p).toMatchObject({ recipientsOnly: false, lost: ["bob"] });
    expect(p.problem).toBeUndefined();
  });
});

describe("planRekey", () => {
  it("applies the recipients file exactly, reporting who gains and who loses", () => {
    expect(planRekey(readers(["alice", "dave"], ["alice", "bob"]))).toMatchObject({ readers: ["alice", "bob"], gained: ["bob"], lost: ["dave"] });
  });

  it("refuses an empty recipients file", () => {
    expect(planRekey(readers(["alice"], [])).problem?.message).toMatch(/no recipient/);
  });
});

describe("rotation due", () => {
  const mark = { since: "2026-02-01T00:00:00Z", reason: lossReason("bob", "revoke"), engineer: "bob" };

  it("marks every entry of the vault and leaves the input document alone", () => {
    const before = doc({ aws: entry("AWS"), github: entry("GitHub") });
    const { doc: after, marked } = markRotationDue(before, mark);
    expect(marked).toEqual(["aws", "github"]);
    expect(after.entries.aws!.rotationDue).toEqual([mark]);
    expect(before.entries.aws!.rotationDue).toBeUndefined();
  });

  it("keeps the earlier mark when the same engineer loses access again", () => {
    const once = markRotationDue(doc({ aws: entry("AWS") }), mark).doc;
    const twice = markRotationDue(once, { ...mark, since: "2026-03-01T00:00:00Z" }).doc;
    expect(twice.entries.aws!.rotationDue).toEqual([mark]);
  });

  it("lists only marked entries, with the earliest mark first and every reason", () => {
    let d = doc({ aws: entry("AWS", { account: "root" }), never: entry("Never") });
    d = { ...d, entries: { ...d.entries, aws: { ...d.entries.aws!, rotationDue: [{ since: "2026-03-01T00:00:00Z", reason: "carol revoked", engineer: "carol" }, mark] } } };
    const items = rotationDueItems(d);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ entry: "acme/aws", vault: "acme", issuer: "AWS", account: "root", since: mark.since, engineer: "bob", engineers: ["bob", "carol"], reason: "bob revoked; carol revoked" });
  });

  it("clears every mark on rotation and records when", () => {
    const marked = markRotationDue(doc({ aws: entry("AWS") }), mark).doc.entries.aws!;
    const rotated = clearRotationDue(marked, "2026-04-01T00:00:00Z");
    expect(rotated.rotationDue).toBeUndefined();
    expect(rotated).toMatchObject({ rotated: "2026-04-01T00:00:00Z", updated: "2026-04-01T00:00:00Z" });
    expect(rotationDueItems(doc({ aws: rotated }))).toEqual([]);
  });

  it("words the reasons status prints", () => {
    expect(lossReason("bob", "revoke")).toBe("bob revoked");
    expect(lossReason("bob", "team-remove")).toBe("bob removed from the team");
    expect(lossReason("bob", "rekey")).toMatch(/bob removed from the recipients file/);
  });
});
