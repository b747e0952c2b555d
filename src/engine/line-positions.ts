/**
 * Where an open cycle's lines sit (CycleLines): how its lists grow, and the index of their positions by slot.
 * A slot is the replay's number of a line (lineIds), the same in every account and cycle, so the slots of one
 * account's cycle are most often far apart: a list by slot where they are close together (a log of one
 * account), a map where they are not and the cycle has more than SCANNED lines, and no index at all below
 * that (a log of 100,000 accounts has some 7 to 35 lines a cycle, numbered among 20,000). A number of the
 * account's own, the same in its every cycle, was a map an account past a few dozen lines: 366 MB at 10M rows.
 */

/** Positions by slot, each plus one (0: not open this cycle): a list by slot, or a map. */
export type SlotIndex = number[] | Map<number, number>;

/** Lines up to which a slot is looked for among the positions' slots, not in an index, whatever the slots. */
export const LOOKED_THROUGH = 16;
/**
 * Lines up to which a slot is still looked for among the positions' where the slots are far apart: a map of a
 * few dozen entries is about 1.5 kB, and a log of 100,000 accounts has a cycle an account of some 7 to 35 lines.
 */
export const SCANNED = 64;

/** Whether a list by slot up to `top` is mostly positions, not holes, for `lines` lines. */
export function closeTogether(top: number, lines: number): boolean {
  return top < 8 * lines + 64;
}

/** The position plus one of the line of `slot` in the index, 0 for none. */
export function placeIn(index: SlotIndex, slot: number): number {
  if (index instanceof Map) return index.get(slot) ?? 0;
  return slot < index.length ? index[slot]! : 0;
}

/** An index of `entries` (slot, position plus one): a list by slot where `dense`, else a map. */
export function indexOf(entries: Iterable<readonly [number, number]>, dense: boolean): SlotIndex {
  if (!dense) return new Map(entries);
  let positions = NO_POSITIONS;
  for (const [slot, place] of entries) {
    if (positions.length <= slot) positions = grown(positions, grownLength(positions.length, slot + 1), 0);
    positions[slot] = place;
  }
  return positions;
}

/**
 * The index with the line of `slot` at `place`: the same one, or one made anew where a list would be mostly
 * holes (a map) or a map has filled (a list: a log of one account opens its lines in another order each cycle).
 * `lines` is the cycle's count of lines, `top` its highest slot, this one's included.
 */
export function withSlot(index: SlotIndex, slot: number, place: number, { lines, top }: { lines: number; top: number }): SlotIndex {
  if (index instanceof Map) {
    index.set(slot, place);
    return lines > SCANNED && closeTogether(top, lines >> 1) ? indexOf(index, true) : index;
  }
  if (index.length <= slot) {
    if (!closeTogether(slot, lines)) return new Map(listed(index)).set(slot, place);
    index = grown(index, grownLength(index.length, slot + 1), 0);
  }
  index[slot] = place;
  return index;
}

/** The slots a list holds, each with its place. */
function listed(positions: readonly number[]): [number, number][] {
  const slotted: [number, number][] = [];
  for (let slot = 0; slot < positions.length; slot++) if (positions[slot]! > 0) slotted.push([slot, positions[slot]!]);
  return slotted;
}

/** No positions by slot, shared (never written): grown() makes a copy. */
const NO_POSITIONS: number[] = [];

/**
 * The length a list grows to from `length` to hold at least `need`: by half again, and to FIRST_ROOM at
 * once. A cycle of a log of 100,000 accounts opens about seven lines, and each list grown by one at a
 * time (1, 2, 3, 4, 6, 9) was five copies of three lists, garbage past the young generation.
 */
export function grownLength(length: number, need: number): number {
  const grown = Math.max(need, length + (length >> 1));
  return grown < FIRST_ROOM ? FIRST_ROOM : grown;
}

const FIRST_ROOM = 4;

/** A copy of `list` of `length` entries, the new ones `fill`: made at once, with no room past them (a push leaves room for seventeen). */
export function grown<T>(list: readonly T[], length: number, fill: T): T[] {
  // new Array(length) of many entries is a dictionary, slow to read: a long list is copied and pushed to.
  if (length > PREALLOCATED) {
    const copy = list.slice();
    while (copy.length < length) copy.push(fill);
    return copy;
  }
  const copy = new Array<T>(length);
  for (let i = 0; i < list.length; i++) copy[i] = list[i]!;
  for (let i = list.length; i < length; i++) copy[i] = fill;
  return copy;
}

/** Lists up to this long are made at their length at once (V8 makes a dictionary of new Array(n) only for far more). */
export const PREALLOCATED = 1024;
