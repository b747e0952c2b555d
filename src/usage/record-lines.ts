import { UserError, type Location } from "../errors.js";
import type { FolderColumn } from "./folder-columns.js";
import type { LayoutReading } from "./layout-residue.js";
import type { SkipTally } from "./skip-cells.js";
import type { LargeGroups } from "./parquet-groups.js";
import type { QuantityGaps } from "./quantity-gaps.js";
import type { ColumnMapping } from "./mapping.js";
import type { ObjectNotes } from "./objects.js";
import { parquetRows, release, type ColumnGroup, type FlatParquet } from "./parquet-read.js";
import { isUtf8 } from "node:buffer";
import { BLANK, JsonLines } from "./json-lines.js";
import { scoped, type KnownLines, type LineKinds } from "./json-line-kinds.js";
import { NeedsFullParser, type PlainRecord } from "./plain-csv.js";
import { MAX_LINE } from "./csv-bytes.js";
import type { ReadColumns } from "./layout.js";

/**
 * JSON Lines and Parquet for the row scanner: each row's record, as the plain
 * reader takes it (objects.ts, the one reading of an object), written as a CSV
 * line the scanner reads, the header first. The scanner is set to number the
 * header line 0 (ScanSetup.headerLine), and a line the plain reader skips (a
 * blank one) is written blank, so that every row keeps its own line's (or
 * Parquet row's) number, for messages and for the order of an instant's rows.
 *
 * What the plain reader would refuse goes to it: a row it refuses (an error
 * found here is not reported: the file is read again by the plain reader,
 * which reports it), and a cell that a CSV line cannot hold as it is (a comma,
 * a quote, a line break, or text that is not well-formed UTF-16). What it
 * would note of a file (rows without a quantity of their own) is kept
 * (KeptNotes) and told the run with the file's rows.
 */
class RecordLines {
  /** The number of the next CSV line written: the header is line 0. */
  private next = 0;
  private header = true;
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;

  /** The CSV bytes of records, the file's header the first of them. */
  csv(records: () => PlainRecord[]): Buffer {
    this.records(refusing(records));
    return this.take();
  }

  /** Records' CSV lines, written after those before them. */
  records(records: readonly PlainRecord[]): void {
    for (const { record, line } of records) {
      if (this.header) {
        this.header = false;
        // A first field named with a byte-order mark would be taken for the file's own mark.
        if (record[0]?.charCodeAt(0) === 0xfeff) throw new NeedsFullParser("a field named with a byte-order mark");
      } else this.blankLinesBefore(line, 0);
      const text = lineOf(record);
      this.room(3 * text.length);
      this.used += this.bytes.write(text, this.used, "utf8");
      this.next++;
    }
  }

  /** The CSV line of a JSON line that `known`'s template has read (its values in the template's starts and ends), in the header's order. */
  placed(line: number, from: Buffer, length: number, known: KnownLines): void {
    const { keyOf, scopeOf } = known;
    const { starts, ends } = known.template;
    // The values' bytes are within the line's, each cell a comma, the line a newline, and each scope written again before its field.
    let scopes = 0;
    for (let column = 0; column < keyOf.length; column++) if (scopeOf[column]! >= 0) scopes += ends[scopeOf[column]!]! - starts[scopeOf[column]!]! + 1;
    this.blankLinesBefore(line, length + scopes + keyOf.length + 1);
    const bytes = this.bytes;
    let used = this.used;
    for (let column = 0; column < keyOf.length; column++) {
      if (column > 0) bytes[used++] = COMMA;
      const key = keyOf[column]!;
      if (key < 0) continue;
      const end = ends[key]!;
      if (known.template.arrays[key] === 1) {
        // An array's cell is its bytes without its blanks (arraysFit: no string within).
        for (let at = starts[key]!; at < end; at++) if (from[at] !== SPACE && from[at] !== 0x09) bytes[used++] = from[at]!;
        continue;
      }
      if (scoped(known, from, column)) {
        const scope = scopeOf[column]!;
        for (let at = starts[scope]!; at < ends[scope]!; at++) bytes[used++] = from[at]!;
        bytes[used++] = SPACE;
      }
      for (let at = starts[key]!; at < end; at++) bytes[used++] = from[at]!;
    }
    bytes[used++] = NEWLINE;
    this.used = used;
    this.next++;
  }

