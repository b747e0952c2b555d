import { resolve } from "node:path";
import { formatLocation, formatPlace, shown, type Location, type Place } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import type { Instant, Zone } from "../time.js";
import type { ColumnMapping } from "./mapping.js";
import { emptyFilesNote, headerOnlyFilesNote, passedOverNotes } from "./sources.js";
import { missingDaysNotes } from "./missing-days.js";
import { datedDayNotes } from "./field15-dated-days.js";
import { naiveTimeNotes } from "./naive-times.js";
import { FallbackReads } from "./layout19-parts.js";
import { FolderColumns, type FolderColumn } from "./folder-columns.js";
import { LayoutReadings, type LayoutReading } from "./layout-residue.js";
import type { SkipTally } from "./skip-cells.js";
import { lateRowsNote, type LateRows } from "./lateness.js";
import { detailsInsideNotes } from "./details-inside.js";
import { largeGroupsNote, type LargeGroups } from "./parquet-groups.js";
import { QuantityGapNotes, type QuantityGaps } from "./quantity-gaps.js";

/**
 * The rows a mapping's `skip_rows:` left out, counted file by file and told across them (one note a
 * reason): how many, and the first, for the note a command writes (a skipped row is neither charged
 * nor counted, and would otherwise go unseen). A
 * file read again (by the next reader, or sorted) counts again from its start, which a skipped line
 * no later than the last one told shows: memory grows with the files, never with the rows.
 */
export class SkippedRows {
  /** Rows later than the lateness allowed, and what the replay did with them: told once, however often the log is replayed. */
  private late: LateRows | undefined;

  lateRows(late: LateRows): void {
    this.late ??= late;
  }

  /** The values rows read from a layout's fallback column (a team's id where its name is empty), for the budget checks. */
  readonly fallbacks = new FallbackReads();
  /** Skipped rows by file and reason. */
  private readonly files = new Map<string, { rows: number; first: Location; column: string; cells: string[]; last: number }>();
  /** The files and subfolders of the run's usage folders that no reader took: told with the rows, never passed over in silence. */
  private readonly folders: string[];

  /** The notes after the header-only files' note: days missing from a month's files, an empty standard input. */
  private readonly later: string[];

  /** `readElsewhere`: the run's other inputs (its account file, cards, bill), not passed over where a usage folder holds them; `usage`: the usage files, whose empty ones are named. */
  constructor(readElsewhere: readonly (string | readonly string[] | undefined)[] = [], private readonly usage: readonly string[] = []) {
    this.folders = passedOverNotes(new Set(readElsewhere.flat().flatMap((path) => (path === undefined ? [] : [resolve(path)]))));
    const empty = emptyFilesNote(usage);
    if (empty !== undefined) this.folders.push(empty);
    this.later = missingDaysNotes(usage);
    this.layoutReadings = new LayoutReadings(usage.length);
  }

  /**
   * A CSV file (or standard input) whose reader met its header and no row after it, not even one `skip_rows:` left out.
   * Told by the readers, which count the rows anyway: a file looked at again for it was one of 16 KiB at most, named
   * .csv, and never standard input (red68c L3). A file read again (by the next reader, or sorted) is named once.
   */
  headerAlone(file: string): void {
    this.headersAlone.add(file);
  }

  private readonly headersAlone = new Set<string>();
  /**
   * Standard input among several usage files, empty: read as no usage, and said, as an empty file is (red63b M5: a
   * failed pipe, `zcat missing.gz | burnrate statement --usage - --usage day2.csv`, lost its usage in silence).
   */
  emptyStdin(files: number): void {
    const note = `burnrate: note: standard input (--usage -), 1 of the ${files} usage files, is empty, without even a header: read as no usage; a failed pipe (a command before it that found nothing, or failed) leaves it so too, and its usage is then missing from what is read\n`;
    if (!this.later.includes(note)) this.later.push(note);
  }

  /** The files read by a mapping's own `timestamp_zone:`, whose dates without a time may fall on both sides of a cycle boundary. */
  private readonly zoned = new Map<string, ColumnMapping>();

  /** The files read in the account's zone: their times without an offset may be UTC a cycle boundary away (naive-times.ts). */
  private readonly unzoned = new Map<string, ColumnMapping>();

  /** Every file's mapping, standard input's too: a count read beside its details is told once (details-inside.ts). */
  private readonly mappings = new Set<ColumnMapping>();

  /** A file's mapping: whose timestamps without an offset are read in its `timestamp_zone:`, or else in the account's. */
  readInZone(file: string, mapping: ColumnMapping): void {
    this.mappings.add(mapping);
    if (file === "-") return;
    const files = mapping.timestampZone === undefined ? this.unzoned : this.zoned;
    if (!files.has(file)) files.set(file, mapping);
  }

