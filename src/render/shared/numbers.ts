import { Decimal, formatExact, formatFixed, type RoundingMode } from "../../money.js";

/** Money and credits for people: the card's decimals, grouped thousands ("1,000.00", and 999.5 as "999.50"). */
export function credits(value: Decimal, decimals: number, mode: RoundingMode = "half-even"): string {
  // Most amounts of a statement are small whole numbers (0, 3, 9): no rounding and no grouping to do.
  const words = value.d;
  if (words?.length === 1 && value.e >= 0 && value.e < 3 && Number.isInteger(decimals) && decimals >= 0 && decimals <= 20) {
    return `${value.s < 0 && words[0] !== 0 ? "-" : ""}${words[0]}${decimals > 0 ? `.${ZEROS.slice(0, decimals)}` : ""}`;
  }
  const fixed = formatFixed(value, decimals, mode);
  const [whole, frac] = fixed.split(".");
  const sign = whole!.startsWith("-") ? "-" : "";
  const digits = whole!.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${digits}${frac !== undefined ? `.${frac}` : ""}`;
}

const ZEROS = "00000000000000000000";

/** Quantities and unit prices as written: exact, grouped thousands in the whole part. */
export function exactGrouped(value: Decimal): string {
  const text = formatExact(value);
  const [whole, frac] = text.split(".");
  const sign = whole!.startsWith("-") ? "-" : "";
  const digits = whole!.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${digits}${frac !== undefined ? `.${frac}` : ""}`;
}

/** A count of events, rows or accounts for people: grouped thousands ("275,102"). */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** A share for people, two decimals, grouped like every other number they read: "1,060.60%". */
export function percentOf(part: Decimal, whole: Decimal): string {
  if (whole.isZero()) return "";
  return `${credits(part.mul(100).div(whole), 2)}%`;
}

/** A share of rows for a note: two decimals, and "under 0.01%" where those would show none. */
export function rowShare(part: number, whole: number): string {
  const share = (100 * part) / whole;
  return share < 0.01 ? "under 0.01%" : `${share.toFixed(2)}%`;
}
