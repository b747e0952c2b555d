import { UserError, type Location } from "../errors.js";
import type { FolderColumn } from "./folder-columns.js";
import type { ColumnMapping } from "./mapping.js";
import { parquetRecords, type ObjectNotes } from "./objects.js";
import { JsonLines } from "./json-lines.js";
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

  /** The CSV bytes of records, the file's header the first of them. */
  csv(records: () => PlainRecord[]): Buffer {
    let text = "";
    for (const { record, line } of refusing(records)) {
      if (this.header) {
        this.header = false;
        // A first field named with a byte-order mark would be taken for the file's own mark.
        if (record[0]?.charCodeAt(0) === 0xfeff) throw new NeedsFullParser("a field named with a byte-order mark");
      } else {
        // A skipped line is a blank line of the CSV: the next record keeps its line's number.
        for (; this.next < line; this.next++) text += "\n";
      }
      text += lineOf(record);
      this.next++;
    }
    return Buffer.from(text, "utf8");
  }
}

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

/** A JSON Lines file's chunks as the CSV lines of their records, a chunk at a time. */
export class JsonLinesAsCsv {
  private readonly lines: JsonLines;
  private readonly out = new RecordLines();

  constructor(file: RecordFile, notes: KeptNotes) {
    this.lines = new JsonLines({ file: file.file, mapping: file.mapping, cardColumns: file.read.names, notes }, MAX_LINE);
  }

  /** The CSV bytes of the lines a chunk of the file ends. */
  push(chunk: Buffer): Buffer {
    return this.out.csv(() => this.lines.push(chunk));
  }

  /** The CSV bytes of the file's last line, after its last chunk, the file checked as a whole. */
  end(): Buffer {
    const bytes = this.out.csv(() => this.lines.last());
    refusing(() => this.lines.finish());
    return bytes;
  }
}

/** A Parquet file's rows as CSV lines, a row group at a time (objects.ts). */
export async function* parquetAsCsv(path: string, file: RecordFile, notes: KeptNotes): AsyncGenerator<Buffer> {
  const out = new RecordLines();
  const groups = parquetRecords(path, { file: file.file, mapping: file.mapping, notes });
  for (;;) {
    const next = await refusingAsync(() => groups.next());
    if (next.done === true) return;
    yield out.csv(() => next.value);
  }
}

/** A record as a CSV line the scanner reads as the plain reader reads the record: no cell quoted, so none that would need it. */
function lineOf(record: readonly string[]): string {
  const line = record.join(",");
  // A line of one empty cell is a blank line to a CSV reader, and a lone surrogate is not UTF-8: neither reads back as it was.
  if (line === "" || SPECIAL.test(line)) throw new NeedsFullParser("a value with a quote, a line break or a lone surrogate");
  // Each comma but the cells' own ends a cell too soon.
  let commas = 0;
  for (let at = line.indexOf(","); at >= 0; at = line.indexOf(",", at + 1)) commas++;
  if (commas !== record.length - 1) throw new NeedsFullParser("a value with a comma");
  return line + "\n";
}

/** In a Unicode regular expression a pair is one code point: a surrogate matches only alone. */
const SPECIAL = /["\r\n\p{Surrogate}]/u;

/** A note the object readers tell of a file, as data a reading thread can post: the call and its arguments. */
export type ObjectNote =
  | { kind: "unquantified"; at: Location; field: string; rows: number }
  | { kind: "morePages"; at: Location; field: string }
  | { kind: "uncounted"; at: Location; meter: string; what: string; rows: number }
  | { kind: "folderColumn"; column: FolderColumn };

/** A file's notes as the scanner reads it, told the run's notes (tellNotes) as its rows are: the plain reader would tell the same at the same file's end. */
export class KeptNotes implements ObjectNotes {
  readonly notes: ObjectNote[] = [];

  unquantified(at: Location, field: string, rows: number): void {
    this.notes.push({ kind: "unquantified", at, field, rows });
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
}

/** Tell the run kept notes. Each tells a file's count (SkippedRows): a file read again tells it again, the same. */
export function tellNotes(notes: readonly ObjectNote[], to: ObjectNotes | undefined): void {
  for (const note of notes) {
    if (note.kind === "unquantified") to?.unquantified(note.at, note.field, note.rows);
    else if (note.kind === "morePages") to?.morePages(note.at, note.field);
    else if (note.kind === "folderColumn") to?.folderColumn(note.column);
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
