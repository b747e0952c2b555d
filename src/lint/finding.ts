import type { Location } from "../errors.js";

/** An error makes `check` fail; a warning is shown and fails only with --strict. */
export type Severity = "error" | "warning";

export interface LintFinding {
  severity: Severity;
  /** A stable name CI can grep or allow-list: schema, duplicate-label, missing-price, ... */
  rule: string;
  location: Location;
  message: string;
  /** What to change in the file to clear the finding. */
  fix: string;
}

/** One file `check` looked at: a rate card, or the expectations kept beside one. */
export interface CheckedFile {
  file: string;
  kind: "card" | "tests";
  /** What the file is, once it could be read: "fliplet 2026-11", or the card a tests file belongs to. */
  subject: string | undefined;
  /** A card file that could be read: its provider, version and effective date as written ("" when it has none). */
  card?: { provider: string; version: string; effective: string };
  findings: LintFinding[];
}

export function countBySeverity(files: readonly CheckedFile[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of files) for (const x of f.findings) x.severity === "error" ? errors++ : warnings++;
  return { errors, warnings };
}