  /** The CSV lines of a flat Parquet group's rows `from` to `to`, each cell as `cell` makes it, written as lineOf writes a record. */
  columns({ start, columns }: ColumnGroup, cell: FlatParquet["cell"], from: number, to: number): void {
    for (let i = from; i < to; i++) {
      this.blankLinesBefore(start + i + 1, 0);
      const begun = this.used;
      for (let c = 0; c < columns.length; c++) {
        if (c > 0) {
          this.room(1);
          this.bytes[this.used++] = COMMA;
        }
        const value = columns[c]![i];
        if (value !== null && value !== undefined) this.cell(cell(c, value, start + i + 1));
      }
      // A line of one empty cell is a blank line to a CSV reader.
      if (this.used === begun) throw new NeedsFullParser(UNSAFE);
      this.room(1);
      this.bytes[this.used++] = NEWLINE;
      this.next++;
    }
  }

  /** A cell's bytes, where a CSV line holds it as it is (lineOf). */
  private cell(text: string): void {
    this.room(3 * text.length);
    const bytes = this.bytes;
    let used = this.used;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c >= 0x80) {
        // The rest, written whole, is checked whole.
        const rest = text.slice(k);
        if (SPECIAL.test(rest)) throw new NeedsFullParser(UNSAFE);
        if (rest.includes(",")) throw new NeedsFullParser("a value with a comma");
        used += bytes.write(rest, used, "utf8");
        break;
      }
      if (c === COMMA) throw new NeedsFullParser("a value with a comma");
      if (c === QUOTE || c === NEWLINE || c === CR) throw new NeedsFullParser(UNSAFE);
      bytes[used++] = c;
    }
    this.used = used;
  }

  /** The CSV bytes written since the last take. */
  take(): Buffer {
    const written = this.bytes.subarray(0, this.used);
    this.bytes = Buffer.allocUnsafe(this.bytes.length);
    this.used = 0;
    return written;
  }

  /** A blank CSV line for each line before `line` the records skipped (blank ones), so that the next keeps its line's number, and room for `more` bytes after them. */
  private blankLinesBefore(line: number, more: number): void {
    this.room(Math.max(0, line - this.next) + more);
    for (; this.next < line; this.next++) this.bytes[this.used++] = NEWLINE;
  }

  private room(more: number): void {
    if (this.used + more <= this.bytes.length) return;
    const bytes = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.used + more));
    this.bytes.copy(bytes, 0, 0, this.used);
    this.bytes = bytes;
  }
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const QUOTE = 0x22;

/** The files the scanner reads as records, and how it is told what it reads. */
export type ScannedFormat = "csv" | "jsonl" | "parquet";

/** The line the scanner numbers a file's header: records keep their own lines' (rows') numbers. */
export function headerLine(file: { format: ScannedFormat }): 0 | 1 {
  return file.format === "csv" ? 1 : 0;
}

/** A file of records as the scanner is given it: its name in messages, its mapping, the columns the card reads. */
interface RecordFile {
  file: string;
  mapping: ColumnMapping;
  read: ReadColumns;
}

/**
 * A JSON Lines file's chunks as the CSV lines of their records, a chunk at a time. A line is parsed and its object
 * taken as the plain reader takes it (JsonLines), unless it is written as a line before it (json-line-template.ts):
 * then its values' bytes are its cells.
 */
export class JsonLinesAsCsv {
  private readonly lines: JsonLines;
  private readonly out = new RecordLines();
  private readonly kinds: LineKinds;
  /** The bytes of a line the last chunk began. */
  private rest: Buffer = Buffer.alloc(0);
  private line = 0;

  constructor(
    file: RecordFile,
    notes: KeptNotes,
    /** How many kinds of line templates read at once (LineKinds): 0 parses every line. */
    kinds?: number,
  ) {
    this.lines = new JsonLines({ file: file.file, mapping: file.mapping, cardColumns: file.read.names, notes }, MAX_LINE, kinds);
    this.kinds = this.lines.kinds;
  }

