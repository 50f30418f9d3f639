// A verification finding: what `verify` and `audit verify` report. Pure data, rendered by the commands
// as text, JSON, GitHub annotations or JUnit XML.

export interface Finding {
  /** The vault it concerns (`acme/prod`), or undefined for repository-wide findings. */
  vault?: string;
  /** Repository-relative path of the file at fault. */
  file: string;
  /** 1-based line in that file, when the finding is about one line. */
  line?: number;
  /** Short machine-readable name of the check that failed, e.g. "recipients-active", "audit-chain". */
  check: string;
  /** One sentence for people: what is wrong and, where it helps, what to do. */
  message: string;
}
