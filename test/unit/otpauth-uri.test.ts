import { describe, expect, it } from "vitest";
import { formatOtpauthUri, parseOtpauthUri } from "../../src/core/otpauth-uri.js";

describe("otpauth URIs", () => {
  it("resolves issuer from the parameter and strips the label prefix", () => {
    const p = parseOtpauthUri("otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co");
    expect(p.issuer).toBe("ACME Co");
    expect(p.account).toBe("alice@example.com");
    expect(p.params).toEqual({ type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30 });
  });
  it("keeps + literal in the label but decodes it as a space in the query", () => {
    const p = parseOtpauthUri("otpauth://totp/Air+Canada:a+b@x.com?secret=JBSWY3DPEHPK3PXP&issuer=Air+Canada");
    expect(p.issuer).toBe("Air Canada");
    expect(p.account).toBe("Air+Canada:a+b@x.com".split(":")[1]);
    expect(p.warnings[0]).toMatch(/differs/);
  });
  it("reads HOTP counters and SHA512/8 digits", () => {
    const p = parseOtpauthUri("otpauth://hotp/X:y?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=5&digits=8&algorithm=SHA512");
    expect(p.params).toMatchObject({ type: "hotp", counter: 5, digits: 8, algorithm: "SHA512" });
  });
  it("treats encoder=steam, steam:// and an issuer of Steam without digits as Steam", () => {
    expect(parseOtpauthUri("otpauth://totp/T:u?secret=JBSWY3DPEHPK3PXP&encoder=steam").params.type).toBe("steam");
    expect(parseOtpauthUri("steam://JBSWY3DPEHPK3PXP").params.type).toBe("steam");
    const s = parseOtpauthUri("otpauth://totp/Steam:me?secret=JBSWY3DPEHPK3PXP&issuer=Steam");
    expect(s.params.type).toBe("steam");
    expect(s.warnings.join()).toMatch(/Steam/);
  });
  it.each([
    ["otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=0x8", /whole number/],
    ["otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXP", /twice/],
    ["otpauth://totp/a#b?secret=JBSWY3DPEHPK3PXP", /#/],
    ["otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", /unsupported algorithm/],
    ["otpauth://totp/%FF?secret=JBSWY3DPEHPK3PXP", /percent-escape/],
    ["otpauth://yandex/x?secret=JBSWY3DPEHPK3PXP", /unknown type/],
    ["https://example.com", /not an otpauth URI/],
  ])("refuses %s", (uri, message) => {
    expect(() => parseOtpauthUri(uri)).toThrow(message);
  });
  it("writes the canonical form and reads it back", () => {
    const params = { type: "totp" as const, secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA256" as const, digits: 8, period: 60 };
    const uri = formatOtpauthUri(params, "ACME: Co", "alice@example.com");
    expect(uri).toBe("otpauth://totp/ACME%3A%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%3A%20Co&algorithm=SHA256&digits=8&period=60");
    const back = parseOtpauthUri(uri);
    expect(back.params).toEqual(params);
    expect(back.issuer).toBe("ACME: Co");
  });
});
