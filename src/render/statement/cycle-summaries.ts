import type { StatementLine } from "../../engine/types.js";
import { formatExact, type Decimal } from "../../money.js";
import { byProject, projectOf, splitBy } from "../shared/summary.js";

/** A cycle's amounts by category, by pool and by project, in first-seen order, each as formatExact writes it. */
export interface CycleSummaries {
  byCategory: Map<string, string>;
  byPool: Map<string, string>;
  byProject: Map<string, string>;
}

/**
 * The three splits of a cycle's lines in one walk. Summed as Decimals (splitBy),
 * each line's amount was copied and added three times, a third of the time the
 * JSON statement took to write. Here each amount becomes one exact integer count
 * of 10^-scale (scale: the most decimals of any amount), and the three sums are
 * JavaScript numbers, as the engine counts a line's quantity (countOf in
 * credits.ts): exact while they stay safe integers. A cycle where one would not
 * is summed as Decimals instead. Either way the texts are the same: splitBy's
 * Decimal sums never round (a safe integer has 16 digits, Decimal keeps 60).
 */
export function cycleSummaries(lines: readonly StatementLine[]): CycleSummaries {
  return scaledSummaries(lines) ?? decimalSummaries(lines);
}

function decimalSummaries(lines: readonly StatementLine[]): CycleSummaries {
  return { byCategory: texts(splitBy(lines, (l) => l.category)), byPool: texts(splitBy(lines, (l) => l.pool)), byProject: texts(byProject(lines)) };
}

function texts(sums: Map<string, Decimal>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, sum] of sums) out.set(key, formatExact(sum));
  return out;
}

/** Decimals a scaled count may have: 10^15 is the largest power of ten below 2^53. */
const MAX_SCALE = 15;
/** Powers of ten a JavaScript number holds exactly. */
const POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

function scaledSummaries(lines: readonly StatementLine[]): CycleSummaries | undefined {
  let scale = 0;
  for (const line of lines) scale = Math.max(scale, line.amount.decimalPlaces());
  if (scale > MAX_SCALE) return undefined;
  const byCategory = new Map<string, number>();
  const byPool = new Map<string, number>();
  const byProject = new Map<string, number>();
  for (const line of lines) {
    const count = scaledCount(line.amount, scale);
    if (count === undefined || !added(byCategory, line.category, count) || !added(byPool, line.pool, count) || !added(byProject, projectOf(line), count)) return undefined;
  }
  return { byCategory: scaledTexts(byCategory, scale), byPool: scaledTexts(byPool, scale), byProject: scaledTexts(byProject, scale) };
}

/** Adds `count` to the key's sum; false once a sum is no longer a safe integer (and so maybe not exact). */
function added(sums: Map<string, number>, key: string, count: number): boolean {
  const sum = (sums.get(key) ?? 0) + count;
  sums.set(key, sum);
  return Number.isSafeInteger(sum);
}

/**
 * `value` times 10^scale as a safe integer, or undefined. decimal.js holds a
 * value as base-10^7 words `d` (the first without leading zeros) and the
 * exponent `e` of its first digit: the words read as one integer, times 10 to
 * the exponent of the last word's units. Every step is on safe integers, and a
 * step that left them shows in the result, which is refused.
 */
function scaledCount(value: Decimal, scale: number): number | undefined {
  const words = value.d;
  if (words === undefined) return undefined;
  let int = 0;
  for (const word of words) int = int * 1e7 + word;
  const shift = 7 * (Math.floor(value.e / 7) - words.length + 1) + scale;
  if (!Number.isSafeInteger(int) || Math.abs(shift) >= POWERS.length) return undefined;
  // A negative shift divides off zeros the last word holds past `scale` decimals: the quotient is a whole number, exact.
  const count = shift >= 0 ? int * POWERS[shift]! : int / POWERS[-shift]!;
  if (!Number.isSafeInteger(count)) return undefined;
  return value.s < 0 ? -count : count;
}

function scaledTexts(sums: Map<string, number>, scale: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, sum] of sums) out.set(key, scaledText(sum, scale));
  return out;
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
