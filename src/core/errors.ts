// Errors are values with a kind; each kind maps to one documented exit code, here and nowhere else.

export type ErrorKind = "usage" | "notFound" | "noAccess" | "badInput" | "finding" | "failure";

export const EXIT_CODES: Record<ErrorKind, number> = {
  failure: 1,
  usage: 2,
  notFound: 3,
  noAccess: 4,
  badInput: 5,
  finding: 6,
};

export class MfaError extends Error {
  override readonly name = "MfaError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export const usageError = (message: string) => new MfaError("usage", message);
export const notFound = (message: string) => new MfaError("notFound", message);
export const noAccess = (message: string) => new MfaError("noAccess", message);
export const badInput = (message: string) => new MfaError("badInput", message);
export const failure = (message: string) => new MfaError("failure", message);

/** True for our own errors, also when thrown from the other bundle (instanceof would not see those). */
export function isMfaError(e: unknown): e is MfaError {
  return typeof e === "object" && e !== null && (e as { name?: unknown }).name === "MfaError";
}
