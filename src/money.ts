import { Decimal as DecimalLib } from "decimal.js";

/**
 * burnrate's own Decimal constructor. A local clone so that no other module's
 * configuration can change our precision or rounding, with enough digits that
 * a 10M-row month of sub-cent prices never rounds, and exponent limits wide
 * enough that toString never switches to exponential notation.
 */
export const Decimal = DecimalLib.clone({
  precision: 60,
  rounding: DecimalLib.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);
/** The quantity of most events; readers hand out this instance so lines can count instead of add. */
export const ONE = new Decimal(1);

/** A plain decimal as written in a card, a CSV cell or a bill: no exponent, no grouping, no sign but '-'. */
const PLAIN_DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;
/** More than this many digits is not a plausible amount; it would only slow the replay. */
const MAX_DIGITS = 40;

function isPlainDecimal(text: string): boolean {
  return PLAIN_DECIMAL.test(text) && text.replace(/[-.]/g, "").length <= MAX_DIGITS;
}

/** Parse a plain decimal exactly, or return undefined. Never goes through a JavaScript number. */
export function parsePlainDecimal(text: string): Decimal | undefined {
  return isPlainDecimal(text) ? new Decimal(text) : undefined;
}

/** The canonical text of an amount in JSON and CSV: exact, no exponent, no trailing zeros, no "-0". */
export function formatExact(value: Decimal): string {
  return value.isZero() ? "0" : value.toFixed();
}

export type RoundingMode = "half-even" | "half-up" | "down";

const ROUNDING: Record<RoundingMode, DecimalLib.Rounding> = {
  "half-even": DecimalLib.ROUND_HALF_EVEN,
  "half-up": DecimalLib.ROUND_HALF_UP,
  down: DecimalLib.ROUND_DOWN,
};

/** Fixed decimals for people: 999.5 with two decimals is "999.50". */
export function formatFixed(value: Decimal, decimals: number, mode: RoundingMode = "half-even"): string {
  const text = value.toFixed(decimals, ROUNDING[mode]);
  return /^-0(?:\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** Round to a multiple of `step` (0.01 for cents) with the card's rounding mode. */
export function roundToStep(value: Decimal, step: Decimal, mode: RoundingMode): Decimal {
  return value.div(step).toDecimalPlaces(0, ROUNDING[mode]).mul(step);
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** Powers of ten a JavaScript number holds exactly. */
export const POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `value` times 10^scale as a safe integer, or undefined (it has more decimals,
 * or is too large). decimal.js holds a value as base-10^7 words `d` (the first
 * without leading zeros) and the exponent `e` of its first digit: the words read
 * as one integer, times 10 to the exponent of the last word's units. Every step
 * is on safe integers, and a step that left them shows in the result, refused.
 */
export function scaledCount(value: Decimal, scale: number): number | undefined {
  const words = value.d;
  if (words === undefined) return undefined;
  let int = 0;
  for (const word of words) int = int * 1e7 + word;
  const shift = 7 * (Math.floor(value.e / 7) - words.length + 1) + scale;
  if (!Number.isSafeInteger(int) || Math.abs(shift) >= POWERS.length) return undefined;
  let count: number;
  if (shift >= 0) count = int * POWERS[shift]!;
  else {
    // Digits past `scale` decimals: only zeros may be divided off, and then the quotient is a whole number, exact.
    if (int % POWERS[-shift]! !== 0) return undefined;
    count = int / POWERS[-shift]!;
  }
  if (!Number.isSafeInteger(count)) return undefined;
  return value.s < 0 ? -count : count;
}

/** A count of 10^-scale as formatExact writes its value: no exponent, no trailing zeros, "0" for zero. */
export function scaledText(count: number, scale: number): string {
  if (count === 0) return "0";
  const sign = count < 0 ? "-" : "";
  // A safe integer's String has no exponent (that starts at 10^21).
  let digits = String(Math.abs(count));
  if (scale === 0) return sign + digits;
  if (digits.length <= scale) digits = "0".repeat(scale + 1 - digits.length) + digits;
  const point = digits.length - scale;
  let end = digits.length;
  while (end > point && digits.charCodeAt(end - 1) === 48) end--;
  return end === point ? sign + digits.slice(0, point) : `${sign}${digits.slice(0, point)}.${digits.slice(point, end)}`;
}

/** Decimals a scaled count may have: 10^15 is the largest power of ten below 2^53. */
export const MAX_SCALE = 15;

/**
 * The sum of the amounts, as `sum` gives it: counted as one safe integer of 10^-scale (the scale raised as
 * amounts bring more decimals), one Decimal made at the end where adding made one an amount (a cycle of the
 * 2M-row log closes 25,000 lines). Where an amount or a partial sum is past a safe integer, added as Decimals.
 * The same value either way: a Decimal of 60 digits never rounds a sum of safe integers.
 */
export function amountsSum(items: readonly { readonly amount: Decimal }[]): Decimal {
  if (items.length === 0) return ZERO;
  let total = 0;
  let scale = 0;
  for (const item of items) {
    let count = scaledCount(item.amount, scale);
    if (count === undefined) {
      // More decimals than the amounts before: the sum so far is counted again in smaller units.
      const places = item.amount.decimalPlaces();
      if (!(places > scale && places <= MAX_SCALE)) return sum(items.map((i) => i.amount));
      total *= POWERS[places - scale]!;
      scale = places;
      count = scaledCount(item.amount, scale);
      if (count === undefined) return sum(items.map((i) => i.amount));
    }
    total += count;
    if (!Number.isSafeInteger(total)) return sum(items.map((i) => i.amount));
  }
  return new Decimal(scaledText(total, scale));
}
