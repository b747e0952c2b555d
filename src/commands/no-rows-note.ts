import type { Statement } from "../engine/types.js";

/**
 * The note for usage given that held no row. A failed export job writes a header alone, and the month's statement is
 * then the plan's fee and its grants, with exit 0 and nothing on stderr, which finance would sign (newcomer50 F11).
 * Said also where every row was skipped by a mapping's `skip_rows:`, whose own note counts them.
 */
export function noRowsNote(statement: Statement, usage: readonly string[], holds = "the statement holds the plans' fees and the grants, without usage"): string | undefined {
  if (usage.length === 0 || statement.events.read > 0) return undefined;
  const what = usage.length === 1 ? (usage[0] === "-" ? "standard input" : usage[0]) : `any of the ${usage.length} usage inputs given`;
  return `burnrate: note: no usage row was read from ${what} (a header alone, or only rows skipped): ${holds}\n`;
}

/** diff's: an emptied corpus in a pull request compares the fees alone, and passes every usage gate (newcomer58b L7). */
export const DIFF_NO_ROWS = "the cards are compared on the plans' fees and the grants alone, and no gate on usage measures the change";
