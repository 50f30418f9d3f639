// What crash recovery found and did (an interrupted change finished, a stale git lock removed), told to
// the person as it happens: the command runner installs the listener that prints it on stderr.

let listener: ((sentence: string) => void) | null = null;

export function onRecoveryNotice(l: ((sentence: string) => void) | null): void {
  listener = l;
}

export function tellRecovery(sentence: string): void {
  listener?.(sentence);
}
