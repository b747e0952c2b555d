import { Decimal, formatExact, formatFixed, type RoundingMode } from "../../money.js";

/** Money and credits for people: the card's decimals, grouped thousands ("1,000.00", and 999.5 as "999.50"). */
export function credits(value: Decimal, decimals: number, mode: RoundingMode = "half-even"): string {
  const fixed = formatFixed(value, decimals, mode);
  const [whole, frac] = fixed.split(".");
  const sign = whole!.startsWith("-") ? "-" : "";
  const digits = whole!.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${digits}${frac !== undefined ? `.${frac}` : ""}`;
}

/** Quantities and unit prices as written: exact, grouped thousands in the whole part. */
export function exactGrouped(value: Decimal): string {
  const text = formatExact(value);
  const [whole, frac] = text.split(".");
  const sign = whole!.startsWith("-") ? "-" : "";
  const digits = whole!.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${digits}${frac !== undefined ? `.${frac}` : ""}`;
}

export function percentOf(part: Decimal, whole: Decimal): string {
  if (whole.isZero()) return "";
  return `${formatFixed(part.mul(100).div(whole), 2)}%`;
}
