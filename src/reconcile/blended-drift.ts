import { Decimal, formatExact } from "../money.js";
import { formatInstant, Zone } from "../time.js";
import { meterName } from "./summary.js";
import { minorDigits } from "../ratecard/cycle-money.js";
import type { Difference, Reconciliation } from "./types.js";

/** Lines named in the text before the rest are counted. */
const LINES_NAMED = 3;

/**
 * Rate drifts of one line (a cycle, its meter and dimensions) whose prices differ account by account: what a price
 * changed within the cycle looks like on a bill by customer, each account's price blended by its usage either side of
 * the change (newcomer70 M4: 9.95%, 11.12% and 13.37% over for three customers read "the card may be out of date", and a
 * flat price written into the card would have been wrong for all three). A card version from the change prices each
 * side; it is said once for the report, the lines the first few.
 */
export function blendedDrift(r: Reconciliation): string | undefined {
  const groups = new Map<string, Difference[]>();
  for (const d of r.differences) {
    // A price the bill states (its unit_price column) is a rate it gives, not a blend of two.
    if (d.class !== "rate_drift" || d.prices === undefined || d.line.account === undefined || d.line.bill?.unitPrice !== undefined) continue;
    const key = JSON.stringify([d.cycleStart, d.line.meters, d.line.dimensions, d.line.money]);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  // A row in the card's currency is rounded to its minor unit: `step` is a cent of it in the card's unit, 100 yen for a
  // card in yen (red70f M1: a yen bill rounded to the yen read as 38 prices).
  const minor = new Decimal(10).pow(2 - minorDigits(r.currency));
  const blended = [...groups.values()].filter((ds) => apart(ds, minor));
  if (blended.length === 0) return undefined;
  const zone = Zone.of(r.timezone);
  const named = blended.slice(0, LINES_NAMED).map((ds) => {
    const first = ds[0]!;
    const dims = Object.entries(first.line.dimensions).map(([k, v]) => `${k}=${v}`).join(", ");
    const prices = [...new Set(ds.map((d) => formatExact(d.prices!.bill.toSignificantDigits(6))))];
    const shown = `${prices.slice(0, LINES_NAMED).join(", ")}${prices.length > LINES_NAMED ? ` and ${prices.length - LINES_NAMED} more` : ""}`;
    const cycle = zone === undefined ? formatInstant(first.cycleStart) : zone.dateTime(first.cycleStart).toISODate();
    return `${meterName(first)}${dims === "" ? "" : ` (${dims})`} in the cycle from ${cycle}: ${shown} across ${ds.length} accounts, the card ${formatExact(first.prices!.card)}`;
  });
  const more = blended.length > LINES_NAMED ? `; and ${blended.length - LINES_NAMED} more line(s)` : "";
  return `the bill's price of a line differs account by account (${named.join("; ")}${more}): a price changed within the cycle comes out so, each account's blended by its usage either side of the change; a card version effective at the change, given with --card beside the card, prices each side`;
}

/**
 * Whether the bill's prices of a line's accounts differ past its rounding: each row's amount is written to its last
 * place, so the price a line implies is known within half a unit of that place a row, over the quantity; prices whose
 * ranges all meet are one price rounded (red70d H2: a price raised from the 1st, each customer's amount rounded to the
 * cent, read as 33 prices; red70e M2: a line of two rows rounded each, and a bill in money of a card in credits). A
 * row written neither in the card's unit nor in its currency leaves the rounding unknown, and nothing is said.
 */
function apart(ds: readonly Difference[], minor: Decimal): boolean {
  let lowest: Decimal | undefined;
  let highest: Decimal | undefined;
  for (const d of ds) {
    const bill = d.line.bill;
    if (bill?.quantity === undefined || !bill.quantity.gt(0) || bill.parts.length === 0) return false;
    let slack = new Decimal(0);
    for (const part of bill.parts) {
      // Written in the card's unit: its last place; in the card's currency: its minor unit in the card's unit.
      const unit = part.places !== undefined ? new Decimal(10).pow(-part.places) : part.step?.mul(minor);
      if (unit === undefined) return false;
      slack = slack.plus(unit.div(2));
    }
    const low = bill.amount.minus(slack).div(bill.quantity);
    const high = bill.amount.plus(slack).div(bill.quantity);
    if (highest === undefined || low.gt(highest)) highest = low;
    if (lowest === undefined || high.lt(lowest)) lowest = high;
  }
  // The highest low end past the lowest high end: two ranges that do not meet.
  return lowest !== undefined && highest !== undefined && highest.gt(lowest);
}
