import type { Instant } from "../time.js";

/**
 * A cycle's warning levels crossed are held flat, percent then instant for each (16 bytes a level, where an object a
 * level took 56: 9 MB of a 100,000-account log's heap, heap54), each crossing a copy of the length it needs (concat:
 * a push leaves room for seventeen, and a cycle crosses a level or four). None crossed yet: this, shared.
 */
export const NO_LEVELS_CROSSED: readonly number[] = [];

/** The levels crossed, as the statement lists them: by percent. */
export function levelsCrossed(flat: readonly number[] | undefined): { percent: number; at: Instant }[] {
  const levels: { percent: number; at: Instant }[] = [];
  for (let i = 0; flat !== undefined && i < flat.length; i += 2) levels.push({ percent: flat[i]!, at: flat[i + 1]! });
  return levels.sort((a, b) => a.percent - b.percent);
}
