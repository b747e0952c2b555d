/** A comma: the shape table's keys are a shape's cells each followed by one. */
const COMMA = 44;

/**
 * Shapes by the bytes of their cells (and, in a table of their own, accounts by
 * their one cell): open addressing on a hash, each hit confirmed byte for byte
 * against the stored key (the cells joined by commas, which plain cells never
 * hold), numbered in order from 0.
 */
export class ShapeTable {
  /**
   * Open addressing, four numbers a bucket: the shape's number plus one (0 for an
   * empty bucket), its hash, and where its key starts and ends in the arena. A
   * probe reads one place in memory, then the key's bytes.
   */
  private table = new Int32Array(NUMBERS_PER_BUCKET << 12);
  private arena = Buffer.alloc(1 << 16);
  private used = 0;
  size = 0;

  find(hash: number, buf: Buffer, cells: Int32Array, keys: readonly number[]): number {
    const table = this.table;
    const mask = table.length / NUMBERS_PER_BUCKET - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const at = s * NUMBERS_PER_BUCKET;
      const entry = table[at]!;
      if (entry === 0) return -1;
      if (table[at + 1] === hash && this.equal(table[at + 2]!, table[at + 3]!, buf, cells, keys)) return entry - 1;
    }
  }

  private equal(from: number, end: number, buf: Buffer, cells: Int32Array, keys: readonly number[]): boolean {
    let at = from;
    const arena = this.arena;
    for (let k = 0; k < keys.length; k++) {
      const c = keys[k]!;
      const to = cells[c + 1]! - 1;
      for (let p = cells[c]!; p < to; p++) if (at >= end || arena[at++] !== buf[p]) return false;
      if (at >= end || arena[at++] !== COMMA) return false;
    }
    return at === end;
  }

  add(hash: number, buf: Buffer, cells: Int32Array, keys: readonly number[]): number {
    const id = this.size++;
    let length = 0;
    for (const c of keys) length += cells[c + 1]! - cells[c]!;
    if (this.used + length > this.arena.length) {
      const bigger = Buffer.alloc(Math.max(this.arena.length * 2, this.used + length));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    const start = this.used;
    for (const c of keys) {
      const to = cells[c + 1]! - 1;
      this.used += buf.copy(this.arena, this.used, cells[c]!, to);
      this.arena[this.used++] = COMMA;
    }
    if (this.size * 2 > this.table.length / NUMBERS_PER_BUCKET) this.rehash();
    this.place(id + 1, hash, start, this.used);
    return id;
  }

  private place(entry: number, hash: number, start: number, end: number): void {
    const table = this.table;
    const mask = table.length / NUMBERS_PER_BUCKET - 1;
    let s = hash & mask;
    while (table[s * NUMBERS_PER_BUCKET] !== 0) s = (s + 1) & mask;
    table.set([entry, hash, start, end], s * NUMBERS_PER_BUCKET);
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    for (let at = 0; at < old.length; at += NUMBERS_PER_BUCKET) if (old[at] !== 0) this.place(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
  }
}

/** Numbers in a bucket of the shape table. */
const NUMBERS_PER_BUCKET = 4;

