import { formatLocation, shown, type Location } from "../errors.js";

/**
 * A file's rows by meter: how many have an empty quantity cell (a JSON field left out, null or ""), the first of them,
 * and whether any gives one. An empty quantity is one event (docs/usage.md), which a meter counted in events means;
 * a meter whose other rows give seconds or tokens most often lost the count (newcomer66: an empty `billable_qty` of
 * 10 seconds of video billed as 1, in silence).
 */
export interface QuantityGaps {
  file: string;
  /** The quantity's column, as the file names it. */
  column: string;
  meters: readonly { meter: string; empty: number; first: number; given: boolean }[];
}

/** The QuantityGaps of one file, counted row by row: memory grows with the card's meters, never with the rows. */
export class QuantityTally {
  private readonly byMeter = new Map<string, { empty: number; first: number; given: boolean }>();

  constructor(
    private readonly file: string,
    private readonly column: string,
    /** Told only where a row gives a quantity: the file's own mapping undid its quantity column, and a row that gives one is read from a column of the name anyway (red66c). */
    private readonly whereGiven = false,
  ) {}

  row(meter: string, empty: boolean, line: number): void {
    let seen = this.byMeter.get(meter);
    if (seen === undefined) this.byMeter.set(meter, (seen = { empty: 0, first: 0, given: false }));
    if (!empty) seen.given = true;
    else if (seen.empty++ === 0 || line < seen.first) seen.first = line;
  }

  /** `rows` rows of the meter of no quantity, the first at `first`, counted at once. */
  rows(meter: string, rows: number, first: number): void {
    let seen = this.byMeter.get(meter);
    if (seen === undefined) this.byMeter.set(meter, (seen = { empty: 0, first: 0, given: false }));
    if (seen.empty === 0 || first < seen.first) seen.first = first;
    seen.empty += rows;
  }

  /** The file's tally, where it has rows. */
  result(): QuantityGaps | undefined {
    if (this.whereGiven && ![...this.byMeter.values()].some((seen) => seen.given)) return undefined;
    return this.byMeter.size === 0 ? undefined : { file: this.file, column: this.column, meters: [...this.byMeter].map(([meter, seen]) => ({ meter, ...seen })) };
  }
}

/**
 * The notes of a run's files (in the order read): a meter's rows of no quantity where other rows of it give one,
 * each priced as one event. A file read again (the next reader, a sort) tells again in its place.
 */
export class QuantityGapNotes {
  private readonly files = new Map<string, QuantityGaps>();

  tell(gaps: QuantityGaps): void {
    this.files.set(gaps.file, gaps);
  }

  /**
   * The notes, but of the files in `lacking`, which have no quantity column at all (a JSON field no object has, where
   * a folder's mapping names it): the folder's own note tells them (folder-columns.ts). A day of the column, empty on
   * every row, is told (red66b H1: taken for a day without the column, 3 rows of seconds were billed as 3 in silence).
   * `covered`: the files each of whose rows of no quantity these notes tell, whose own note of them would repeat it.
   */
  notes(lacking: ReadonlySet<string>): { notes: string[]; covered: Set<string> } {
    const told = [...this.files.values()].filter((gaps) => !lacking.has(gaps.file));
    const meters = new Map<string, { rows: number; first: Location | undefined; column: string | undefined; files: number; given: boolean }>();
    for (const gaps of told) {
      for (const { meter, empty, first, given } of gaps.meters) {
        let seen = meters.get(meter);
        if (seen === undefined) meters.set(meter, (seen = { rows: 0, first: undefined, column: undefined, files: 0, given: false }));
        seen.given ||= given;
        if (empty === 0) continue;
        seen.rows += empty;
        seen.files++;
        // The column of the file that holds the first such row: a file's own mapping may read another (red66 M5).
        if (seen.first === undefined) {
          seen.first = { file: gaps.file, line: first, column: 1 };
          seen.column = gaps.column;
        }
      }
    }
    const noted = (meter: string) => meters.get(meter)!.given;
    const covered = new Set(told.filter((gaps) => gaps.meters.every((m) => m.empty === 0 || noted(m.meter))).map((gaps) => gaps.file));
    // Meters whose rows all leave the quantity out are counted in events: a skip_rows: of the empty cell would leave them out too (red66 M6).
    const counted = [...meters].filter(([, seen]) => seen.rows > 0 && !seen.given).map(([meter]) => shown(meter));
    const notes = [...meters].flatMap(([meter, { rows, first, column, files, given }]) => {
      if (rows === 0 || !given) return [];
      const them = `${rows.toLocaleString("en-US")} ${rows === 1 ? "row" : "rows"} of meter ${shown(meter)}${files > 1 ? ` in ${files} files` : ""}`;
      const skip = counted.length === 0
        ? `skip_rows: { ${column}: [""] } in the usage mapping leaves such rows out where they are not usage`
        : `skip_rows: { ${column}: [""] } would also leave out the rows of ${counted.join(", ")}, which give none: the export's count is the fix`;
      return [
        `burnrate: note: ${them} ${rows === 1 ? "has" : "have"} no quantity (${JSON.stringify(column)} empty, null or left out; the first at ${formatLocation(first!)}), where its other rows give one: ${rows === 1 ? "it is" : "each is"} read as one event, a quantity of 1; an export that lost the count is most often short there, and ${skip}\n`,
      ];
    });
    return { notes, covered };
  }
}

/**
 * The QuantityGaps of one file as the row scanner counts them, by its shapes' numbers (a shape is one meter's): a row
 * that gives a quantity marks its shape, one of no quantity is counted. Read and cleared at each file's end, as the
 * scanner's shapes go on into the next file of a folder.
 */
export class ShapeGaps {
  private given = new Uint8Array(1 << 10);
  private readonly empty = new Map<number, { rows: number; first: number }>();

  givenAt(shape: number): void {
    if (shape >= this.given.length) {
      const more = new Uint8Array(Math.max(this.given.length * 2, shape + 1));
      more.set(this.given);
      this.given = more;
    }
    this.given[shape] = 1;
  }

  emptyAt(shape: number, line: number): void {
    const seen = this.empty.get(shape);
    if (seen === undefined) this.empty.set(shape, { rows: 1, first: line });
    else seen.rows++;
  }

  /** The file's tally, its shapes read as meters by `meterOf` (QuantityTally's `whereGiven`); the counts start again. */
  take(file: string, column: string, meterOf: (shape: number) => string, whereGiven: boolean): QuantityGaps | undefined {
    const tally = new QuantityTally(file, column, whereGiven);
    const byFirst = [...this.empty].sort((a, b) => a[1].first - b[1].first);
    for (const [shape, { rows, first }] of byFirst) tally.rows(meterOf(shape), rows, first);
    for (let shape = 0; shape < this.given.length; shape++) if (this.given[shape] === 1) tally.row(meterOf(shape), false, 0);
    this.given.fill(0);
    this.empty.clear();
    return tally.result();
  }
}

/** Whom a reader tells a file's QuantityGaps: the run's notes (SkippedRows), or a reading thread's kept notes. */
export interface QuantityGapTeller {
  quantityGaps(gaps: QuantityGaps): void;
}
