import type { StatementLine } from "../../engine/types.js";
import { formatExact, type Decimal } from "../../money.js";
import { byProject, projectOf, splitBy } from "../shared/summary.js";

/** Amounts by key, in first-seen order, each as formatExact writes it. */
export interface Split {
  keys: readonly string[];
  texts: readonly string[];
}

/** A cycle's amounts by category, by pool and by project. */
export interface CycleSummaries {
  byCategory: Split;
  byPool: Split;
  byProject: Split;
}

/**
 * The three splits of a cycle's lines in one walk. Summed as Decimals (splitBy),
 * each line's amount was copied and added three times, a third of the time the
 * JSON statement took to write. Here each amount becomes one exact integer count
 * of 10^-scale (scale: the most decimals of an amount so far, raised as lines
 * need), and the sums are JavaScript numbers, as the engine counts a line's
 * quantity (countOf in credits.ts): exact while they stay safe integers. A cycle
 * where one would not is summed as Decimals instead. Either way the texts are the
 * same: splitBy's Decimal sums never round (a safe integer has 16 digits, a
 * Decimal 60).
 */
export function cycleSummaries(lines: readonly StatementLine[]): CycleSummaries {
  // A cycle of one line (many accounts of a large log): its amount is every sum.
  if (lines.length === 1) {
    const line = lines[0]!;
    const texts = [formatExact(line.amount)];
    return { byCategory: { keys: [line.category], texts }, byPool: { keys: [line.pool], texts }, byProject: { keys: [projectOf(line)], texts } };
  }
  return scaledSummaries(lines) ?? decimalSummaries(lines);
}

function decimalSummaries(lines: readonly StatementLine[]): CycleSummaries {
  return { byCategory: decimalSplit(splitBy(lines, (l) => l.category)), byPool: decimalSplit(splitBy(lines, (l) => l.pool)), byProject: decimalSplit(byProject(lines)) };
}

function decimalSplit(sums: Map<string, Decimal>): Split {
  return { keys: [...sums.keys()], texts: [...sums.values()].map(formatExact) };
}

/** Decimals a scaled count may have: 10^15 is the largest power of ten below 2^53. */
const MAX_SCALE = 15;
/** Powers of ten a JavaScript number holds exactly. */
const POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

function scaledSummaries(lines: readonly StatementLine[]): CycleSummaries | undefined {
  const byCategory = new ScaledSplit();
  const byPool = new ScaledSplit();
  const byProject = new ScaledSplit();
  let scale = 0;
  for (const line of lines) {
    let count = scaledCount(line.amount, scale);
    if (count === undefined) {
      // More decimals than the lines before: the sums so far are counted again in smaller units.
      const places = line.amount.decimalPlaces();
      if (places <= scale || places > MAX_SCALE) return undefined;
      if (!byCategory.rescaled(places - scale) || !byPool.rescaled(places - scale) || !byProject.rescaled(places - scale)) return undefined;
      scale = places;
      count = scaledCount(line.amount, scale);
      if (count === undefined) return undefined;
    }
    if (!byCategory.added(line.category, count) || !byPool.added(line.pool, count) || !byProject.added(projectOf(line), count)) return undefined;
  }
  return { byCategory: byCategory.split(scale), byPool: byPool.split(scale), byProject: byProject.split(scale) };
}

/**
 * Counts by key in first-seen order. Most cycles of a log of many accounts have
 * a line or two: a few keys are found by a look through the list, and only a
 * cycle with more builds a Map of where each key is.
 */
class ScaledSplit {
  private readonly keys: string[] = [];
  private readonly counts: number[] = [];
  private places: Map<string, number> | undefined;

  /** Adds `count` to the key's sum; false once a sum is no longer a safe integer (and so maybe not exact). */
  added(key: string, count: number): boolean {
    const at = this.placeOf(key);
    const sum = (this.counts[at] ?? 0) + count;
    this.counts[at] = sum;
    return Number.isSafeInteger(sum);
  }

  /** Every sum in units 10^digits times smaller; false if one would no longer be a safe integer. */
  rescaled(digits: number): boolean {
    for (let i = 0; i < this.counts.length; i++) {
      this.counts[i] = this.counts[i]! * POWERS[digits]!;
      if (!Number.isSafeInteger(this.counts[i])) return false;
    }
    return true;
  }

  split(scale: number): Split {
    return { keys: this.keys, texts: this.counts.map((count) => scaledText(count, scale)) };
  }

  private placeOf(key: string): number {
    const keys = this.keys;
    if (this.places !== undefined) {
      const at = this.places.get(key);
      if (at !== undefined) return at;
      this.places.set(key, keys.length);
    } else {
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
      if (keys.length === FEW) this.places = new Map(keys.map((k, i) => [k, i]));
      this.places?.set(key, keys.length);
    }
    keys.push(key);
    return keys.length - 1;
  }
}

/** Keys looked for in a list; past them, in a Map. */
const FEW = 8;

/**
 * `value` times 10^scale as a safe integer, or undefined (it has more decimals,
 * or is too large). decimal.js holds a value as base-10^7 words `d` (the first
 * without leading zeros) and the exponent `e` of its first digit: the words read
 * as one integer, times 10 to the exponent of the last word's units. Every step
 * is on safe integers, and a step that left them shows in the result, refused.
 */
function scaledCount(value: Decimal, scale: number): number | undefined {
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
function scaledText(count: number, scale: number): string {
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
