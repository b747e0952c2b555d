import { closeSync, fstatSync, openSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IdScreen } from "../engine/event-ids.js";
import { temporaryError, temporaryFolder } from "../temporary.js";

/** Keys held before the array first grows. */
const FIRST_KEYS = 1 << 16;
/** Keys read from each run at a time while merging: 64 KB (fifty runs for 50 million ids). */
const MERGE_BLOCK = 1 << 13;
/** Buckets of a run's sort: up to 2^18 (1 MB of counts for a million keys). */
const MOST_BUCKET_BITS = 18;
/** A bucket of more keys than this (keys not spread as hashes are) is sorted natively. */
const SMALL_BUCKET = 32;

/** Where a KeyRuns writes its runs: a folder it is given (else one of its own) and their name. */
interface RunPlace {
  folder?: { path: string; remove(): void };
  name?: string;
}

/**
 * The first pass's keys (safe integers, as float64) in one array until it
 * fills, then in sorted runs on disk; at the end, the keys found twice or more.
 * A run is sorted by buckets of its top bits (the keys are hashes, spread
 * evenly), and the runs are merged through a heap of their numbers: no object
 * a key.
 */
export class KeyRuns {
  /** Grown as keys come, up to `most`. */
  private keys: Float64Array;
  private scratch = new Float64Array(0);
  private count = 0;
  private readonly runs: string[] = [];
  private folder: { path: string; remove(): void } | undefined;

  /** `place`: the folder and the name of the runs, when they are to join another's (a worker's half of the keys: `onDisk`, `adopt`). */
  constructor(
    private readonly most: number,
    private readonly place: RunPlace = {},
  ) {
    this.keys = new Float64Array(Math.min(most, FIRST_KEYS));
    this.folder = place.folder;
  }

  /** Every key so far in sorted runs on disk: their files, for another's `adopt`. */
  onDisk(): string[] {
    if (this.count > 0) this.spill();
    this.keys = this.scratch = new Float64Array(0);
    return [...this.runs];
  }

  /** Sorted runs of another's keys, merged with these. */
  adopt(runs: readonly string[]): void {
    this.runs.push(...runs);
  }

  add(key: number): void {
    if (this.count === this.keys.length) this.grow();
    this.keys[this.count++] = key;
  }

  /** The keys found twice or more, as a screen (of a log in time order or not). */
  repeated(timeOrdered: boolean): IdScreen {
    if (this.runs.length > 0) return screenOf(repeatedIn(this.onDisk(), ALL_KEYS), timeOrdered);
    const found = new Found();
    addRepeated(this.sorted(), found);
    this.keys = this.scratch = new Float64Array(0);
    return screenOf(found.keys(), timeOrdered);
  }

  remove(): void {
    this.folder?.remove();
  }

  private grow(): void {
    if (this.keys.length === this.most) return this.spill();
    // From empty too: after `onDisk`, keys may come again (the pieces of a thread that failed).
    const more = new Float64Array(Math.min(this.most, Math.max(FIRST_KEYS, this.keys.length * 2)));
    more.set(this.keys);
    this.keys = more;
  }

  /** The keys so far, sorted in place. */
  private sorted(): Float64Array {
    if (this.scratch.length < this.count) this.scratch = new Float64Array(this.keys.length);
    return bucketSort(this.keys.subarray(0, this.count), this.scratch.subarray(0, this.count), ALL_KEYS);
  }

  private spill(): void {
    this.folder ??= temporaryFolder("burnrate-ids-");
    const run = join(this.folder.path, `${this.place.name ?? "run"}-${this.runs.length}`);
    const sorted = this.sorted();
    try {
      writeFileSync(run, new Uint8Array(sorted.buffer, sorted.byteOffset, sorted.byteLength));
    } catch (e) {
      throw temporaryError(e);
    }
    this.runs.push(run);
    this.count = 0;
  }
}

