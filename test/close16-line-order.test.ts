import { describe, expect, it } from "vitest";
import { LineHead } from "../src/engine/cycle-lines.js";
import { sortedLines, type Ranked } from "../src/engine/line-order.js";
import type { StatementLine } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { card } from "./helpers/engine.js";

// Issue 16: a close hands the sort its lines where their heads' lines stood at the last close (LineHead.order), so
// that a cycle much like the last is sorted from long runs. The order must not depend on those places: they are
// hints, stale or wrong as often as not (another account's cycle, a line of the last cycle gone, a new one come).

const call = card().meters.get("call")!;

/** A cycle's lines as a close ranks them: each its own head (projects p0..p(n-1), some at a second price), at the position it opened. */
function cycle(projects: readonly number[], heads: Map<string, LineHead>): Ranked[] {
  return projects.map((p, position) => {
    const key = `p${p}`;
    let head = heads.get(key);
    if (head === undefined) {
      const dimensions = { project: `p${Math.floor(p / 2)}` };
      heads.set(key, (head = new LineHead({ meter: "call", kind: "usage", category: "c", pool: "b", dimensions, unitPrice: new Decimal(p % 2 === 0 ? "0.5" : "0.25"), source: call, version: undefined })));
    }
    const line: StatementLine = { meter: "call", component: undefined, kind: "usage", category: "c", pool: "b", dimensions: head.dimensions, quantity: new Decimal(1), unitPrice: head.unitPrice, amount: head.unitPrice, events: 1 };
    return { line, rank: 0, dimensions: JSON.stringify(head.dimensions), position, head };
  });
}

/** The statement's order worked out by hand: by project's text, then unit price; equal lines in the order they opened. */
function expected(ranked: readonly Ranked[]): StatementLine[] {
  return [...ranked]
    .sort((a, b) => (a.dimensions < b.dimensions ? -1 : a.dimensions > b.dimensions ? 1 : 0) || a.line.unitPrice.cmp(b.line.unitPrice) || a.position - b.position)
    .map((r) => r.line);
}

function shuffled(n: number, seed: number): number[] {
  const list = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

describe("a close's sort by its heads' last places", () => {
  it("gives the same order from no places, from the last cycle's, and from places scrambled or out of range", () => {
    const heads = new Map<string, LineHead>();
    // The first close: no head has a place.
    const first = cycle(shuffled(500, 1), heads);
    // sortedLines may reorder the list it is handed: the expectation is worked out first.
    const firstOrder = expected(first);
    expect(sortedLines(first)).toEqual(firstOrder);
    expect([...heads.values()].every((h) => h.order >= 0)).toBe(true);
    // The next: most lines the last cycle's (each head placed), a fifth new, in another order.
    const next = cycle(shuffled(600, 2).filter((p) => p < 400 || p >= 500), heads);
    const nextOrder = expected(next);
    expect(sortedLines(next)).toEqual(nextOrder);
    // Places that say nothing true: shared, past the list, reversed.
    let k = 0;
    for (const head of heads.values()) head.order = k++ % 5 === 0 ? 7 : k % 5 === 1 ? 5_000_000 : (k * 7919) % 1100;
    const scrambled = cycle(shuffled(600, 3), heads);
    const scrambledOrder = expected(scrambled);
    expect(sortedLines(scrambled)).toEqual(scrambledOrder);
  });

  it("keeps lines equal in all the order reads in the order they opened, whatever their places", () => {
    const heads = new Map<string, LineHead>();
    // Two lines of one head (as two accounts' lines of a shape would be), the second opened first.
    const ranked = cycle([...Array(100).keys(), 42], heads);
    heads.get("p42")!.order = 0;
    const [opened, again] = [ranked[42]!.line, ranked[100]!.line];
    const sorted = sortedLines(ranked);
    const at = sorted.flatMap((l, i) => (l === opened || l === again ? [i] : []));
    expect(at.map((i) => sorted[i])).toEqual([opened, again]);
    expect(at[1]! - at[0]!).toBe(1);
  });
});
