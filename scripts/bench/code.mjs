// `mfavault code` against its baselines, in the same run: node -e 0, age -d on the same vault, oathtool.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, cleanup, have, mfavault, row, settle, tempDir, timeInTurns, aliceRepo } from "./lib.mjs";

export function benchCode({ runs }) {
  const dir = tempDir("code");
  try {
    const { env, as, key, vault } = aliceRepo(dir);
    mfavault(["client", "add", "acme"], { env: as });
    mfavault(["add", "acme/aws", "--secret-stdin", "--issuer", "AWS"], { env: as, input: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" });
    settle();
    // Every command in turns with its baselines, so a slow spell of the machine hits them alike.
    const commands = [
      { label: "node -e 0 (baseline)", cmd: process.execPath, args: ["-e", "0"], env },
      { label: "mfavault code acme/aws (audit line + commit)", cmd: process.execPath, args: [BIN, "code", "acme/aws"], env: as, target: 1.5 },
      { label: "mfavault code acme/aws --no-commit (line, no commit)", cmd: process.execPath, args: [BIN, "code", "acme/aws", "--no-commit"], env: as },
    ];
    if (have("age")) commands.push({ label: "age -d on the same vault.age", cmd: "age", args: ["-d", "-i", key, join(vault, "clients/acme/vault.age")], env });
    if (have("oathtool")) commands.push({ label: "oathtool --totp", cmd: "oathtool", args: ["--totp", "-b", "-"], env, input: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" });
    const times = timeInTurns(commands, { runs });
    const [node, code] = times;
    const lines = commands.map((c, i) => (i === 0 ? row(c.label, node) : row(c.label, times[i], node, c.target)));
    writeFileSync(join(dir, "done"), "");
    return { node, code, lines };
  } finally {
    cleanup(dir);
  }
}
