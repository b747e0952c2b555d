/**
 * The bytes that mean something to the readers of CSV as bytes (the row
 * scanner, row-scanner.ts, and the event ids' first pass, id-lines.ts), and
 * the tests both make of a stretch of bytes before reading its lines.
 */

export const COMMA = 44;
export const NEWLINE = 10;
export const QUOTE = 34;
export const CR = 13;

/** A line longer than the readers take (MAX_RECORD_BYTES in read.ts; JSON Lines' on the scanner, record-lines.ts) is theirs to report. */
export const MAX_LINE = 1 << 20;

/**
 * Whether `bytes` hold a quote or a carriage return, which only csv-parse
 * reads: looked for natively over the whole stretch, so that the loops over a
 * line's bytes need not test for them.
 */
export function quoteOrCr(bytes: Buffer): boolean {
  return bytes.indexOf(QUOTE) >= 0 || bytes.indexOf(CR) >= 0;
}

/**
 * Whether `bytes` hold a carriage return that does not end a line (before its newline; the last byte may be
 * one, whose newline is the next stretch's first): a Windows export's CRLF lines are the row scanner's,
 * anything else with a CR csv-parse's.
 */
export function strayCr(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(CR); at >= 0; at = bytes.indexOf(CR, at + 1)) {
    if (at + 1 < bytes.length && bytes[at + 1] !== NEWLINE) return true;
  }
  return false;
}

/** The end of the line from `from` (its newline) within `[from, to)`, or -1 when it goes on past `to`. */
export function lineEnd(buf: Buffer, from: number, to: number): number {
  const at = buf.indexOf(NEWLINE, from);
  return at >= 0 && at < to ? at : -1;
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * A file's quoted cells, their quotes taken out, stretch by stretch (stop 40: an export that quotes every cell,
 * as Python's `QUOTE_ALL` and many a spreadsheet write, went csv-parse's way, three times as slow). Only a cell
 * quoted whole, with neither a comma, a line break, a CR nor a quote within, reads as its text does unquoted; on
 * any other quote `strip` answers undefined, and the file is csv-parse's. The bytes given back are this object's
 * own, filled again at the next stretch.
 */
export class QuotedCells {
  /** 0 outside a quoted cell, 1 inside one, 2 just past its closing quote, whose next byte must end the cell. */
  private state = 0;
  /** Whether the next byte starts a cell: at the file's start (after its byte-order mark), and after a comma or a newline. */
  private cellStart = true;
  /** How many bytes of a byte-order mark the file began with so far; 3 once past it, or once none can come. */
  private bom = 0;
  /** Whether the line so far had a quoted cell, and how many bytes but a CR it has, its quotes out. */
  private lineText = false;
  private lineBytes = 0;
  /** Just past a quoted cell's opening quote: its first byte is next. */
  private opened = false;
  /** No byte of the file given back yet. */
  private fileEmpty = true;
  private out = Buffer.alloc(0);

  /** Whether the file's quotes are being taken out: from its first quote on, every stretch is. */
  stripping = false;

  /**
   * A stretch before the file's first quote, given back as it is: only where it leaves the file is noted (in a byte-order
   * mark, at a cell's start or not), for the stretch whose quote comes next.
   */
  passed(chunk: Buffer): Buffer {
    let i = 0;
    for (; i < chunk.length && this.bom < 3; i++) this.bom = chunk[i] === BOM[this.bom] ? this.bom + 1 : 3;
    if (i < chunk.length) this.cellStart = chunk[chunk.length - 1] === COMMA || chunk[chunk.length - 1] === NEWLINE;
    // The bytes of the line the next stretch goes on with (red team, stop 40: a quote first in a stretch, mid-line, read the line as empty).
    const nl = chunk.lastIndexOf(NEWLINE);
    this.lineBytes = nl < 0 ? this.lineBytes + chunk.length : chunk.length - nl - 1;
    if (chunk.length > 0) this.fileEmpty = false;
    return chunk;
  }

  strip(chunk: Buffer): Buffer | undefined {
    this.stripping = true;
    if (this.out.length < chunk.length) this.out = Buffer.allocUnsafe(Math.max(chunk.length, 1 << 16));
    const out = this.out;
    let n = 0;
    let { state, cellStart, lineText, lineBytes, bom, opened } = this;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      // The file's byte-order mark, however the first bytes come, is before its first cell.
      if (bom < 3) {
        if (c === BOM[bom]) {
          out[n++] = c;
          bom++;
          continue;
        }
        bom = 3;
      }
      if (state === 1) {
        if (c === QUOTE) state = 2;
        // A byte-order mark behind the file's first byte, a quote, would become the file's own once the quote is out (red team, stop 40).
        else if (c === COMMA || c === NEWLINE || c === CR || (c === 0xef && opened && n === 0 && this.fileEmpty)) return undefined;
        else {
          out[n++] = c;
          lineBytes++;
        }
        opened = false;
        continue;
      }
      if (state === 2) {
        if (c !== COMMA && c !== NEWLINE && c !== CR) return undefined;
        state = 0;
      }
      if (c === QUOTE) {
        if (!cellStart) return undefined;
        state = 1;
        opened = true;
        cellStart = false;
        // A line of one empty quoted cell is a row to csv-parse, and would be a blank line, skipped, once unquoted.
        lineText = true;
        continue;
      }
      out[n++] = c;
      cellStart = c === COMMA || c === NEWLINE;
      if (c === NEWLINE) {
        if (lineText && lineBytes === 0) return undefined;
        lineText = false;
        lineBytes = 0;
      } else if (c !== CR) lineBytes++;
    }
    this.state = state;
    this.cellStart = cellStart;
    this.lineText = lineText;
    this.lineBytes = lineBytes;
    this.bom = bom;
    this.opened = opened;
    if (n > 0) this.fileEmpty = false;
    return out.subarray(0, n);
  }

  /** Whether a quoted cell is still open, or the last line is one empty quoted cell: at the file's end, csv-parse's to read. */
  get open(): boolean {
    return this.state === 1 || (this.lineText && this.lineBytes === 0);
  }

  /** The next file begins. */
  reset(): void {
    this.state = 0;
    this.cellStart = true;
    this.bom = 0;
    this.lineText = false;
    this.lineBytes = 0;
    this.opened = false;
    this.fileEmpty = true;
    this.stripping = false;
  }
}