  /** The CSV bytes of the lines a chunk of the file ends. */
  push(chunk: Buffer): Buffer {
    const bytes = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    const last = bytes.lastIndexOf(NEWLINE);
    // A template reads bytes as they are: where they are not UTF-8, each line is decoded, and refused.
    const utf8 = last >= 0 && isUtf8(bytes.subarray(0, last));
    let start = 0;
    while (start <= last) {
      const nl = bytes.indexOf(NEWLINE, start);
      // A whole line as long is refused as a line left open is (JsonLines.push); bytes are at least as many as characters.
      if (nl - start - (nl > start && bytes[nl - 1] === CR ? 1 : 0) > MAX_LINE) throw new NeedsFullParser("a line too long");
      this.take(bytes, start, nl, utf8);
      start = nl + 1;
    }
    // A copy: the reader may read the next chunk into this one's memory.
    this.rest = Buffer.from(bytes.subarray(last + 1));
    if (this.rest.length > MAX_LINE) throw new NeedsFullParser("a line too long");
    return this.out.take();
  }

  /** The CSV bytes of the file's last line, after its last chunk, the file checked as a whole. */
  end(): Buffer {
    if (this.rest.length > 0) this.take(this.rest, 0, this.rest.length, isUtf8(this.rest));
    refusing(() => this.lines.finish());
    return this.out.take();
  }

  private take(bytes: Buffer, from: number, to: number, utf8: boolean): void {
    const line = ++this.line;
    const known = utf8 && line > 1 ? this.kinds.reads(bytes, from, to, line) : undefined;
    if (known !== undefined) {
      arraysFit(known, bytes);
      return this.out.placed(line, bytes, to - from, known);
    }
    const records: PlainRecord[] = [];
    const value = refusing(() => this.lines.parsed(decoded(bytes, from, to, line), line, records));
    this.out.records(records);
    if (value !== BLANK && utf8) this.kinds.parsed(bytes, from, to, value, line);
  }
}

const CR = 0x0d;

/** An array in a column holds a CSV line's comma or quote (`["prod", "batch"]`) where it has more than one value or a string: as lineOf refuses its record. */
function arraysFit(known: KnownLines, line: Buffer): void {
  const { starts, ends, arrays } = known.template;
  const { keyOf } = known;
  // In lineOf's order: a quote anywhere in the line first, then a comma.
  let comma = false;
  for (let column = 0; column < keyOf.length; column++) {
    const key = keyOf[column]!;
    if (key < 0 || arrays[key] !== 1) continue;
    const cell = line.subarray(starts[key], ends[key]);
    if (cell.includes(0x22)) throw new NeedsFullParser(UNSAFE);
    comma ||= cell.includes(COMMA);
  }
  if (comma) throw new NeedsFullParser("a value with a comma");
}

/** A line's text, as the plain reader decodes the file: the file's byte-order mark dropped, and any other kept. */
function decoded(bytes: Buffer, from: number, to: number, line: number): string {
  try {
    return (line === 1 ? FIRST_LINE : LINE).decode(bytes.subarray(from, to));
  } catch {
    throw new NeedsFullParser("text that is not UTF-8");
  }
}

const FIRST_LINE = new TextDecoder("utf-8", { fatal: true });
const LINE = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A Parquet file's rows as CSV lines, a row group at a time (parquet-read.ts), in pieces of a few thousand rows. */
export async function* parquetAsCsv(path: string, file: RecordFile, notes: KeptNotes): AsyncGenerator<Buffer> {
  const out = new RecordLines();
  const rows = await refusingAsync(() => parquetRows(path, { file: file.file, mapping: file.mapping, notes }));
  if (!rows.flat) {
    for (;;) {
      const next = await refusingAsync(() => rows.records.next());
      if (next.done === true) return;
      yield out.csv(() => next.value);
    }
  }
  out.records([{ record: [...rows.header], line: 1 }]);
  for (;;) {
    const next = await refusingAsync(() => rows.groups.next());
    if (next.done === true) return yield out.take();
    const group = next.value;
    for (let from = 0; from < group.count; from += PIECE) {
      out.columns(group, rows.cell, from, Math.min(from + PIECE, group.count));
      if (from + PIECE >= group.count) release(group);
      yield out.take();
    }
  }
}

