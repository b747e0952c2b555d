/**
 * A bill's totals row as spreadsheets write one: Total, Subtotal, Sub total, Grand total, Total (USD), Total USD,
 * Subtotal (USD):, TOTAL:; not "Total requests", an activity.
 */
const TOTALS = /^\s*(?:grand\s+|sub[-\s]?)?totals?\s*(?:\([^)]*\)|([a-z]{3}))?\s*:?\s*$/i;

/** Whether a cell says a totals row's word; a currency after it is its code in capitals (not "Total tax"). */
export function totalsWord(cell: string): boolean {
  const m = TOTALS.exec(cell);
  return m !== null && (m[1] === undefined || m[1] === m[1].toUpperCase());
}

/** What a totals row should be: it is refused, not summed again. */
export const TOTALS_LEFT_OUT = "the row left out of the bill: a totals row sums the rows above it, which are compared each";
