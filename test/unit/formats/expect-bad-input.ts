// Asserting that a parser refuses input with a typed bad-input error (exit 5), and returning its message.
import { expect } from "vitest";
import { isMfaError } from "../../../src/core/errors.js";

export async function badInputMessage(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (e) {
    expect(isMfaError(e), String(e)).toBe(true);
    expect((e as { kind: string }).kind).toBe("badInput");
    return (e as Error).message;
  }
  throw new Error("expected a bad-input error, but the parser accepted the input");
}
