import type { Location } from "../errors.js";
import { skipRowsFold, type Layout } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";
import type { SkipNearMiss } from "./skipped-rows.js";

/** A file's rows a `skip_rows:` column skipped: how many, the first (its cell's place) and the last line, each value that skipped one. */
export interface SkippedByColumn {
  column: string;
  rows: number;
  first: Location;
  last: number;
  cells: string[];
}

/** A file's rows charged whose `skip_rows:` cell is a value but for case or spaces: how many, the first and the last line. */
export type NearMissed = SkipNearMiss & { rows: number; first: Location; last: number };

/** What the scanner skipped of a file by `skip_rows:`, told to the run (SkippedRows.skippedRows) as the plain reader tells it a row at a time. */
export interface SkipTally {
  skipped: readonly SkippedByColumn[];
  nearMisses: readonly NearMissed[];
}

/** Who is told a file's skipped rows: the run, or a reading thread's notes of the file, posted to the run. */
export interface SkipTeller {
  skippedRows(tally: SkipTally): void;
}

/** Cells whose near miss is looked up at most: a column's distinct values are few (a status), and past this each is folded again. */
const MISSES_KEPT = 1024;

/**
 * The scanner's `skip_rows:` (the plain reader's `skipped` in read.ts, a row's bytes at a time): a row whose cell of a
 * skip column is one of its values is not usage, the first such column naming it; a row no column skips, whose cell is
 * a value but for case or spaces, is usage and told. Each cell is decoded as the plain reader decodes its record.
 */
export class SkipCells {
  private readonly byColumn = new Map<string, SkippedByColumn>();
  private readonly nearMisses = new Map<string, NearMissed>();
  /** By a cell's text, the value it is a near miss of (undefined for none), for each column in turn. */
  private readonly meant: Map<string, string | undefined>[];

  constructor(
    private readonly skip: NonNullable<Layout["skip"]>,
    private readonly file: string,
    private readonly mapping: ColumnMapping,
  ) {
    this.meant = skip.map(() => new Map());
  }

  /** Whether the row whose cells start at `cells` (line `line`) is not usage: counted if so, its near misses told if not. */
  skips(buf: Buffer, cells: Int32Array, line: number): boolean {
    const skip = this.skip;
    for (let s = 0; s < skip.length; s++) {
      const { index, column, values } = skip[s]!;
      const cell = buf.toString("utf8", cells[index]!, cells[index + 1]! - 1);
      if (!values.has(cell)) continue;
      this.skipped({ file: this.file, line, column: index + 1 }, column, cell);
      return true;
    }
    for (let s = 0; s < skip.length; s++) {
      const { index, column, folded } = skip[s]!;
      const cell = buf.toString("utf8", cells[index]!, cells[index + 1]! - 1);
      if (cell === "") continue;
      const known = this.meant[s]!;
      let meant = known.get(cell);
      if (meant === undefined && !known.has(cell)) {
        meant = folded.get(skipRowsFold(cell));
        if (known.size < MISSES_KEPT) known.set(cell, meant);
      }
      if (meant !== undefined) this.nearMiss({ at: { file: this.file, line, column: index + 1 }, column, cell, meant, place: this.mapping.places?.skipRows?.get(column) });
    }
    return false;
  }

  /** What was skipped and told of the file, once its rows are read. */
  tally(): SkipTally {
    return { skipped: [...this.byColumn.values()], nearMisses: [...this.nearMisses.values()] };
  }

  private skipped(at: Location, column: string, cell: string): void {
    const seen = this.byColumn.get(column);
    if (seen === undefined) this.byColumn.set(column, { column, rows: 1, first: at, last: at.line, cells: [cell] });
    else {
      seen.rows++;
      seen.last = at.line;
      if (!seen.cells.includes(cell)) seen.cells.push(cell);
    }
  }

  private nearMiss(miss: SkipNearMiss): void {
    const key = `${miss.column}\u0000${miss.meant}\u0000${miss.cell}`;
    const seen = this.nearMisses.get(key);
    if (seen === undefined) this.nearMisses.set(key, { ...miss, rows: 1, first: miss.at, last: miss.at.line });
    else {
      seen.rows++;
      seen.last = miss.at.line;
    }
  }
}
