import type { RateCard } from "../ratecard/types.js";
import { nearestActivity, type BillMapping } from "./mapping.js";

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

/**
 * Whether an activity cell says a totals row's word that is not the card's own: a card (or the bill mapping) may name
 * a meter "Total", and a typo of it (TOTAL:) is told as an unknown activity with its did-you-mean, where the totals
 * row's refusal hid the hint (red68c L1). A near name that is no totals word (Tool beside Total) leaves the row a
 * totals row: a spreadsheet's Total is likelier than a typo of Tool.
 */
export function totalsActivity(cell: string, card: RateCard, mapping: BillMapping): boolean {
  if (!totalsWord(cell)) return false;
  const near = nearestActivity(cell, card, mapping);
  return near === undefined || !totalsWord(near);
}

/** What a totals row should be: it is refused, not summed again. */
export const TOTALS_LEFT_OUT = "the row left out of the bill: a totals row sums the rows above it, which are compared each";