  /**
   * The notes for those files' days, read at their zone's midnight, that a cycle boundary of the account's zone falls
   * inside; and for the files read in the account's zone, their times without an offset that UTC would put in another cycle.
   */
  async datedNotes(zone: Zone, statement: { accounts: readonly { cycles: readonly { start: number; end: number }[] }[] }): Promise<string[]> {
    // The last cycle's end too: a day read before it is in the statement, and after it, refused. Made only when a file
    // needs them: a log of 100,000 accounts makes each account's cycles from their text to read them.
    let starts: Instant[] | undefined;
    const bounds = () => (starts ??= [...new Set(statement.accounts.flatMap((a) => a.cycles.flatMap((c) => [c.start, c.end])))].sort((a, b) => a - b));
    const dated = this.zoned.size === 0 ? [] : await datedDayNotes(this.zoned, zone, bounds());
    return [...dated, ...(await naiveTimeNotes(this.unzoned, zone, bounds))];
  }

  /**
   * A row `skip_rows:` left out by its column's cell: counted by file and column, so that rows left out by two rules are
   * told as two notes, each with the values it skipped (newcomer, stop 43: 40 rows skipped for a null token count
   * were told as failed calls, under the first rule's value). A rule's values are the mapping's, so few.
   */
  row(at: Location, column: string, cell: string): void {
    const key = `${at.file}\u0000${column}`;
    const seen = this.files.get(key);
    if (seen === undefined || at.line <= seen.last) this.files.set(key, { rows: 1, first: at, column, cells: [cell], last: at.line });
    else {
      seen.rows++;
      seen.last = at.line;
      if (!seen.cells.includes(cell)) seen.cells.push(cell);
    }
  }

  /**
   * A row not skipped whose `skip_rows:` cell is a case or a space away from a value that skips rows (`error` where the
   * mapping says `Error`): values match exactly, so the row is charged, and told, as the typo it most often is
   * (newcomer, stop 40: a gateway's failed call billed in silence). Counted as `row` counts, per file.
   */
  /** A file's rows the scanner skipped (skip-cells.ts), told as row() and nearMiss() tell the plain reader's a row at a time. */
  skippedRows(tally: SkipTally): void {
    for (const { column, rows, first, last, cells } of tally.skipped) {
      const key = `${first.file}\u0000${column}`;
      const seen = this.files.get(key);
      if (seen === undefined || first.line <= seen.last) this.files.set(key, { rows, first, column, cells: [...cells], last });
      else {
        seen.rows += rows;
        seen.last = last;
        for (const cell of cells) if (!seen.cells.includes(cell)) seen.cells.push(cell);
      }
    }
    for (const miss of tally.nearMisses) {
      const key = `${miss.column}\u0000${miss.meant}\u0000${miss.cell}\u0000${miss.first.file}`;
      const seen = this.nearMisses.get(key);
      if (seen === undefined || miss.first.line <= seen.last) this.nearMisses.set(key, { ...miss, at: miss.first });
      else {
        seen.rows += miss.rows;
        seen.last = miss.last;
      }
    }
  }

  nearMiss(miss: SkipNearMiss): void {
    const key = `${miss.column}\u0000${miss.meant}\u0000${miss.cell}\u0000${miss.at.file}`;
    const seen = this.nearMisses.get(key);
    if (seen === undefined || miss.at.line <= seen.last) this.nearMisses.set(key, { ...miss, rows: 1, first: miss.at, last: miss.at.line });
    else {
      seen.rows++;
      seen.last = miss.at.line;
    }
  }

  private readonly nearMisses = new Map<string, SkipNearMiss & { rows: number; first: Location; last: number }>();

  /**
   * A JSON Lines or Parquet file's rows whose quantity field is null or empty: priced as one event each, as an empty
   * CSV cell is, and told, as an export's null most often means a count it did not know (newcomer, stop 34: priced
   * as 1 unseen). A file read again tells again, in place of the first time.
   */
  unquantified(at: Location, field: string, rows: number): void {
    this.quantityless.set(at.file, { rows, first: at, why: field });
  }

  private readonly quantityless = new Map<string, { rows: number; first: Location; why: string }>();

  /** A file's rows of no quantity by meter, told where other rows of the meter give one (quantity-gaps.ts). */
  quantityGaps(gaps: QuantityGaps): void {
    this.gaps.tell(gaps);
  }

  private readonly gaps = new QuantityGapNotes();

