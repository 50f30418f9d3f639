// Children never inherit the secret identity; a caller hands it over only on purpose (sync's merge driver).
import { describe, expect, it } from "vitest";
import { childEnv } from "../../src/child-env.js";

describe("childEnv", () => {
  it("drops an inherited MFAVAULT_IDENTITY and keeps everything else", () => {
    const env = childEnv({ GIT_TERMINAL_PROMPT: "0" }, { PATH: "/bin", MFAVAULT_IDENTITY: "AGE-SECRET-KEY-1X", MFAVAULT_IDENTITY_FILE: "/k" });
    expect(env).toEqual({ PATH: "/bin", MFAVAULT_IDENTITY_FILE: "/k", GIT_TERMINAL_PROMPT: "0" });
  });

  it("passes it when the caller hands it over explicitly", () => {
    expect(childEnv({ MFAVAULT_IDENTITY: "AGE-SECRET-KEY-1Y" }, { MFAVAULT_IDENTITY: "AGE-SECRET-KEY-1X" }).MFAVAULT_IDENTITY).toBe("AGE-SECRET-KEY-1Y");
  });
});
