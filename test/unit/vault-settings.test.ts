import { describe, expect, it } from "vitest";
import { parseVaultDoc, serializeVaultDoc } from "../../src/core/vault-doc.js";
import { changeSettings, mergeVaultSettings, parseVaultSettings, weakerReads } from "../../src/core/vault-settings.js";

const entry = { type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30, issuer: "", account: "", notes: "", created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z" };
const oldDoc = `${JSON.stringify({ version: 1, vault: "acme", entries: { aws: entry } }, null, 2)}\n`;

describe("vault settings inside the encrypted document", () => {
  it("reads a document written before settings existed, and writes it back byte for byte", () => {
    const doc = parseVaultDoc(oldDoc, "acme");
    expect(doc.settings).toBeUndefined();
    expect(serializeVaultDoc(doc)).toBe(oldDoc);
  });

  it("round-trips settings and the entry's own schedule and inherited mark", () => {
    const text = JSON.stringify({
      version: 1,
      vault: "acme",
      settings: { sealed: true, requireTicket: true, rotation: { interval: "90d", tier: "high" } },
      entries: { aws: { ...entry, rotation: { tier: "high" }, inherited: { since: "2026-01-01T00:00:00Z", window: "48h" } } },
    });
    const doc = parseVaultDoc(text, "acme");
    expect(doc.settings).toEqual({ rotation: { interval: "90d", tier: "high" }, requireTicket: true, sealed: true });
    expect(doc.entries.aws!.rotation).toEqual({ tier: "high" });
    expect(doc.entries.aws!.inherited).toEqual({ since: "2026-01-01T00:00:00Z", window: "48h" });
    expect(parseVaultDoc(serializeVaultDoc(doc), "acme")).toEqual(doc);
    expect(serializeVaultDoc(doc).indexOf('"settings"')).toBeLessThan(serializeVaultDoc(doc).indexOf('"entries"'));
  });

  it("leaves the settings key out when nothing is set", () => {
    const doc = { ...parseVaultDoc(oldDoc, "acme"), settings: { requireTicket: false, rotation: {} } };
    expect(serializeVaultDoc(doc)).toBe(oldDoc);
  });

  it.each([
    [{ sealedd: true }, /unknown setting "sealedd"/],
    [{ sealed: "yes" }, /"sealed" must be true or false/],
    [{ rotation: { interval: "90 days" } }, /invalid rotation interval/],
    [{ rotation: { tier: "critical" } }, /invalid tier/],
  ])("refuses settings %j", (settings, message) => {
    expect(() => parseVaultSettings(settings, "vault acme settings")).toThrow(message);
  });

  it("refuses an entry with a malformed inherited window", () => {
    const text = JSON.stringify({ version: 1, vault: "acme", entries: { aws: { ...entry, inherited: { since: "2026-01-01T00:00:00Z", window: "soon" } } } });
    expect(() => parseVaultDoc(text, "acme")).toThrow(/invalid window "soon"/);
  });

  it("reports exactly the settings a change alters; null removes an interval or tier", () => {
    const current = { requireTicket: true, rotation: { interval: "90d" as const } };
    expect(changeSettings(current, { requireTicket: true, sealed: true })).toEqual({ settings: { requireTicket: true, sealed: true, rotation: { interval: "90d" } }, changed: { sealed: true } });
    expect(changeSettings(current, { interval: null, tier: "high" })).toEqual({ settings: { requireTicket: true, rotation: { tier: "high" } }, changed: { interval: null, tier: "high" } });
    expect(changeSettings(current, { requireTicket: false }).settings).toEqual({ rotation: { interval: "90d" } });
    expect(changeSettings({}, {}).changed).toEqual({});
  });

  it("says when a move would weaken how a seed is read", () => {
    expect(weakerReads({ sealed: true }, {})).toMatch(/sealed/);
    expect(weakerReads({ requireTicket: true }, { sealed: true })).toMatch(/ticket/);
    expect(weakerReads({ sealed: true, requireTicket: true }, { sealed: true, requireTicket: true })).toBeNull();
    expect(weakerReads(undefined, { sealed: true })).toBeNull();
  });
});

describe("merging the settings two clones wrote", () => {
  it("takes the side that changed a setting, and the stricter value when both did", () => {
    expect(mergeVaultSettings({}, { sealed: true }, {})).toEqual({ sealed: true });
    expect(mergeVaultSettings({ sealed: true }, { sealed: true }, {})).toEqual({});
    expect(mergeVaultSettings({}, { requireTicket: true }, { rotation: { interval: "90d" } })).toEqual({ requireTicket: true, rotation: { interval: "90d" } });
    expect(mergeVaultSettings({ rotation: { interval: "1y" } }, { rotation: { interval: "90d" } }, { rotation: { interval: "30d", tier: "standard" } })).toEqual({ rotation: { interval: "30d", tier: "standard" } });
    expect(mergeVaultSettings(undefined, { rotation: { tier: "standard" } }, { rotation: { tier: "high" } })).toEqual({ rotation: { tier: "high" } });
    expect(mergeVaultSettings(undefined, undefined, undefined)).toEqual({});
  });
});