  /** A file of API pages whose last page says more pages follow (`"has_more": true`). */
  morePages(at: Location, field: string): void {
    this.unfinished.set(at.file, { at, field });
  }

  private readonly unfinished = new Map<string, { at: Location; field: string }>();

  /**
   * A file whose rows each sum many events and give no count of them (Anthropic's usage report: a bucket's tokens): each
   * row is counted as one event of its meter. A quota of requests or a price per request then counts buckets, which the
   * note says where the card has either (red team, stop 35: a plan's quota of 50,000 requests counted 31 days).
   */
  uncounted(at: Location, meter: string, what: string, rows: number): void {
    this.bucketed.set(at.file, { at, meter, what, rows });
  }

  private readonly bucketed = new Map<string, { at: Location; meter: string; what: string; rows: number }>();

  /**
   * A row's count of a component (a token column) on a row of a meter that prices no such component (read.ts): read by
   * nothing. Counted by file, meter and component; a file read again counts again from its start.
   */
  unpricedComponent(at: Location, meter: string, component: string): void {
    const key = `${at.file}\u0000${meter}\u0000${component}`;
    const seen = this.unpriced.get(key);
    if (seen === undefined || at.line <= seen.last) this.unpriced.set(key, { rows: 1, first: at, meter, component, last: at.line });
    else {
      seen.rows++;
      seen.last = at.line;
    }
  }

  private readonly unpriced = new Map<string, { rows: number; first: Location; meter: string; component: string; last: number }>();

  /** A Parquet file's row groups too large to read in the memory budget (parquet-groups.ts): told once a file, however often it is read. */
  largeGroups(groups: LargeGroups): void {
    this.large.set(groups.at.file, groups);
  }

  private readonly large = new Map<string, LargeGroups>();

  /** A folder mapping's quantity or event id column, as one of the folder's files has it or lacks it (folder-columns.ts). */
  folderColumn(column: FolderColumn): void {
    this.folderColumns.tell(column);
  }

  private readonly folderColumns = new FolderColumns();

  /** Whether `--layout` read anything of a file: a run of which it read no file is refused, once every file was read. */
  layoutRead(reading: LayoutReading): void {
    this.layoutReadings.tell(reading);
  }

  private readonly layoutReadings: LayoutReadings;

  /**
   * The notes of the run's files, where a `card` is given also those only its prices or quotas make worth telling; a
   * folder mapping's column that no file of the run had is refused here, once every file was read.
   */
  notes(card?: RateCard): string[] {
    // A JSON file's rows of null quantity that the notes by meter tell are not told again by the file's own note (red66 L8).
    const gaps = this.gaps.notes(this.folderColumns.lacking("quantity"));
    return [
      ...(card === undefined ? [] : detailsInsideNotes(this.mappings, card)),
      ...this.folderColumns.notes(),
      ...this.layoutReadings.notes(),
      ...(this.late === undefined ? [] : [lateRowsNote(this.late)]),
      ...this.folders,
      ...[headerOnlyFilesNote(this.headersAlone, this.usage)].filter((note) => note !== undefined),
      ...this.later,
      ...acrossFiles([...this.nearMisses.values()], (m) => `${m.column}\u0000${m.meant}\u0000${m.cell}`).map(({ rows, first, files, column, meant, cell, place }) => {
        const at = place === undefined ? "" : ` (${formatPlace(place)})`;
        return `burnrate: warning: skip_rows: ${column}: [${shown(meant)}]${at} skips the rows whose ${column} is exactly ${shown(meant)}; ${rowsOf(rows, first, files)} ${rows === 1 ? "has" : "have"} ${shown(cell)} (the first at ${formatLocation(first)}${filesText(files)}), which ${rows === 1 ? "is" : "are"} not skipped and ${rows === 1 ? "is" : "are"} charged as usage: did you mean ${shown(cell)}?\n`;
      }),
      ...acrossFiles([...this.files.values()], (f) => f.column).map(({ rows, first, column, files }) => {
        const cells = [...new Set(files.flatMap((f) => f.cells))].map((cell) => shown(cell)).join(" or ");
        return `burnrate: note: ${rowsOf(rows, first, files)} skipped as not usage by skip_rows: (${column} ${cells}; the first at ${formatLocation(first)}${filesText(files)}): neither charged nor counted toward a quota\n`;
      }),
      ...gaps.notes,
      ...acrossFiles([...this.quantityless.values()].filter((f) => !gaps.covered.has(f.first.file)), (f) => f.why).map(({ rows, first, why, files }) => `burnrate: note: ${rowsOf(rows, first, files)} ${rows === 1 ? "has" : "have"} no quantity (${JSON.stringify(why)} null or empty; the first at ${formatLocation(first)}${filesText(files)}): each is priced as one event, as an empty quantity is\n`),
      ...acrossFiles([...this.unpriced.values()], (u) => `${u.meter}\u0000${u.component}`).map(({ rows, first, files, meter, component }) =>
        `burnrate: note: ${rowsOf(rows, first, files)} of meter ${shown(meter)} ${rows === 1 ? "carries" : "carry"} a count of ${component} (the first at ${formatLocation(first)}${filesText(files)}), which the meter does not price: read by nothing, such rows priced by their quantity alone; if the meter charges them, price it by the component (components: [${component}]) or read its quantity from that column\n`),
      ...[...this.large.values()].map(largeGroupsNote),
      ...[...this.unfinished.values()].map(({ at, field }) => `burnrate: note: the last page of ${at.file} (${formatLocation(at)}) says more pages follow (${JSON.stringify(field)}: true): unless they are in another file given, the usage stops there and the statement is short of it\n`),
      ...acrossFiles([...this.bucketed.values()].map((b) => ({ ...b, first: b.at })), (b) => `${b.meter}\u0000${b.what}`).flatMap(({ meter, what, rows, first, files }) => {
        const counted = card === undefined ? [] : eventCounts(card, meter);
        if (counted.length === 0) return [];
        const them = files.length === 1 ? `the ${rowsOf(rows, first, files)}` : rowsOf(rows, first, files);
        return [`burnrate: note: ${them} (the first at ${formatLocation(first)}${filesText(files)}) ${rows === 1 ? "is" : "are each"} ${what}, with no count of them: each is counted as one ${meter} event, so ${counted.join(" and ")} count rows, not ${meter}s; columns: { quantity: FIELD } in a mapping reads a count where the export has one\n`];
      }),
    ];
  }
}


