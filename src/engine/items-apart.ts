import { grown, grownLength } from "./line-positions.js";

/**
 * The unique items an open cycle charged that another account's cycle charged since (OpenCycle.holdApart,
 * ChargedItems): a list looked through up to LISTED items, a set past them. An account of a log of 100,000
 * holds a dozen or so a cycle, and a set of a dozen numbers is about 350 bytes, a list of them about 100.
 */
export type ItemsApart = number[] | Set<number>;

/** Items held in a list before a set. */
const LISTED = 64;
/** A list's room past its items: no item's number is negative. */
const NO_ITEM = -1;

/** Whether `item` is among the items held apart: an item is numbered from 0, and NO_ITEM is a list's room, not an item. */
export function heldIn(apart: ItemsApart | undefined, item: number): boolean {
  return apart !== undefined && item !== NO_ITEM && (apart instanceof Set ? apart.has(item) : apart.includes(item));
}

/** The items held apart with `item` too: the same list or set, or one made anew (grown by half again, or a set). */
export function withItem(apart: ItemsApart | undefined, item: number): ItemsApart {
  if (apart instanceof Set) return apart.add(item);
  const held = apart ?? [];
  const free = held.indexOf(NO_ITEM);
  if (free >= 0) {
    held[free] = item;
    return held;
  }
  if (held.length >= LISTED) return new Set(held).add(item);
  const listed = grown(held, grownLength(held.length, held.length + 1), NO_ITEM);
  listed[held.length] = item;
  return listed;
}
