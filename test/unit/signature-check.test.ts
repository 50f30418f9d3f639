// Many signatures at once: the verdicts are exact, whether a job was checked inline or by a worker thread.
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkSignatures, type SignatureJob } from "../../src/repo/signature-check.js";

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(12);
  return { privateKey, card: `ed25519:${raw.toString("base64")}` };
}

describe("checkSignatures", () => {
  it("finds every bad signature among thousands, in every thread's share", () => {
    const alice = keyPair();
    const bob = keyPair();
    const jobs: SignatureJob[] = Array.from({ length: 6000 }, (_, i) => {
      const message = Buffer.from(`mfavault.v1 audit\n{"seq":${i}}`);
      return { key: alice.card, message, sig: sign(null, message, alice.privateKey).toString("base64") };
    });
    const bad = new Set([0, 1499, 2999, 3000, 3001, 4500, 5999]);
    jobs[0]!.sig = sign(null, jobs[0]!.message, bob.privateKey).toString("base64"); // someone else's signature
    jobs[1499]!.message = Buffer.from("edited"); // the signed text changed
    jobs[2999]!.sig = "not base64 at all";
    jobs[3000]!.key = bob.card; // checked against the wrong card
    jobs[3001]!.key = "ed25519:broken";
    jobs[4500]!.sig = jobs[4501]!.sig;
    const s = jobs[5999]!.sig;
    jobs[5999]!.sig = `${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
    const verdicts = checkSignatures(jobs);
    expect(verdicts).toHaveLength(6000);
    expect(verdicts.flatMap((ok, i) => (ok ? [] : [i]))).toEqual([...bad]);
  });

  it("checks a few inline", () => {
    const alice = keyPair();
    const message = Buffer.from("x");
    expect(checkSignatures([{ key: alice.card, message, sig: sign(null, message, alice.privateKey).toString("base64") }])).toEqual([true]);
  });
});
