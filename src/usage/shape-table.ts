import { COMMA } from "./csv-bytes.js";

/**
 * Keys made of some of a row's cells, by their bytes: the scanner's shapes
 * (meter and dimension cells), accounts, single cell values and quantities.
 * Open addressing on a hash, each hit confirmed byte for byte against the
 * stored key (the cells joined by commas, which plain cells never hold),
 * numbered in order from 0.
 *
 * A key's cells are given as runs of adjacent columns (`runs`: first and last
 * column of each, in pairs) with where the row's cells start (`cells`, one
 * past the row's end after the last): adjacent cells are one stretch of the
 * row's bytes, commas included, so a run is compared as one.
 */
export class ShapeTable {
  /**
   * Open addressing, four numbers a bucket: the key's number plus one (0 for an
   * empty bucket), its hash, and where its key starts and ends in the arena. A
   * probe reads one place in memory, then the key's bytes.
   */
  private table = new Int32Array(NUMBERS_PER_BUCKET << 8);
  private arena = Buffer.alloc(1 << 12);
  private used = 0;
  size = 0;

  /** The number of the key of `runs` in the row at `cells`, whose hash is `hash` and whose length is `length` (keyLength), or -1. */
  find(hash: number, length: number, buf: Uint8Array, cells: Int32Array, runs: readonly number[]): number {
    const table = this.table;
    const mask = (table.length >> 2) - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const at = s << 2;
      const entry = table[at]!;
      if (entry === 0) return -1;
      if (table[at + 1] === hash && table[at + 3]! - table[at + 2]! === length && this.equal(table[at + 2]!, buf, cells, runs)) return entry - 1;
    }
  }

  /** Whether the key at `from` in the arena, of the row's key length, holds the row's runs each followed by a comma. */
  private equal(from: number, buf: Uint8Array, cells: Int32Array, runs: readonly number[]): boolean {
    const arena = this.arena;
    let at = from;
    for (let r = 0; r < runs.length; r += 2) {
      const start = cells[runs[r]!]!;
      const to = cells[runs[r + 1]! + 1]! - 1;
      for (let p = start; p < to; p++, at++) if (arena[at] !== buf[p]) return false;
      if (arena[at++] !== COMMA) return false;
    }
    return true;
  }

  /** Number the key of `runs` in the row at `cells` (not in the table) as find() would find it. */
  add(hash: number, length: number, buf: Buffer, cells: Int32Array, runs: readonly number[]): number {
    const id = this.size++;
    if (this.used + length > this.arena.length) {
      const bigger = Buffer.alloc(Math.max(this.arena.length * 2, this.used + length));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    const start = this.used;
    const arena = this.arena;
    for (let r = 0; r < runs.length; r += 2) {
      const to = cells[runs[r + 1]! + 1]! - 1;
      for (let p = cells[runs[r]!]!; p < to; p++) arena[this.used++] = buf[p]!;
      arena[this.used++] = COMMA;
    }
    if (this.size * 2 > this.table.length >> 2) this.rehash();
    this.place(id + 1, hash, start, this.used);
    return id;
  }

  private place(entry: number, hash: number, start: number, end: number): void {
    const table = this.table;
    const mask = (table.length >> 2) - 1;
    let s = hash & mask;
    while (table[s << 2] !== 0) s = (s + 1) & mask;
    const at = s << 2;
    table[at] = entry;
    table[at + 1] = hash;
    table[at + 2] = start;
    table[at + 3] = end;
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    for (let at = 0; at < old.length; at += NUMBERS_PER_BUCKET) if (old[at] !== 0) this.place(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
  }
}

/** Numbers in a bucket of the table (the shifts by 2 above are by this). */
const NUMBERS_PER_BUCKET = 4;

/** The length of a key of `runs` in the row at `cells`, as stored: each run's bytes and a comma. */
export function keyLength(cells: Int32Array, runs: readonly number[]): number {
  let length = 0;
  for (let r = 0; r < runs.length; r += 2) length += cells[runs[r + 1]! + 1]! - cells[runs[r]!]!;
  return length;
}

/** The runs of adjacent columns among `columns` (ascending), as first and last column in pairs. */
export function runsOf(columns: readonly number[]): number[] {
  const runs: number[] = [];
  for (const c of columns) {
    if (runs.length > 0 && runs[runs.length - 1] === c - 1) runs[runs.length - 1] = c;
    else runs.push(c, c);
  }
  return runs;
}

/** FNV-1a over bytes: the tables' hash of a single cell (the scanner hashes a row's key cells as it splits the row, each followed by a comma). */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 16777619;

export function cellHash(buf: Uint8Array, from: number, to: number): number {
  let hash = FNV_OFFSET;
  for (let p = from; p < to; p++) hash = Math.imul(hash ^ buf[p]!, FNV_PRIME);
  // As the table stores it (an empty cell's is the offset itself, past an int32).
  return hash | 0;
}