/** Rows a piece, as the plain reader's batches: larger pieces held more memory (8,192 rows: 306 to 316 MB at 2M rows, 279 to 286 MB at 1,024). */
const PIECE = 1024;

/** A record as a CSV line the scanner reads as the plain reader reads the record: no cell quoted, so none that would need it. */
function lineOf(record: readonly string[]): string {
  const line = record.join(",");
  // A line of one empty cell is a blank line to a CSV reader, and a lone surrogate is not UTF-8: neither reads back as it was.
  if (line === "" || SPECIAL.test(line)) throw new NeedsFullParser(UNSAFE);
  // Each comma but the cells' own ends a cell too soon.
  let commas = 0;
  for (let at = line.indexOf(","); at >= 0; at = line.indexOf(",", at + 1)) commas++;
  if (commas !== record.length - 1) throw new NeedsFullParser("a value with a comma");
  return line + "\n";
}

const UNSAFE = "a value with a quote, a line break or a lone surrogate";

/** In a Unicode regular expression a pair is one code point: a surrogate matches only alone. */
const SPECIAL = /["\r\n\p{Surrogate}]/u;

/** A note the object readers tell of a file, as data a reading thread can post: the call and its arguments. */
export type ObjectNote =
  | { kind: "unquantified"; at: Location; field: string; rows: number }
  | { kind: "quantityGaps"; gaps: QuantityGaps }
  | { kind: "morePages"; at: Location; field: string }
  | { kind: "uncounted"; at: Location; meter: string; what: string; rows: number }
  | { kind: "folderColumn"; column: FolderColumn }
  | { kind: "layoutRead"; reading: LayoutReading }
  | { kind: "skipped"; tally: SkipTally }
  | { kind: "largeGroups"; groups: LargeGroups };

/** A file's notes as the scanner reads it, told the run's notes (tellNotes) as its rows are: the plain reader would tell the same at the same file's end. */
export class KeptNotes implements ObjectNotes {
  readonly notes: ObjectNote[] = [];

  unquantified(at: Location, field: string, rows: number): void {
    this.notes.push({ kind: "unquantified", at, field, rows });
  }

  quantityGaps(gaps: QuantityGaps): void {
    this.notes.push({ kind: "quantityGaps", gaps });
  }

  morePages(at: Location, field: string): void {
    this.notes.push({ kind: "morePages", at, field });
  }

  uncounted(at: Location, meter: string, what: string, rows: number): void {
    this.notes.push({ kind: "uncounted", at, meter, what, rows });
  }

  folderColumn(column: FolderColumn): void {
    this.notes.push({ kind: "folderColumn", column });
  }

  layoutRead(reading: LayoutReading): void {
    this.notes.push({ kind: "layoutRead", reading });
  }

  skippedRows(tally: SkipTally): void {
    this.notes.push({ kind: "skipped", tally });
  }

  largeGroups(groups: LargeGroups): void {
    this.notes.push({ kind: "largeGroups", groups });
  }
}

/** Tell the run kept notes. Each tells a file's count (SkippedRows): a file read again tells it again, the same. */
export function tellNotes(notes: readonly ObjectNote[], to: ObjectNotes | undefined): void {
  for (const note of notes) {
    if (note.kind === "unquantified") to?.unquantified(note.at, note.field, note.rows);
    else if (note.kind === "quantityGaps") to?.quantityGaps(note.gaps);
    else if (note.kind === "morePages") to?.morePages(note.at, note.field);
    else if (note.kind === "folderColumn") to?.folderColumn(note.column);
    else if (note.kind === "layoutRead") to?.layoutRead(note.reading);
    else if (note.kind === "skipped") to?.skippedRows(note.tally);
    else if (note.kind === "largeGroups") to?.largeGroups(note.groups);
    else to?.uncounted(note.at, note.meter, note.what, note.rows);
  }
}

/** What the plain reader refuses is its to report: the scanner gives the file up. */
function refusing<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw given(e);
  }
}

async function refusingAsync<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw given(e);
  }
}

/** A file that cannot be read is the plain reader's to report too. */
function given(e: unknown): unknown {
  if (e instanceof UserError) return new NeedsFullParser("a row the plain reader must judge");
  return e instanceof Error && "code" in e ? new NeedsFullParser("a file that cannot be read") : e;
}
