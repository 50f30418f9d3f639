// The code on a terminal: shown with the seconds it has left, updated in place until it expires (or a key
// is pressed). Never used when stdout is not a terminal: a pipe gets the bare code.

export interface CountdownView {
  code: string;
  next?: string;
  /** When the code stops being valid (ms since the epoch). */
  expires: number;
  period: number;
  label: string;
  color: boolean;
}

const BAR = 10;

export function renderCountdown(v: CountdownView, now: number): string {
  const left = Math.max(0, Math.ceil((v.expires - now) / 1000));
  const filled = Math.round((left / v.period) * BAR);
  const bar = `${"█".repeat(filled)}${"░".repeat(BAR - filled)}`;
  const paint = (s: string, code: number) => (v.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const seconds = `${String(left).padStart(2)}s`;
  const timing = left === 0 ? paint("expired", 31) : `${bar} ${left <= 5 ? paint(seconds, 31) : seconds}`;
  const next = v.next ? `  next ${v.next}` : "";
  return `${paint(v.code, 1)}  ${timing}${next}${v.label ? `  ${v.label}` : ""}`;
}

/** Redraws the line every second until the code expires or a key is pressed on the terminal. */
export async function runCountdown(v: CountdownView, io: { out(t: string): void; now: () => Date; stdinIsTTY: boolean }): Promise<void> {
  const draw = () => io.out(`\r\x1b[2K${renderCountdown(v, io.now().getTime())}`);
  draw();
  let stopKeys = () => {};
  const keyPressed = new Promise<void>((done) => {
    if (!io.stdinIsTTY) return;
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.once("data", () => done());
    stopKeys = () => {
      stdin.setRawMode(false);
      stdin.pause();
    };
  });
  try {
    while (io.now().getTime() < v.expires) {
      const tick = new Promise<void>((done) => setTimeout(done, Math.min(1000, Math.max(50, ((v.expires - io.now().getTime()) % 1000) || 1000))));
      const stopped = await Promise.race([tick.then(() => false), keyPressed.then(() => true)]);
      draw();
      if (stopped) break;
    }
  } finally {
    stopKeys();
    io.out("\n");
  }
}
