import { Decimal } from "../money.js";

/**
 * Credits in the replay's hot loop: exact integers counting 10^-digits of a
 * credit, as bigints. A Decimal add allocates a digit array and rounds at 60
 * digits; a bigint add takes nanoseconds and never rounds. Decimals come in
 * (prices, grants, quantities) and go out (the statement) through one Scale.
 *
 * Every arithmetic operator on credits is in this file: the rest of src/engine
 * moves credits only through these functions, and the no-float check reads it
 * (scripts/check-no-float.mjs). TypeScript refuses a number mixed into bigint
 * arithmetic, and so does the runtime, so no float can reach a credit here.
 */
export type Credits = bigint;

export const NO_CREDITS: Credits = 0n;

/** A decimal as an integer and a count of decimals: 0.25 is 25 and 2. */
export interface Exact {
  readonly int: bigint;
  readonly decimals: number;
}

export function exact(value: Decimal): Exact {
  const decimals = value.decimalPlaces();
  return { int: BigInt(value.mul(TEN.pow(decimals)).toFixed()), decimals };
}

const TEN = new Decimal(10);

/**
 * The replay's unit of account. `digits` must cover every value the replay
 * meets: the largest count of decimals of a quantity times a price, of a grant,
 * of a grace buffer. A value with more is a bug in choosing the scale, never
 * rounded away.
 */
export class Scale {
  private readonly powers: bigint[] = [];
  private readonly factor: Decimal;

  constructor(readonly digits: number) {
    for (let i = 0, p = 1n; i <= digits; i++, p *= 10n) this.powers.push(p);
    this.factor = TEN.pow(digits);
  }

  of(value: Decimal): Credits {
    const scaled = value.mul(this.factor);
    if (!scaled.isInteger()) throw new Error(`${value.toFixed()} has more than ${this.digits} decimals: the credit scale was chosen too small`);
    return BigInt(scaled.toFixed());
  }

  decimal(credits: Credits): Decimal {
    return new Decimal(`${credits}e-${this.digits}`);
  }

  /** quantity x unit price, exactly, from their integer forms. */
  product(quantity: Exact, price: Exact): Credits {
    const shift = this.digits - quantity.decimals - price.decimals;
    if (shift < 0) throw new Error(`a quantity of ${quantity.decimals} decimals at a price of ${price.decimals}: the credit scale was chosen too small`);
    return quantity.int * price.int * this.powers[shift]!;
  }

  /** The credits at which `percent` of `allowance` is reached: the least whole count of units at or above it. */
  percentOf(allowance: Credits, percent: number): Credits {
    const hundredths = allowance * BigInt(percent);
    return (hundredths + 99n) / 100n;
  }
}

/**
 * Quantities summed on a statement line, counted in millionths in a JavaScript
 * number: updated in place, so a line taking millions of events makes no
 * garbage. Only safe integers are ever counted; a quantity with more decimals,
 * or a sum that would pass 2^53, is left to the line's Decimal.
 */
const COUNT_DECIMALS = 6;
const COUNT_POWERS = [1000000n, 100000n, 10000n, 1000n, 100n, 10n, 1n];
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function countOf(quantity: Exact): number | undefined {
  if (quantity.decimals > COUNT_DECIMALS) return undefined;
  const millionths = quantity.int * COUNT_POWERS[quantity.decimals]!;
  return millionths > SAFE || millionths < -SAFE ? undefined : Number(millionths);
}

/** The sum of two counts, or undefined where it would not be exact. */
export function addCount(a: number, b: number): number | undefined {
  const sum = a + b;
  return Number.isSafeInteger(sum) ? sum : undefined;
}

export function countDecimal(count: number): Decimal {
  return new Decimal(`${count}e-${COUNT_DECIMALS}`);
}

export function add(a: Credits, b: Credits): Credits {
  return a + b;
}

export function sub(a: Credits, b: Credits): Credits {
  return a - b;
}

export function min(a: Credits, b: Credits): Credits {
  return a < b ? a : b;
}

/** How many whole units at `unit` each fit in `room`. */
export function wholeUnits(room: Credits, unit: Credits): Credits {
  return room <= 0n ? 0n : room / unit;
}
