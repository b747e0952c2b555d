import type { StatementLine } from "./types.js";

/**
 * A line with what its order compares worked out once: a sort compares each
 * line some twenty times (a cycle of the 2M-row log has 25,000 lines), and
 * looking its meter's rank and its dimensions' key up at each comparison was
 * most of a close.
 */
interface Ranked {
  readonly line: StatementLine;
  readonly rank: number;
  readonly dimensions: string;
}

/**
 * The dimensions' text that orders lines, by the dimensions object: a line's
 * dimensions are its shape's (lineDimensions, made once a line of a shape),
 * the same object in every cycle and account, so most are written once a
 * replay, not once a close. Weak, so that a replay's go with it.
 */
const DIMENSION_KEYS = new WeakMap<Readonly<Record<string, string>>, string>();

function dimensionsKey(dimensions: Readonly<Record<string, string>>): string {
  let key = DIMENSION_KEYS.get(dimensions);
  if (key === undefined) DIMENSION_KEYS.set(dimensions, (key = JSON.stringify(dimensions)));
  return key;
}

/**
 * Sort a cycle's lines in the statement's order: by their meter's place in the
 * card (`rank`, 0 for a meter it lacks), their dimensions' JSON text, their
 * component (none first), kind and unit price; lines equal in all of these
 * keep the order they opened in (the sort is stable).
 */
export function sortLines(lines: StatementLine[], rank: ReadonlyMap<string, number>): void {
  if (lines.length < 2) return;
  const ranked: Ranked[] = new Array<Ranked>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    ranked[i] = { line, rank: rank.get(line.meter) ?? 0, dimensions: dimensionsKey(line.dimensions) };
  }
  ranked.sort(byLineOrder);
  for (let i = 0; i < lines.length; i++) lines[i] = ranked[i]!.line;
}

function byLineOrder(a: Ranked, b: Ranked): number {
  return a.rank - b.rank || compare(a.dimensions, b.dimensions) || compare(a.line.component ?? "", b.line.component ?? "") || compare(a.line.kind, b.line.kind) || a.line.unitPrice.cmp(b.line.unitPrice);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each meter's place in the card's order, made once a replay (its order's list of meters), not at each of 100,000 accounts' closes. */
const RANKS = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

export function rankOf(meters: readonly string[]): ReadonlyMap<string, number> {
  let rank = RANKS.get(meters);
  if (rank === undefined) RANKS.set(meters, (rank = new Map(meters.map((m, i) => [m, i]))));
  return rank;
}
