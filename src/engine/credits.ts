import { Decimal, ZERO } from "../money.js";
import type { Instant } from "../time.js";

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
/** A balance rule's room already passed: the rule acts at the next charge paid, so that charge goes the full way. */
export const NO_ROOM: Credits = -1n;

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

/** Decimals a scale keeps by their credits (Scale.decimal), at most: past it they start afresh. */
const DECIMALS_KEPT = 1 << 12;

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
    // The last value converted is kept: every account of a log of many opens each cycle with the same allowance.
    if (value === this.lastValue) return this.lastValueCredits;
    const scaled = value.mul(this.factor);
    if (!scaled.isInteger()) throw new Error(`${value.toFixed()} has more than ${this.digits} decimals: the credit scale was chosen too small`);
    const credits = BigInt(scaled.toFixed());
    this.lastValue = value;
    this.lastValueCredits = credits;
    return credits;
  }

  private lastValue: Decimal | undefined;
  private lastValueCredits = NO_CREDITS;

  decimal(credits: Credits): Decimal {
    // Decimals never change, so equal amounts may share one: the many zeros of a statement
    // (an account's untouched grant rows) are ZERO, and amounts made are kept, up to
    // DECIMALS_KEPT: a log of 100,000 accounts closes each cycle with the same opening
    // balance, and the same few sums of a few prices consumed and left.
    if (credits === NO_CREDITS) return ZERO;
    let made = this.decimals.get(credits);
    if (made === undefined) {
      if (this.decimals.size >= DECIMALS_KEPT) this.decimals.clear();
      // Copied, for a digits array of the length it needs: parsing a string leaves room for seventeen (a closed cycle keeps several).
      this.decimals.set(credits, (made = new Decimal(new Decimal(`${credits}e-${this.digits}`))));
    }
    return made;
  }

  private readonly decimals = new Map<Credits, Decimal>();

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
export const COUNT_DECIMALS = 6;
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

/** `count` whole units at `unit` each; undefined for a count that is not whole. */
export function unitsOf(unit: Credits, count: Decimal): Credits | undefined {
  return count.isInteger() ? unit * BigInt(count.toFixed()) : undefined;
}

/** How many whole units at `unit` each fit in `room`. */
export function wholeUnits(room: Credits, unit: Credits): Credits {
  return room <= 0n ? 0n : room / unit;
}

const MOST_UNITS = Number.MAX_SAFE_INTEGER;

/**
 * Credits as a count of small units in a JavaScript number, exact while it is a
 * safe integer: the covered charges of a run add up there, and reach the
 * account's bigints at once. A unit is a millionth of a quantity (a line's
 * count) times the card's finest price decimal, so a count times a unit price
 * is a whole number of units.
 */
export class Units {
  private readonly size: Credits;

  constructor(
    scale: Scale,
    private readonly priceDecimals: number,
  ) {
    const shift = scale.digits - COUNT_DECIMALS - priceDecimals;
    if (shift < 0) throw new Error("the credit scale is finer than a unit: it was chosen too small");
    this.size = 10n ** BigInt(shift);
  }

  /** Units a millionth of a quantity costs at `price`, where that is a safe integer. */
  perCount(price: Exact): number | undefined {
    // Kept by price: each first row of a unique item asks again, and bigints are made afresh each time.
    if (this.perCounts.has(price)) return this.perCounts.get(price);
    let perCount: number | undefined;
    if (price.decimals <= this.priceDecimals) {
      const units = price.int * 10n ** BigInt(this.priceDecimals - price.decimals);
      perCount = units <= BigInt(MOST_UNITS) ? Number(units) : undefined;
    }
    this.perCounts.set(price, perCount);
    return perCount;
  }

  /** Unit prices are a card's handful, one Exact each (PriceBook keeps them): a weak map lets a replay's book go. */
  private readonly perCounts = new WeakMap<Exact, number | undefined>();

  /**
   * Units `count` millionths cost at `perCount`, where that is a safe integer:
   * both are exact integers, so a float product at most MAX_SAFE_INTEGER is
   * exact, and a true product above it never rounds down to it.
   */
  cost(count: number, perCount: number): number | undefined {
    const units = count * perCount;
    return units <= MOST_UNITS ? units : undefined;
  }

  /** The whole units within `credits` (none for a negative amount), at most MAX_SAFE_INTEGER. */
  within(credits: Credits): number {
    if (credits <= 0n) return 0;
    const units = credits / this.size;
    return units > BigInt(MOST_UNITS) ? MOST_UNITS : Number(units);
  }

  credits(units: number): Credits {
    return BigInt(units) * this.size;
  }
}

/**
 * Covered charges of one account not yet taken from its wallet, and how many
 * units may gather before one could cross a warning level, set off a low
 * balance or drain the wallet: while they stay within it, taking them at once
 * leaves the grants as taking them one by one would (each draws in burn order).
 */
export class Deferred {
  private units = 0;
  /** Units that may gather; -1 while closed. */
  private room = -1;

  get open(): boolean {
    return this.room >= 0;
  }

  get pending(): boolean {
    return this.units > 0;
  }

  /** Whether `units` more stay within the room (a sum past MAX_SAFE_INTEGER never rounds down into it). */
  fits(units: number): boolean {
    return this.units + units <= this.room;
  }

  /** The instant of the last row taken since it opened (a folding ledger's entry), -Infinity for none. */
  get last(): Instant {
    return this.lastAt;
  }

  private lastAt = -Infinity;

  take(units: number, at: Instant): void {
    this.units += units;
    this.lastAt = at;
  }

  start(room: number): void {
    this.units = 0;
    this.room = room;
  }

  /** Close, returning the units gathered. */
  end(): number {
    const units = this.units;
    this.units = 0;
    this.room = -1;
    this.lastAt = -Infinity;
    return units;
  }
}

/** The sum of two unit counts; past MAX_SAFE_INTEGER it is too large for any room, as Deferred.fits needs. */
export function plusUnits(a: number, b: number): number {
  return a + b;
}
