import { UserError } from "../errors.js";
import type { ColumnMapping } from "./mapping.js";
import { JsonLines } from "./objects.js";
import { NeedsFullParser, type PlainRecord } from "./plain-csv.js";
import { MAX_LINE } from "./csv-bytes.js";
import type { ReadColumns } from "./layout.js";

/**
 * JSON Lines for the row scanner: each line's record, as the plain reader takes
 * it (objects.ts, the one reading of a line), written as a CSV line the scanner
 * reads, the header first. The scanner is set to number the header line 0
 * (ScanSetup.headerLine), and a line the plain reader skips (a blank one) is
 * written blank, so that every row keeps its own line's number, for messages
 * and for the order of the rows of an instant.
 *
 * What the plain reader would say something of goes to it: a line it refuses
 * (an error found here is not reported, the file is read again by the plain
 * reader, which reports it), a file it has notes on (rows without a quantity
 * of their own), and a cell that a CSV line cannot hold as it is (a comma, a
 * quote, a line break, or text that is not well-formed UTF-16).
 */
export class RecordLines {
  private readonly lines: JsonLines;
  /** The number of the next CSV line written: the header is line 0. */
  private next = 0;
  private header = true;

  constructor(source: { file: string; mapping: ColumnMapping; cardColumns?: ReadonlySet<string> }, maxLine: number) {
    this.lines = new JsonLines(source, maxLine);
  }

  /** The CSV bytes of the lines a chunk of the file ends. */
  push(chunk: Buffer): Buffer {
    return this.csv(() => this.lines.push(chunk));
  }

  /** The CSV bytes of the file's last line, and its end: refused where the plain reader would tell the run something of it. */
  end(): Buffer {
    const bytes = this.csv(() => this.lines.last());
    refusing(() => this.lines.finish());
    if (this.lines.notes) throw new NeedsFullParser("JSON Lines the plain reader has a note on");
    return bytes;
  }

  private csv(records: () => PlainRecord[]): Buffer {
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

/** A record as a CSV line the scanner reads as the plain reader reads the record: no cell quoted, so none that would need it. */
function lineOf(record: readonly string[]): string {
  const line = record.join(",");
  // A line of one empty cell is a blank line to a CSV reader, and a lone surrogate is not UTF-8: neither reads back as it was.
  if (line === "" || LONE_SURROGATE.test(line)) throw new NeedsFullParser("a JSON Lines row a CSV line cannot hold");
  for (const cell of record) if (SPECIAL.test(cell)) throw new NeedsFullParser("a JSON value with a comma, quote or line break");
  return line + "\n";
}

const SPECIAL = /[",\r\n]/;
/** In a Unicode regular expression a pair is one code point: only a surrogate alone matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** What the plain reader refuses is its to report: the scanner gives the file up. */
function refusing<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof UserError) throw new NeedsFullParser("a JSON Lines row the plain reader must judge");
    throw e;
  }
}

/** The line the scanner numbers a file's header: JSON Lines' records keep their own lines' numbers. */
export function headerLine(file: { format: "csv" | "jsonl" }): 0 | 1 {
  return file.format === "jsonl" ? 0 : 1;
}

/** A JSON Lines file's chunks as the CSV lines of their records, told nothing: what the plain reader would tell, it reads. */
export function jsonLinesAsCsv(file: { file: string; mapping: ColumnMapping; read: ReadColumns }): RecordLines {
  return new RecordLines({ file: file.file, mapping: { ...file.mapping, skipped: undefined }, cardColumns: file.read.names }, MAX_LINE);
}
