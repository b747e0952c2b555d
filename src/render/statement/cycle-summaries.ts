import type { StatementLine } from "../../engine/types.js";
import { formatExact, MAX_SCALE, POWERS, scaledCount, scaledText, type Decimal } from "../../money.js";
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
