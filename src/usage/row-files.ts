import type { RowSource, ShapedRows } from "../engine/rows.js";
import type { Location } from "../errors.js";
import type { Decimal } from "../money.js";

/** A row's line in several files: its file's number times this, plus its line there (exact while under 2^53). */
const FILE_LINES = 2 ** 32;

/**
 * Several files' rows as the rows of one source, read one file after another
 * in the order given (daily files): so they stay rows on the fast path, and a
 * row a little out of order across two files is put back in place by the reorder
 * stage like any late row. A shape found in several files (the same account,
 * meter and dimensions, in the same column order) is one shape here, so the
 * replay's state grows with distinct shapes, not with files.
 */
export async function* rowsOfFiles(files: readonly (() => AsyncIterable<ShapedRows>)[]): AsyncGenerator<ShapedRows> {
  const merged = new FilesSource();
  for (const [index, rows] of files.entries()) {
    let file: FileNumbers | undefined;
    for await (const batch of rows()) {
      file ??= merged.file(batch.source, index);
      yield file.rows(batch);
    }
  }
}

class FilesSource implements RowSource {
  readonly accounts: string[] = [];
  readonly meters: string[] = [];
  readonly dimensions: Readonly<Record<string, string>>[] = [];
  readonly quantities: Decimal[] = [];
  private readonly shapes = new Map<string, number>();
  /** Each file's rows' location but the line: a file's own source (its shapes' objects) is let go when the file ends. */
  private readonly files: Location[] = [];

  file(source: RowSource, index: number): FileNumbers {
    this.files[index] = source.origin(0);
    return new FileNumbers(this, source, index);
  }

  origin(line: number): Location {
    const index = Math.floor(line / FILE_LINES);
    return { ...this.files[index]!, line: line - index * FILE_LINES };
  }

  /** The number of a shape by its values, new or found. */
  shape(account: string, meter: string, dimensions: Readonly<Record<string, string>>): number {
    // Each value after its length: no two shapes share a key, whatever their cells hold.
    let key = `${account.length}:${account}${meter.length}:${meter}`;
    for (const name in dimensions) key += `${name.length}:${name}${dimensions[name]!.length}:${dimensions[name]!}`;
    let number = this.shapes.get(key);
    if (number === undefined) {
      number = this.accounts.length;
      this.shapes.set(key, number);
      this.accounts.push(account);
      this.meters.push(meter);
      this.dimensions.push(dimensions);
    }
    return number;
  }
}

/** One file's shape and quantity numbers as the merged source's, and its lines as the source's lines. */
class FileNumbers {
  private readonly shapes: number[] = [];
  private readonly quantities: number[] = [];

  constructor(
    private readonly merged: FilesSource,
    private readonly source: RowSource,
    private readonly index: number,
  ) {}

  rows(batch: ShapedRows): ShapedRows {
    const { source, merged } = this;
    while (this.shapes.length < source.accounts.length) {
      const s = this.shapes.length;
      this.shapes.push(merged.shape(source.accounts[s]!, source.meters[s]!, source.dimensions[s]!));
    }
    while (this.quantities.length < source.quantities.length) {
      this.quantities.push(merged.quantities.length);
      merged.quantities.push(source.quantities[this.quantities.length - 1]!);
    }
    const n = batch.count;
    const shape = new Int32Array(n);
    const quantity = new Int32Array(n);
    const line = new Float64Array(n);
    const first = this.index * FILE_LINES + batch.firstLine;
    for (let i = 0; i < n; i++) {
      shape[i] = this.shapes[batch.shape[i]!]!;
      const q = batch.quantity[i]!;
      quantity[i] = q < 0 ? q : this.quantities[q]!;
      line[i] = first + batch.line[i]!;
    }
    return { ...batch, source: merged, shape, quantity, firstLine: 0, line };
  }
}
