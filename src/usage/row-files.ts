import type { RowSource, ShapeCells, ShapedRows } from "../engine/rows.js";
import type { Location } from "../errors.js";
import type { Decimal } from "../money.js";
import { FNV_OFFSET, FNV_PRIME } from "./shape-table.js";

/** A row's line in several files: its file's number times this, plus its line there (exact while under 2^53). */
const FILE_LINES = 2 ** 32;

/**
 * Several files' rows as the rows of one source, read one file after another
 * in the order given (daily files): so they stay rows on the fast path, and a
 * row a little out of order across two files is put back in place by the reorder
 * stage like any late row. A shape found in several files (the same meter and
 * dimensions, in the same column order) is one shape here, and an account one
 * account, so the replay's state grows with distinct shapes, not with files. A
 * batch's columns are filled again for the next one: its reader (an order stage)
 * copies the rows it keeps before it asks for more.
 */
export async function* rowsOfFiles(files: readonly { name: string; rows: () => AsyncIterable<ShapedRows> }[], hash: ShapeHash = valuesHash): AsyncGenerator<ShapedRows> {
  const merged = new FilesSource(hash);
  let last: FileNumbers | undefined;
  for (const [index, { name, rows }] of files.entries()) {
    let file: FileNumbers | undefined;
    for await (const batch of rows()) {
      // A file that goes on with the shapes of the file before (one worker, one header) keeps its numbers too.
      file ??= last = merged.file(name, batch.source, index, last);
      yield file.rows(batch);
    }
  }
}

/** A hash of a shape's values (valuesHash; the tests' make every shape collide). */
type ShapeHash = (meter: string, dimensions: Readonly<Record<string, string>>) => number;

class FilesSource implements RowSource {
  constructor(private readonly hash: ShapeHash) {}

  readonly accounts: string[] = [];
  /**
   * The shapes' meters and values: the first file's own arrays while every file goes on with its
   * shapes (one worker, one header), as the numbers are the same: a copy of each, and of the
   * numbers, would be three slots a shape (125,000 shapes at 2M rows: 3 MB of heap).
   */
  meters: string[] = [];
  dimensions: Readonly<Record<string, string>>[] = [];
  readonly quantities: Decimal[] = [];
  /**
   * Shapes by a hash of their values (valuesHash), once two files have shapes of their own: a shape's number, or
   * the numbers of shapes whose values hash alike. A text key was about 200 bytes a shape, held to the end (daily
   * JSON Lines of 2M rows, their files' first lines giving their headers four orders: 105 MB of live heap as the
   * replay finished, 95 MB with hashes); a hash is a number. While every file goes on with the first one's shapes (one worker, one
   * header), its numbers are already the log's, and none is made.
   */
  private shapes: Map<number, number | number[]> | undefined;
  private firstSource: RowSource | undefined;
  private readonly accountNumbers = new Map<string, number>();
  /** Each file's rows' location but the line: a file's own source (its shapes' objects) is let go when the file ends. */
  private readonly files: Location[] = [];
  /** The columns of the batch given, filled again for the next: the order stage copies a batch's rows before it asks for the next. */
  private buffer = new ArrayBuffer(0);

  columns(n: number): { shape: Int32Array; account: Int32Array; quantity: Int32Array; line: Float64Array } {
    if (this.buffer.byteLength < 20 * n) this.buffer = new ArrayBuffer(20 * Math.max(n, 8192));
    const rows = this.buffer.byteLength / 20;
    return { line: new Float64Array(this.buffer, 0, n), shape: new Int32Array(this.buffer, 8 * rows, n), account: new Int32Array(this.buffer, 12 * rows, n), quantity: new Int32Array(this.buffer, 16 * rows, n) };
  }

  file(name: string, source: RowSource, index: number, last: FileNumbers | undefined): FileNumbers {
    this.files[index] = { ...source.origin(0), file: name };
    if (this.firstSource === undefined) {
      this.firstSource = source;
      this.meters = source.meters as string[];
      this.dimensions = source.dimensions as Readonly<Record<string, string>>[];
    }
    if (source !== this.firstSource && this.shapes === undefined) {
      // The first file's shapes are its source's no longer: the log's own from here on.
      this.meters = [...this.meters];
      this.dimensions = [...this.dimensions];
      this.shapes = new Map();
      for (let s = 0; s < this.meters.length; s++) this.index(this.hash(this.meters[s]!, this.dimensions[s]!), s);
    }
    return new FileNumbers(this, source, index, last?.source === source ? last : undefined);
  }

  /** Whether the log's shapes are this source's own arrays: its shape numbers are the log's, and none is to be found or copied. */
  sharesShapes(source: RowSource): boolean {
    return this.shapes === undefined && source === this.firstSource;
  }

  /**
   * The first file's numbered cells while every file goes on with its shapes: the log's shape numbers are then its
   * own, so items and groups are found by cells, with no string hashed (daily files spent a tenth of the replay
   * numbering unique users by their values). None once a file has shapes of its own: its numbers are not the cells'.
   */
  get cells(): ShapeCells | undefined {
    return this.shapes === undefined ? this.firstSource?.cells : undefined;
  }

