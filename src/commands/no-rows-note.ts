import type { Statement } from "../engine/types.js";

/**
 * The note for usage given that held no row. A failed export job writes a header alone, and the month's statement is
 * then the plan's fee and its grants, with exit 0 and nothing on stderr, which finance would sign (newcomer50 F11).
 * Said also where every row was skipped by a mapping's `skip_rows:`, whose own note counts them.
 */
export function noRowsNote(statement: Statement, usage: readonly string[]): string | undefined {
  if (usage.length === 0 || statement.events.read > 0) return undefined;
  const what = usage.length === 1 ? (usage[0] === "-" ? "standard input" : usage[0]) : `any of the ${usage.length} usage inputs given`;
  return `burnrate: note: no usage row was read from ${what} (a header alone, or only rows skipped): the statement holds the plans' fees and the grants, without usage\n`;
}
