// Running the CLI on a pseudo-terminal, for what only happens on a TTY (prompts, countdowns, fuzzy
// picks). util-linux `script` makes the pty; the test answers prompts as their text appears.
import { spawn } from "node:child_process";
import { BIN, baseEnv } from "./world.js";

export interface PtyStep {
  /** Wait until the output (since the previous step) matches this. */
  expect: RegExp;
  /** Then type this (use "\r" for Enter). */
  send?: string;
}

export interface PtyResult {
  exitCode: number;
  /** Everything the terminal showed (stdout and stderr together, with escapes). */
  output: string;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface PtyOptions {
  env?: Record<string, string | undefined>;
  steps?: PtyStep[];
  timeoutMs?: number;
  cwd?: string;
}

/** Runs `mfavault args…` on a pty with the test environment, answering `steps` in order. */
export function runOnPty(home: string, args: string[], opts: PtyOptions = {}): Promise<PtyResult> {
  return commandOnPty(home, ["node", BIN, ...args], opts);
}

/** Runs any command on a pty (e.g. the age CLI asking for a passphrase on /dev/tty). */
export function commandOnPty(home: string, argv: string[], opts: PtyOptions = {}): Promise<PtyResult> {
  const env = { ...baseEnv(home), TERM: "xterm", COLUMNS: "100", LINES: "30", ...opts.env };
  const command = argv.map(shellQuote).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env: env as NodeJS.ProcessEnv, cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
  const steps = [...(opts.steps ?? [])];
  let output = "";
  let from = 0;
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`pty run timed out; waiting for ${steps[0]?.expect ?? "exit"}; output so far:\n${output}`));
    }, opts.timeoutMs ?? 30_000);
    const advance = () => {
      while (steps.length > 0) {
        const step = steps[0]!;
        const m = step.expect.exec(output.slice(from));
        if (!m) return;
        from += m.index + m[0].length;
        steps.shift();
        if (step.send !== undefined) child.stdin.write(step.send);
      }
    };
    child.stdout.on("data", (d) => {
      output += String(d);
      advance();
    });
    child.stderr.on("data", (d) => (output += String(d)));
    child.on("exit", (code) => {
      clearTimeout(timer);
      ok({ exitCode: code ?? 1, output });
    });
  });
}
