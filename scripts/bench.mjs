// `npm run bench`: the speed targets of DESIGN.md as ratios against baselines measured in this same run.
// Never a timed unit test: machines differ, ratios within one run do not.
import { benchAudit } from "./bench/audit.mjs";
import { benchCode } from "./bench/code.mjs";
import { benchImport } from "./bench/import.mjs";
import { benchPolicy } from "./bench/policy.mjs";
import { benchRevoke } from "./bench/revoke.mjs";
import { benchVerify } from "./bench/verify.mjs";

const runs = Number(process.env.BENCH_RUNS ?? 30);
process.stdout.write(`mfavault bench (p50 of ${runs} runs each; NODE_EXTRA_CA_CERTS unset)\n\n`);
const sections = [
  ["code", () => benchCode({ runs })],
  ["audit", () => benchAudit({ runs })],
  ["import", () => benchImport({ runs })],
  ["revoke --all", () => benchRevoke()],
  ["verify", () => benchVerify()],
  ["policy", () => benchPolicy({ runs })],
];
// BENCH_ONLY=code,audit runs just those sections.
const only = process.env.BENCH_ONLY?.split(",");
for (const [name, run] of sections.filter(([n]) => !only || only.some((o) => n.startsWith(o)))) {
  process.stdout.write(`== ${name}\n`);
  const { lines } = await run();
  process.stdout.write(`${lines.join("\n")}\n\n`);
}