  origin(line: number): Location {
    const index = Math.floor(line / FILE_LINES);
    return { ...this.files[index]!, line: line - index * FILE_LINES };
  }

  /** The number of an account by its name, new or found. */
  account(name: string): number {
    let number = this.accountNumbers.get(name);
    if (number === undefined) {
      this.accountNumbers.set(name, (number = this.accounts.length));
      this.accounts.push(name);
    }
    return number;
  }

  /**
   * The number of a shape by its values, new or found: once a file has shapes of its own (file()). Two shapes are
   * one where their meters are one and their dimensions the same names in the same order with the same values.
   */
  shape(meter: string, dimensions: Readonly<Record<string, string>>): number {
    const hash = this.hash(meter, dimensions);
    const found = this.shapes!.get(hash);
    if (typeof found === "number" && this.same(found, meter, dimensions)) return found;
    if (typeof found === "object") for (const s of found) if (this.same(s, meter, dimensions)) return s;
    const number = this.meters.length;
    this.meters.push(meter);
    this.dimensions.push(dimensions);
    this.index(hash, number);
    return number;
  }

  private index(hash: number, shape: number): void {
    const shapes = this.shapes!;
    const found = shapes.get(hash);
    shapes.set(hash, found === undefined ? shape : typeof found === "number" ? [found, shape] : [...found, shape]);
  }

  private same(shape: number, meter: string, dimensions: Readonly<Record<string, string>>): boolean {
    if (this.meters[shape] !== meter) return false;
    const known = this.dimensions[shape]!;
    const names = Object.keys(known);
    let i = 0;
    for (const name in dimensions) if (names[i++] !== name || known[name] !== dimensions[name]) return false;
    return i === names.length;
  }
}

/** A 53-bit hash of a shape's meter and dimensions in order, each text after its length: shapes that differ most likely differ in it. */
function valuesHash(meter: string, dimensions: Readonly<Record<string, string>>): number {
  const hash = { a: FNV_OFFSET, b: 0 };
  mix(hash, meter);
  for (const name in dimensions) {
    mix(hash, name);
    mix(hash, dimensions[name]!);
  }
  return (hash.a >>> 0) * 2 ** 21 + (hash.b & 0x1fffff);
}

function mix(hash: { a: number; b: number }, text: string): void {
  let { a, b } = hash;
  a = Math.imul(a ^ text.length, FNV_PRIME);
  b = Math.imul(b, 31) + text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, FNV_PRIME);
    b = (Math.imul(b, 31) + c) | 0;
  }
  hash.a = a;
  hash.b = b;
}

/** One file's shape, account and quantity numbers as the merged source's, and its lines as the source's lines. */
class FileNumbers {
  private readonly shapes: number[];
  private readonly accounts: number[];
  private readonly quantities: number[];
  /** Whether every number so far is the merged source's own (shared with the file before, whose numbers these go on with). */
  private same: boolean;

  constructor(
    private readonly merged: FilesSource,
    readonly source: RowSource,
    private readonly index: number,
    before: FileNumbers | undefined,
  ) {
    this.shapes = before?.shapes ?? [];
    this.accounts = before?.accounts ?? [];
    this.quantities = before?.quantities ?? [];
    this.same = before?.same ?? true;
  }

  rows(batch: ShapedRows): ShapedRows {
    const { source, merged } = this;
    const shared = merged.sharesShapes(source);
    while (!shared && this.shapes.length < source.meters.length) {
      const s = this.shapes.length;
      this.shapes.push(merged.shape(source.meters[s]!, source.dimensions[s]!));
      this.same &&= this.shapes[s] === s;
    }
    while (this.accounts.length < source.accounts.length) {
      this.accounts.push(merged.account(source.accounts[this.accounts.length]!));
      this.same &&= this.accounts.at(-1) === this.accounts.length - 1;
    }
    while (this.quantities.length < source.quantities.length) {
      this.quantities.push(merged.quantities.length);
      merged.quantities.push(source.quantities[this.quantities.length - 1]!);
      this.same &&= this.quantities.at(-1) === this.quantities.length - 1;
    }
    const first = this.index * FILE_LINES + batch.firstLine;
    // Numbers that are already the log's (every file so far going on with the first one's shapes): the batch's own columns, its lines moved to its file's.
    if (this.same) return { ...batch, source: merged, firstLine: first };
    const n = batch.count;
    const { shape, account, quantity, line } = merged.columns(n);
    for (let i = 0; i < n; i++) {
      // The first file's shapes are the log's own, and not numbered again (newcomer71b H1: a file whose two spellings of
      // one account made its accounts the log's otherwise gave every row the log's shape 0, other customers' rows too).
      shape[i] = shared ? batch.shape[i]! : this.shapes[batch.shape[i]!]!;
      account[i] = this.accounts[batch.account[i]!]!;
      const q = batch.quantity[i]!;
      quantity[i] = q < 0 ? q : this.quantities[q]!;
      line[i] = first + batch.line[i]!;
    }
    return { ...batch, source: merged, shape, account, quantity, firstLine: 0, line };
  }
}
