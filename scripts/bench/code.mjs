// `mfavault code` against its baselines, in the same run: node -e 0, age -d on the same vault, oathtool.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, cleanup, have, mfavault, p50, row, tempDir, timeCommand, aliceRepo } from "./lib.mjs";

export function benchCode({ runs }) {
  const dir = tempDir("code");
  try {
    const { env, as, key, vault } = aliceRepo(dir);
    mfavault(["client", "add", "acme"], { env: as });
    mfavault(["add", "acme/aws", "--secret-stdin", "--issuer", "AWS"], { env: as, input: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" });
    const lines = [];
    const node = p50(timeCommand(process.execPath, ["-e", "0"], { env, runs }));
    lines.push(row("node -e 0 (baseline)", node));
    const code = p50(timeCommand(process.execPath, [BIN, "code", "acme/aws"], { env: as, runs }));
    lines.push(row("mfavault code acme/aws (audit line + commit)", code, node, 1.5));
    const noCommit = p50(timeCommand(process.execPath, [BIN, "code", "acme/aws", "--no-commit"], { env: as, runs }));
    lines.push(row("mfavault code acme/aws --no-commit (line, no commit)", noCommit, node));
    if (have("age")) {
      const age = p50(timeCommand("age", ["-d", "-i", key, join(vault, "clients/acme/vault.age")], { env, runs }));
      lines.push(row("age -d on the same vault.age", age, node));
    }
    if (have("oathtool")) {
      const oath = p50(timeCommand("oathtool", ["--totp", "-b", "-"], { env, input: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", runs }));
      lines.push(row("oathtool --totp", oath, node));
    }
    writeFileSync(join(dir, "done"), "");
    return { node, code, lines };
  } finally {
    cleanup(dir);
  }
}