/** A stretch of the keys, `[from, to)`: runs can be merged a stretch at a time, each on a thread of its own. */
export interface KeyRange {
  from: number;
  to: number;
}

/** Every key (53 bits), and its two halves (merged on two threads at once). */
const ALL_KEYS: KeyRange = { from: 0, to: 2 ** 53 };
export const LOWER_KEYS: KeyRange = { from: 0, to: 2 ** 52 };
export const UPPER_KEYS: KeyRange = { from: 2 ** 52, to: 2 ** 53 };

/**
 * The keys of `range` found twice or more in sorted runs, in order. The range
 * is cut into slices of the key space of about SLICE_KEYS keys in all (the keys
 * are hashes, spread evenly): each run's keys of a slice (found by halving its
 * file) are read into one array at once, which a bucket sort puts in order in
 * the cache, and its repeats are read off. A slice of far more keys than that
 * (keys bunched, or one key on most rows) is merged from the runs through a
 * heap instead, a block of each at a time, so memory stays bounded either way.
 * Through a heap, a key cost about 14 ns with two runs and 45 ns with ten; a
 * slice's sort about 30 ns however many runs: a few runs are merged through
 * the heap whole.
 */
export function repeatedIn(paths: readonly string[], range: KeyRange, slices: SliceSizes = SLICES): Float64Array {
  const found = new Found();
  // A heap of a few runs costs less a key than a sort does.
  if (paths.length <= slices.heapRuns) {
    mergedIn(paths, range, found);
    return found.keys();
  }
  const runs = new RunFiles(paths);
  try {
    const total = runs.countIn(range);
    let bits = 0;
    while (bits < MOST_SLICE_BITS && total > slices.keys * 2 ** bits) bits++;
    const width = (range.to - range.from) / 2 ** bits;
    let keys = new Float64Array(0);
    let scratch = new Float64Array(0);
    let starts = runs.firstAtLeast(range.from);
    for (let from = range.from; from < range.to; from += width) {
      const slice = { from, to: from + width };
      const ends = runs.firstAtLeast(slice.to);
      const count = ends.reduce((sum, end, run) => sum + end - starts[run]!, 0);
      if (count > slices.most) mergedIn(paths, slice, found);
      else if (count > 1) {
        if (keys.length < count) {
          keys = new Float64Array(count);
          scratch = new Float64Array(count);
        }
        runs.read(starts, ends, keys);
        addRepeated(bucketSort(keys.subarray(0, count), scratch.subarray(0, count), slice), found);
      }
      starts = ends;
    }
  } finally {
    runs.close();
  }
  return found.keys();
}

/** Keys of a slice sorted at once: about `keys` (a MB, in the cache), and at most `most`, else merged through a heap; runs up to `heapRuns` are merged through a heap whole. */
export interface SliceSizes {
  keys: number;
  most: number;
  heapRuns: number;
}
const SLICES: SliceSizes = { keys: 1 << 17, most: 1 << 20, heapRuns: 4 };
/** Slices of a range: up to 2^16 (10 billion keys at SLICE_KEYS). */
const MOST_SLICE_BITS = 16;

/** The keys found twice or more in sorted `keys`, each once, into `found`. */
function addRepeated(keys: Float64Array, found: Found): void {
  let times = 0;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i] !== keys[i - 1]) times = 0;
    else if (++times === 1) found.add(keys[i]!);
  }
}

/**
 * The keys of `range` found twice or more in sorted runs, into `found` in
 * order: each run read a block at a time from its first key in the range,
 * merged through a heap of their heads. The loop reads the runs' blocks itself
 * (a call a key was most of a merge that runs once a process, never warm), and
 * the heap is sifted only while two runs or more are left.
 */