/** A row's `skip_rows:` cell that is a near miss of a value that skips rows: the cell, the value meant, the mapping's key. */
export interface SkipNearMiss {
  at: Location;
  column: string;
  cell: string;
  meant: string;
  place: Place | undefined;
}

/** One note's rows of one kind across files: each file's count, in the order they were read. */
interface FileRows {
  rows: number;
  first: Location;
}

/**
 * Files' rows of one kind (and reason) told as one note, not a note a file: a month of daily exports each with a
 * failed call or two wrote thirty notes, in which any other warning was lost. Files are told in the order of their
 * names, not the order the reading threads happened to finish them in (newcomer, stop 37: 11-16 before 11-15), and
 * the first file's first row leads.
 */
function acrossFiles<T extends FileRows>(entries: readonly T[], reason: (entry: T) => string): (T & { files: readonly T[] })[] {
  const groups = new Map<string, T & { files: T[] }>();
  const byName = [...entries].sort((a, b) => (a.first.file < b.first.file ? -1 : a.first.file > b.first.file ? 1 : 0));
  for (const entry of byName) {
    const key = reason(entry);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { ...entry, files: [entry] });
    else {
      group.rows += entry.rows;
      group.files.push(entry);
    }
  }
  return [...groups.values()];
}

/** "3 rows of day1.csv", or across files "45 rows of 30 files". */
function rowsOf(rows: number, first: Location, files: readonly FileRows[]): string {
  const count = `${rows.toLocaleString("en-US")} row${rows === 1 ? "" : "s"}`;
  return files.length === 1 ? `${count} of ${first.file}` : `${count} of ${files.length} files`;
}

/** How many rows each file had, the first few of them, when a note speaks of several files. */
function filesText(files: readonly FileRows[]): string {
  if (files.length === 1) return "";
  const shown = files.slice(0, FILES_NAMED).map((f) => `${f.first.file} ${f.rows.toLocaleString("en-US")}`);
  const more = files.length - shown.length;
  return `; ${shown.join(", ")}${more > 0 ? ` and ${more} more file${more === 1 ? "" : "s"}` : ""}`;
}

/** Files a note names with their counts before it says how many more. */
const FILES_NAMED = 3;

/** What a card counts a meter's events for: a plan's quota of them, a price per event. */
function eventCounts(card: RateCard, meter: string): string[] {
  const quota = [...card.plans.values()].some((p) => p.quota?.meters.has(meter));
  const m = card.meters.get(meter);
  const priced = m !== undefined && (m.price.kind === "table" || !m.price.value.isZero() || m.surcharges.some((s) => s.kind === "per_event"));
  return [...(quota ? [`the plans' quotas of ${meter}s`] : []), ...(priced ? [`${meter}'s price per event`] : [])];
}
