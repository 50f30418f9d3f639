// Every single-bit change to an age file is refused: decryption never returns a plaintext (other than
// the original) from an altered file, and fails with a bad-input error or "not for this identity".
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isMfaError } from "../../src/core/errors.js";
import { decryptWithIdentity, encryptToRecipients } from "../../src/crypto/age-file.js";
import { dearmor } from "../../src/crypto/age-header.js";
import { encodeX25519Identity, parseIdentity } from "../../src/crypto/keys.js";

describe("a tampered age file", () => {
  it("refuses every single-bit flip anywhere in the file", async () => {
    const me = parseIdentity(encodeX25519Identity(randomBytes(32)));
    const other = parseIdentity(encodeX25519Identity(randomBytes(32)));
    const plaintext = Buffer.from('{"version":1,"vault":"acme","entries":{}}\n');
    const file = dearmor(Buffer.from(await encryptToRecipients(plaintext, [other.recipient, me.recipient])));
    const outcomes = { refused: 0, notForMe: 0 };
    for (let at = 0; at < file.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Buffer.from(file);
        flipped[at]! ^= 1 << bit;
        let out: Buffer | null;
        try {
          out = await decryptWithIdentity(flipped, me);
        } catch (e) {
          expect(isMfaError(e) && e.kind === "badInput", String(e)).toBe(true);
          outcomes.refused++;
          continue;
        }
        expect(out, `flip of bit ${bit} at byte ${at} was accepted`).toBeNull();
        outcomes.notForMe++;
      }
    }
    // Flips in my own stanza make it "not for me"; everything else is refused as damaged.
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.notForMe).toBeGreaterThan(0);
    expect(outcomes.refused + outcomes.notForMe).toBe(file.length * 8);
  });
});