function mergedIn(paths: readonly string[], range: KeyRange, found: Found): void {
  const runs = new RunBlocks(paths, range);
  try {
    const { heads, blocks, at, size: blockSize } = runs;
    const heap = new Int32Array(paths.length);
    let size = 0;
    for (let run = 0; run < paths.length; run++) if (runs.advance(run)) heap[size++] = run;
    for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(heap, size, heads, i);
    let last = -1;
    let times = 0;
    while (size > 0) {
      const top = heap[0]!;
      const key = heads[top]!;
      const next = at[top]!;
      if (next < blockSize[top]!) {
        heads[top] = blocks[top * MERGE_BLOCK + next]!;
        at[top] = next + 1;
      } else if (!runs.advance(top)) heap[0] = heap[--size]!;
      if (size > 1) siftDown(heap, size, heads, 0);
      if (key !== last) {
        last = key;
        times = 1;
      } else if (++times === 2) found.add(key);
    }
  } finally {
    runs.close();
  }
}

/** Move the run at heap place `i` down to where its head is no greater than its children's. */
function siftDown(heap: Int32Array, size: number, heads: Float64Array, i: number): void {
  const run = heap[i]!;
  const head = heads[run]!;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && heads[heap[child + 1]!]! < heads[heap[child]!]!) child++;
    if (!(heads[heap[child]!]! < head)) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = run;
}

/** Keys found twice or more (sorted) as a screen, of a log in time order or not. */
export function screenOf(repeated: Float64Array, timeOrdered: boolean): IdScreen {
  return new SortedKeys(repeated, timeOrdered);
}

/**
 * Sort `keys` (safe integers in `range`, whose width is a power of two; hashes
 * spread evenly) through `scratch` of the same length: counted into about a
 * bucket for every four keys by their top bits within the range, written out
 * by bucket, then each bucket's few keys put in order (natively for a large
 * bucket, so a bad spread costs what a native sort would). Returns the array
 * that holds the sorted keys.
 */
function bucketSort(keys: Float64Array, scratch: Float64Array, range: KeyRange): Float64Array {
  const n = keys.length;
  let bits = 1;
  while (bits < MOST_BUCKET_BITS && 4 << bits < n) bits++;
  // Multiplying by a power of two is exact, and so is a safe integer less another: a key's bucket is its top `bits` bits within the range.
  const scale = 2 ** bits / (range.to - range.from);
  const from = range.from;
  const ends = new Int32Array(1 << bits);
  for (let i = 0; i < n; i++) ends[Math.floor((keys[i]! - from) * scale)]!++;
  for (let d = 0, sum = 0; d < ends.length; d++) {
    const count = ends[d]!;
    ends[d] = sum;
    sum += count;
  }
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    scratch[ends[Math.floor((key - from) * scale)]!++] = key;
  }
  // Each bucket now ends where the next begins.
  for (let d = 0, from = 0; d < ends.length; from = ends[d++]!) {
    const to = ends[d]!;
    if (to - from > SMALL_BUCKET) {
      scratch.subarray(from, to).sort();
      continue;
    }
    for (let i = from + 1; i < to; i++) {
      const key = scratch[i]!;
      let j = i - 1;
      for (; j >= from && scratch[j]! > key; j--) scratch[j + 1] = scratch[j]!;
      scratch[j + 1] = key;
    }
  }
  return scratch;
}

/** The runs' files, open for reading: how many keys each holds in a range, and its keys of a stretch read at once. */
class RunFiles {
  private readonly fds: number[] = [];
  private readonly sizes: number[] = [];

  constructor(paths: readonly string[]) {
    try {
      for (const path of paths) {
        const fd = openSync(path, "r");
        this.fds.push(fd);
        this.sizes.push(fstatSync(fd).size / 8);
      }
    } catch (e) {
      this.close();
      throw temporaryError(e);
    }
  }

  /** Each run's index of its first key at least `key`. */
  firstAtLeast(key: number): number[] {
    return this.fds.map((fd, run) => firstAtLeast(fd, this.sizes[run]!, key));
  }

  /** The keys of `range` in all the runs. */
  countIn(range: KeyRange): number {
    const starts = this.firstAtLeast(range.from);
    return this.firstAtLeast(range.to).reduce((sum, end, run) => sum + end - starts[run]!, 0);
  }

