import type { Meter } from "../ratecard/types.js";
import type { ChargeTarget, Dimensions } from "./replay-state.js";
import type { RowSource, ShapeCells } from "./rows.js";

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
  /** The row source whose cells `byCell` holds. */
  private cellSource: RowSource | undefined;
  /** A meter's groups by the cell of the one dimension its target reads, where it reads one: the group plus one, 0 for none yet. */
  private readonly byCell = new Map<Meter, { column: number; groups: Int32Array } | undefined>();

  /**
   * The group of shape `shape` of a row source, as `of` gives it: where its target reads one dimension, found
   * by the shape's cell of it (a log's groups are few, its shapes many), and by its value at a cell's first.
   */
  ofShape(meter: Meter, reads: readonly string[], source: RowSource, shape: number): number {
    const dims = source.dimensions[shape]!;
    const cells = source.cells;
    if (cells === undefined || reads.length !== 1) return this.of(meter, reads, dims);
    if (this.cellSource !== source) {
      this.byCell.clear();
      this.cellSource = source;
    }
    let byCell = this.byCell.get(meter);
    if (byCell === undefined) {
      if (this.byCell.has(meter)) return this.of(meter, reads, dims);
      this.byCell.set(meter, (byCell = columnOf(cells, reads[0]!)));
      if (byCell === undefined) return this.of(meter, reads, dims);
    }
    const index = byCell.column < 0 ? -1 : cells.cell(shape, byCell.column);
    const at = index + 1;
    const n = at < byCell.groups.length ? byCell.groups[at]! : 0;
    if (n > 0) return n - 1;
    const group = this.of(meter, reads, dims);
    if (at >= byCell.groups.length) {
      const grown = new Int32Array(Math.max(at + 1, 2 * byCell.groups.length));
      grown.set(byCell.groups);
      byCell.groups = grown;
    }
    byCell.groups[at] = group + 1;
    return group;
  }

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
    this.byCell.clear();
    this.size = 0;
  }
}

function columnOf(cells: ShapeCells, dimension: string): { column: number; groups: Int32Array } | undefined {
  const column = cells.column(dimension);
  return column === undefined ? undefined : { column, groups: new Int32Array(64) };
}

/**
 * Targets kept by group and account, at most this many: the keys are an
 * account's, so a log of 100,000 accounts has about as many as rows. Past it
 * the map starts afresh; a target is only ever found again by its key and
 * worked out the same, and a shape keeps its own.
 */
const CACHED_TARGETS = 1 << 17;

/** A group and an account's ordinal in one safe integer: groups below 2^21, ordinals below 2^32; a group past them is worked out each row. */
const MAX_GROUPS = 1 << 21;
/** One account's keys, a group's each. */
const ACCOUNT_SPAN = MAX_GROUPS;

/**
 * The runs' targets of groups (charging.ts, shapeTarget): by a key of the group and the run's ordinal, the
 * ordinal above the group (a log of one account keys by small integers, not heap numbers made at each
 * lookup); and by group, the last one kept and its run, read first: a log of one account's new shapes
 * (a hundred thousand) find their group's target in an array, not a map of every group's. A target that no
 * check applies to (creditsOnly) holds nothing of its account's: it is kept once a group (`shared`), for every
 * account whose charges of the group no check applies to, and not by key. A log of 100,000 accounts made
 * a target and a map entry of each about every row: some 360 MB a 2M-row log to collect, past the young
 * generation.
 */
export class GroupTargets {
  private readonly byKey = new Map<number, ChargeTarget>();
  private last: (ChargeTarget | undefined)[] = [];
  private lastRun: number[] = [];
  private roomless: (ChargeTarget | undefined)[] = [];

  get(group: number, ordinal: number): ChargeTarget | undefined {
    if (group >= MAX_GROUPS) return undefined;
    if (this.lastRun[group] === ordinal) return this.last[group];
    return this.byKey.get(ordinal * ACCOUNT_SPAN + group);
  }

  /** The group's target that no check applies to, where a run's made one: any run's, where no check applies to its charges of the group. */
  shared(group: number): ChargeTarget | undefined {
    return group < MAX_GROUPS ? this.roomless[group] : undefined;
  }

  set(group: number, ordinal: number, target: ChargeTarget): void {
    if (group >= MAX_GROUPS) return;
    if (target.creditsOnly) {
      fill(this.roomless, group, undefined);
      this.roomless[group] = target;
    } else {
      if (this.byKey.size >= CACHED_TARGETS) this.clear();
      this.byKey.set(ordinal * ACCOUNT_SPAN + group, target);
    }
    // Filled without a gap where groups come in order (each group's first target is made as it is numbered), the arrays stay fast ones.
    fill(this.last, group, undefined);
    fill(this.lastRun, group, -1);
    this.last[group] = target;
    this.lastRun[group] = ordinal;
  }

  clear(): void {
    this.byKey.clear();
    this.last = [];
    this.lastRun = [];
    this.roomless = [];
  }
}

/** `list` padded with `gap` up to `length`, in place. */
function fill<T>(list: T[], length: number, gap: T): void {
  while (list.length < length) list.push(gap);
}
