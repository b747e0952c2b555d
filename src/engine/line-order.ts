import type { LineHead } from "./cycle-lines.js";
import type { StatementLine } from "./types.js";

/**
 * A line with what its order compares worked out once: a sort compares each
 * line some twenty times (a cycle of the 2M-row log has 25,000 lines), and
 * looking its meter's rank and its dimensions' key up at each comparison was
 * most of a close.
 */
export interface Ranked {
  readonly line: StatementLine;
  readonly rank: number;
  readonly dimensions: string;
  /** Where the line opened: lines equal in all the order reads keep that order, however the sort is handed them. */
  readonly position: number;
  /** The head of a line held as one: where its line stood in the last close it was sorted in (`LineHead.order`). */
  readonly head: LineHead | undefined;
}

/**
 * The dimensions' text that orders lines, by the dimensions object: a line's
 * dimensions are its shape's (lineDimensions, made once a line of a shape),
 * the same object in every cycle and account, so most are written once a
 * replay, not once a close. Weak, so that a replay's go with it.
 */
const DIMENSION_KEYS = new WeakMap<Readonly<Record<string, string>>, string>();

export function dimensionsKey(dimensions: Readonly<Record<string, string>>): string {
  let key = DIMENSION_KEYS.get(dimensions);
  if (key === undefined) DIMENSION_KEYS.set(dimensions, (key = JSON.stringify(dimensions)));
  return key;
}

/**
 * Sort a cycle's lines in the statement's order: by their meter's place in the
 * card (`rank`, 0 for a meter it lacks), their dimensions' JSON text, their
 * component (none first), kind and unit price; lines equal in all of these
 * keep the order they opened in.
 */
export function sortLines(lines: StatementLine[], rank: ReadonlyMap<string, number>): void {
  const ranked: Ranked[] = new Array<Ranked>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    ranked[i] = { line, rank: rank.get(line.meter) ?? 0, dimensions: dimensionsKey(line.dimensions), position: i, head: undefined };
  }
  const sorted = sortedLines(ranked);
  for (let i = 0; i < lines.length; i++) lines[i] = sorted[i]!;
}

/**
 * The lines of `ranked` (each at the position it opened) in the statement's order. Lines held as heads are
 * first put where their heads' lines stood at the last close: a cycle's lines are mostly the last cycle's, so
 * the sort finds them in long runs and merges the few new ones in, where lines in the order they opened took
 * some twenty comparisons each. The order compares positions last, so it is the same whatever it is handed.
 * `ranked` itself may be left in any order.
 */
export function sortedLines(ranked: Ranked[]): StatementLine[] {
  const arranged = ranked.length < ARRANGED_FROM ? ranked : arrangedByLastOrder(ranked);
  arranged.sort(byLineOrder);
  const lines = new Array<StatementLine>(arranged.length);
  for (let i = 0; i < arranged.length; i++) {
    const { line, head } = arranged[i]!;
    lines[i] = line;
    if (head !== undefined) head.order = i;
  }
  return lines;
}

/** Lines below which a cycle is sorted as it opened: a log of many accounts closes cycles of a few lines. */
const ARRANGED_FROM = 64;

/**
 * The lines by their heads' last places (those of a place taken, or of none, after them): one pass, no
 * comparison. As they opened where few have a place (a replay's first close).
 */
function arrangedByLastOrder(ranked: Ranked[]): Ranked[] {
  const room = 2 * ranked.length;
  // Each place's line by its position plus one, 0 for none: numbers, not a list of objects for the collector to read.
  const placed = new Int32Array(room);
  let hits = 0;
  for (let i = 0; i < ranked.length; i++) {
    const at = ranked[i]!.head?.order ?? -1;
    if (at >= 0 && at < room && placed[at] === 0) {
      placed[at] = i + 1;
      hits++;
    }
  }
  if (hits < ranked.length >> 1) return ranked;
  const arranged: Ranked[] = [];
  const taken = new Uint8Array(ranked.length);
  for (let at = 0; at < room; at++) {
    const i = placed[at]!;
    if (i === 0) continue;
    arranged.push(ranked[i - 1]!);
    taken[i - 1] = 1;
  }
  for (let i = 0; i < ranked.length; i++) if (taken[i] === 0) arranged.push(ranked[i]!);
  return arranged;
}

function byLineOrder(a: Ranked, b: Ranked): number {
  return (
    a.rank - b.rank ||
    compare(a.dimensions, b.dimensions) ||
    compare(a.line.component ?? "", b.line.component ?? "") ||
    compare(a.line.kind, b.line.kind) ||
    a.line.unitPrice.cmp(b.line.unitPrice) ||
    a.position - b.position
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
