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
