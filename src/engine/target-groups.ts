import type { Meter } from "../ratecard/types.js";
import type { Dimensions } from "./replay-state.js";

/** A meter's groups: by the value of each dimension its target reads in turn (undefined where the row has none), to a group's number. */
type Tree = Map<string | undefined, Tree | number>;

/**
 * The numbers of shapes' groups (charging.ts, groupOf): a meter and the values of
 * the dimensions its target reads. A log's new shapes come by the hundred
 * thousand, each a lookup here: the values are looked up in turn, as they are,
 * with no key made of them.
 */
export class TargetGroups {
  private readonly trees = new Map<Meter, Tree | number>();
  private size = 0;

  /** The group of the meter and the values of `reads` in `dims`, numbered from 0 as first seen. */
  of(meter: Meter, reads: readonly string[], dims: Dimensions): number {
    let node = this.trees.get(meter);
    if (reads.length === 0) {
      if (node === undefined) this.trees.set(meter, (node = this.size++));
      return node as number;
    }
    if (node === undefined) this.trees.set(meter, (node = new Map()));
    let tree = node as Tree;
    const last = reads.length - 1;
    for (let i = 0; i < last; i++) {
      const value = dims[reads[i]!];
      let next = tree.get(value) as Tree | undefined;
      if (next === undefined) tree.set(value, (next = new Map()));
      tree = next;
    }
    const value = dims[reads[last]!];
    let group = tree.get(value) as number | undefined;
    if (group === undefined) tree.set(value, (group = this.size++));
    return group;
  }

  clear(): void {
    this.trees.clear();
    this.size = 0;
  }
}