  /** Each run's keys from `starts` to `ends` (indexes), one run after another, into `into`. */
  read(starts: readonly number[], ends: readonly number[], into: Float64Array): void {
    let at = 0;
    const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    for (let run = 0; run < this.fds.length; run++) {
      const size = (ends[run]! - starts[run]!) * 8;
      for (let done = 0; done < size; ) {
        const read = readSync(this.fds[run]!, bytes, at + done, size - done, starts[run]! * 8 + done);
        if (read === 0) throw temporaryError(new Error("a run of keys ended early"));
        done += read;
      }
      at += size;
    }
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}

/** The runs' files, each read a block at a time into its part of one array from its first key in a range to its last; `heads[run]` is its key at hand. */
class RunBlocks {
  readonly heads: Float64Array;
  /** Each run's block, its next key's index in it and its keys: repeatedIn reads them in its loop. */
  readonly blocks: Float64Array;
  readonly at: Int32Array;
  readonly size: Int32Array;
  /** Each run's next key to read, and its end: the keys' indexes in its file. */
  private readonly next: number[] = [];
  private readonly ends: number[] = [];
  private readonly fds: number[] = [];

  constructor(paths: readonly string[], range: KeyRange) {
    this.heads = new Float64Array(paths.length);
    this.blocks = new Float64Array(paths.length * MERGE_BLOCK);
    this.at = new Int32Array(paths.length);
    this.size = new Int32Array(paths.length);
    try {
      for (const path of paths) {
        const fd = openSync(path, "r");
        this.fds.push(fd);
        const keys = fstatSync(fd).size / 8;
        this.next.push(firstAtLeast(fd, keys, range.from));
        this.ends.push(firstAtLeast(fd, keys, range.to));
      }
    } catch (e) {
      this.close();
      throw temporaryError(e);
    }
  }

  /** Move run `run` to its next key; false at its end. */
  advance(run: number): boolean {
    if (this.at[run] === this.size[run]) {
      const keys = Math.min(MERGE_BLOCK, this.ends[run]! - this.next[run]!);
      if (keys === 0) return false;
      readSync(this.fds[run]!, new Uint8Array(this.blocks.buffer, run * MERGE_BLOCK * 8, keys * 8), 0, keys * 8, this.next[run]! * 8);
      this.next[run]! += keys;
      this.size[run] = keys;
      this.at[run] = 0;
    }
    this.heads[run] = this.blocks[run * MERGE_BLOCK + this.at[run]!++]!;
    return true;
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}

/** The index of the first key at least `key` in a run's file of `keys` sorted keys, found by halving, a key read at each step. */
function firstAtLeast(fd: number, keys: number, key: number): number {
  const one = new Float64Array(1);
  const bytes = new Uint8Array(one.buffer);
  let lo = 0, hi = keys;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    readSync(fd, bytes, 0, 8, mid * 8);
    if (one[0]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keys found twice or more, in order, in a growing array. */
class Found {
  private found = new Float64Array(1 << 10);
  private count = 0;

  add(key: number): void {
    if (this.count === this.found.length) {
      const more = new Float64Array(this.found.length * 2);
      more.set(this.found);
      this.found = more;
    }
    this.found[this.count++] = key;
  }

  keys(): Float64Array {
    return this.found.slice(0, this.count);
  }
}

/** Keys found twice or more, sorted, and whether the log was in time order. */
class SortedKeys implements IdScreen {
  constructor(
    readonly repeated: Float64Array,
    readonly timeOrdered: boolean,
  ) {}

  mayRepeat(key: number): boolean {
    return sortedHas(this.repeated, key);
  }
}

/** Whether sorted `keys` hold `key`, found by halving. */
export function sortedHas(keys: Float64Array, key: number): boolean {
  let lo = 0, hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < keys.length && keys[lo] === key;
}
