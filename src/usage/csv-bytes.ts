import { isUtf8 } from "node:buffer";

/**
 * The bytes that mean something to the readers of CSV as bytes (the row
 * scanner, row-scanner.ts, and the event ids' first pass, id-lines.ts), and
 * the tests both make of a stretch of bytes before reading its lines.
 */

export const COMMA = 44;
export const NEWLINE = 10;
export const QUOTE = 34;
export const CR = 13;
/**
 * What a comma and a doubled quote within a quoted key cell are given back as (QuotedCells.commaColumns): bytes no
 * such cell holds where any is, so that the cell stays one between the scanner's commas and its text is told apart.
 */
const STAND_IN = 0x1f;
const QUOTE_STAND_IN = 0x1e;

/** A cell's text with its commas and quotes given back where it held any (QuotedCells.stoodIn: the file holds no stand-in of its own). */
export function standInsBack(text: string): string {
  if (text.includes("\x1f")) text = text.replaceAll("\x1f", ",");
  return text.includes("\x1e") ? text.replaceAll("\x1e", '"') : text;
}

/** A line longer than the readers take (MAX_RECORD_BYTES in read.ts; JSON Lines' on the scanner, record-lines.ts) is theirs to report. */
export const MAX_LINE = 1 << 20;

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

/** A file the event ids' first pass must leave to the readers (quotes it cannot read, carriage returns, a very long line). */
export class GiveUp extends Error {}

/**
 * Whether a file's bytes, given a stretch at a time, are UTF-8 throughout, as the plain reader and csv-parse's guard
 * (utf8.ts) refuse a file that is not, whichever cell holds the bytes. Each stretch is checked natively up to its last
 * whole character, and a character cut between two stretches once whole. A reader of bytes that skips the cells
 * nothing reads (a quoted JSON column, or any cell of a row whose shape is known) would otherwise read a file the
 * others refuse (stop 57: a Latin-1 byte in an ignored column was read past, exit 0, where csv-parse said exit 2).
 */
export class Utf8Stretches {
  /** The bytes of a character the last stretch cut, to be joined to the next stretch's first. */
  private cut: Buffer | undefined;

  /** Whether the stretch keeps the file UTF-8; `last` with the file's last one. */
  ok(chunk: Buffer, last: boolean): boolean {
    let from = 0;
    if (this.cut !== undefined) {
      const need = sequenceLength(this.cut[0]!) - this.cut.length;
      if (chunk.length < need) {
        this.cut = Buffer.concat([this.cut, chunk]);
        return !last;
      }
      if (!isUtf8(Buffer.concat([this.cut, chunk.subarray(0, need)]))) return false;
      this.cut = undefined;
      from = need;
    }
    const to = last ? chunk.length : wholeCharactersEnd(chunk, from);
    if (!isUtf8(chunk.subarray(from, to))) return false;
    if (to < chunk.length) this.cut = Buffer.from(chunk.subarray(to));
    return true;
  }

  /** The next file begins. */
  reset(): void {
    this.cut = undefined;
  }
}

/** How many bytes the character a lead byte starts has; 0 for a byte no character starts with. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Where the next `byte` is in `chunk` from `from`, or the chunk's length where none is. */
function nextOf(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at < 0 ? chunk.length : at;
}

/** Where the stretch's last whole character ends: before a lead byte whose character the stretch cuts short. */
export function wholeCharactersEnd(chunk: Buffer, from: number): number {
  for (let at = chunk.length - 1; at >= Math.max(from, chunk.length - 3); at--) {
    const c = chunk[at]!;
    if ((c & 0xc0) === 0x80) continue;
    return sequenceLength(c) > chunk.length - at ? at : chunk.length;
  }
  return chunk.length;
}

/**
 * A file's quoted cells, their quotes taken out, stretch by stretch (stop 40: an export that quotes every cell,
 * as Python's `QUOTE_ALL` and many a spreadsheet write, went csv-parse's way, three times as slow). Only a cell
 * quoted whole, with neither a comma, a line break, a CR nor a quote within, reads as its text does unquoted. A
 * cell of a column nothing reads (`free`, once the header is read) may hold commas and doubled quotes too, and is
 * given back empty: LiteLLM's `metadata` and `request_tags`, JSON that Postgres's COPY quotes, sent every real
 * spend log to csv-parse, 3.7 times as slow (newcomer55 M2). A cell of a column whose text is a key (`commas`: a
 * meter, a dimension, an account) may hold commas, each given back as STAND_IN: a customer column of
 * `"Acme, Inc."` sent the log to csv-parse, 2.5 times the CPU; a doubled quote there is QUOTE_STAND_IN. On any other quote `strip` answers undefined, and
 * the file is csv-parse's; a line break within a cell always does, as the lines' numbers would be another's. The
 * bytes given back are this object's own, filled again at the next stretch.
 */
export class QuotedCells {
  /**
   * 0 outside a quoted cell, 1 inside one, 2 just past its closing quote, whose next byte must end the cell; 3 inside a
   * free column's quoted cell, 4 just past a quote in one (a doubled quote's first, or the cell's closing quote).
   */
  private state = 0;
  /** The line's cell the bytes are in: its index in the header's order. */
  private column = 0;
  /** 1 for each column whose cells nothing reads, when the header is known; none before it, nor in the header itself. */
  private free: Uint8Array | undefined;
  /** 1 for each column whose quoted cells' commas are given back as STAND_IN, when the header is known. */
  private commas: Uint8Array | undefined;
  /**
   * Whether a comma was given back as STAND_IN, and whether the bytes read so far hold one of their own: never both,
   * in this file nor in one read before it (whose shapes the next file's are found among), as two texts would be one.
   */
  stoodIn = false;
  private ownStandIn = false;
  /** Whether the next byte starts a cell: at the file's start (after its byte-order mark), and after a comma or a newline. */
  private cellStart = true;
  /** How many bytes of a byte-order mark the file began with so far; 3 once past it, or once none can come. */
  private bom = 0;
  /** Whether the line so far had a quoted cell, and how many bytes but a CR it has, its quotes out. */
  private lineText = false;
  private lineBytes = 0;
  /**
   * The bytes of the line so far in the stretches before this one, as the file has them (quotes and a free cell's text
   * in): a line longer than the readers take is theirs to refuse, however short it is once stripped (red57 F1: a row of
   * 1.5 MB of ignored JSON was priced, where the other readers said "row too long").
   */
  private lineRaw = 0;
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
  passed(chunk: Buffer): Buffer | undefined {
    if (!this.standInsApart(chunk)) return undefined;
    let i = 0;
    for (; i < chunk.length && this.bom < 3; i++) this.bom = chunk[i] === BOM[this.bom] ? this.bom + 1 : 3;
    if (i < chunk.length) this.cellStart = chunk[chunk.length - 1] === COMMA || chunk[chunk.length - 1] === NEWLINE;
    // The bytes of the line the next stretch goes on with (red team, stop 40: a quote first in a stretch, mid-line, read the line as empty).
    const nl = chunk.lastIndexOf(NEWLINE);
    this.lineBytes = nl < 0 ? this.lineBytes + chunk.length : chunk.length - nl - 1;
    this.lineRaw = nl < 0 ? this.lineRaw + chunk.length : chunk.length - nl - 1;
    if (nl >= 0) this.column = 0;
    for (let at = chunk.indexOf(COMMA, nl + 1); at >= 0; at = chunk.indexOf(COMMA, at + 1)) this.column++;
    if (chunk.length > 0) this.fileEmpty = false;
    return chunk;
  }

  strip(chunk: Buffer): Buffer | undefined {
    this.stripping = true;
    if (!this.standInsApart(chunk)) return undefined;
    if (this.out.length < chunk.length) this.out = Buffer.allocUnsafe(Math.max(chunk.length, 1 << 16));
    const out = this.out;
    const length = chunk.length;
    let n = 0;
    let { state, cellStart, lineText, lineBytes, bom, opened, column } = this;
    const free = this.free;
    // Where the line being read began in this stretch (before it, for one begun in an earlier stretch).
    let lineFrom = -this.lineRaw;
    // The next quote and newline from where the stretch is read (its length for none), found natively and found again
    // once passed: the plain bytes before them are given back at once, not a byte at a time (a gateway's month of
    // quoted JSON took 1.5 s a reading so, newcomer57 M1).
    let quote = -1;
    let newline = -1;
    let i = 0;
    while (i < length) {
      const c = chunk[i]!;
      // The file's byte-order mark, however the first bytes come, is before its first cell.
      if (bom < 3) {
        if (c === BOM[bom]) {
          out[n++] = c;
          bom++;
          i++;
          continue;
        }
        bom = 3;
      }
      if (state === 3) {
        // A free cell's bytes, to its next quote (a doubled quote's first, or its closing quote): no line break nor CR before it.
        const from = i;
        let b = 0;
        while (i < length && (b = chunk[i]!) !== QUOTE && b !== NEWLINE && b !== CR) i++;
        lineBytes += i - from;
        if (i === length) continue;
        if (b !== QUOTE) return undefined;
        state = 4;
        i++;
        continue;
      }
      if (state === 4) {
        if (c === QUOTE) {
          state = 3;
          lineBytes++;
          i++;
          continue;
        }
        if (c !== COMMA && c !== NEWLINE && c !== CR) return undefined;
        state = 0;
      }
      if (state === 1) {
        if (c === QUOTE) state = 2;
        else if (c === COMMA && this.commas?.[column] === 1 && !this.ownStandIn) {
          out[n++] = STAND_IN;
          lineBytes++;
          this.stoodIn = true;
        }
        // A byte-order mark behind the file's first byte, a quote, would become the file's own once the quote is out (red team, stop 40).
        else if (c === COMMA || c === NEWLINE || c === CR || (c === 0xef && opened && n === 0 && this.fileEmpty)) return undefined;
        else {
          out[n++] = c;
          lineBytes++;
        }
        opened = false;
        i++;
        continue;
      }
      if (state === 2) {
        if (c === QUOTE && this.commas?.[column] === 1 && !this.ownStandIn) {
          // A doubled quote within a key cell (`"The ""Daily"" Planet"`): one quote of its text, read as QUOTE_STAND_IN.
          out[n++] = QUOTE_STAND_IN;
          lineBytes++;
          this.stoodIn = true;
          state = 1;
          i++;
          continue;
        }
        if (c !== COMMA && c !== NEWLINE && c !== CR) return undefined;
        state = 0;
      }
      if (c === QUOTE) {
        if (!cellStart) return undefined;
        if (free !== undefined && free[column] === 1) {
          state = 3;
          cellStart = false;
          // Given back empty, the cell still makes its line a row, as csv-parse reads it.
          lineText = true;
          lineBytes++;
          i++;
          continue;
        }
        state = 1;
        opened = true;
        cellStart = false;
        // A line of one empty quoted cell is a row to csv-parse, and would be a blank line, skipped, once unquoted.
        lineText = true;
        i++;
        continue;
      }
      // Plain bytes to the next quote, given back as they are: each line they end checked, the last one's commas counted.
      if (quote < i) quote = nextOf(chunk, QUOTE, i);
      const end = quote;
      chunk.copy(out, n, i, end);
      n += end - i;
      if (newline < i) newline = nextOf(chunk, NEWLINE, i);
      for (; newline < end; newline = nextOf(chunk, NEWLINE, i)) {
        // Only whether the line has text but commas and a CR matters (a line of empty quoted cells is csv-parse's).
        for (let p = i; lineBytes === 0 && p < newline; p++) if (chunk[p] !== COMMA && chunk[p] !== CR) lineBytes = 1;
        if ((lineText && lineBytes === 0) || newline - lineFrom > MAX_LINE) return undefined;
        lineFrom = newline + 1;
        lineText = false;
        lineBytes = 0;
        column = 0;
        i = newline + 1;
      }
      for (let p = i; p < end; p++) {
        const b = chunk[p]!;
        if (b === COMMA) column++;
        else if (b !== CR) lineBytes++;
      }
      cellStart = chunk[end - 1] === COMMA || chunk[end - 1] === NEWLINE;
      i = end;
    }
    this.lineRaw = length - lineFrom;
    if (this.lineRaw > MAX_LINE) return undefined;
    this.state = state;
    this.column = column;
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
    return this.state === 1 || this.state === 3 || (this.lineText && this.lineBytes === 0);
  }

  /** The header is read: the cells of `free` columns, which nothing reads, may hold anything but a line break. */
  freeColumns(free: Uint8Array): void {
    this.free = free;
  }

  /** The header is read: the quoted cells of `columns` (1 for each) may hold commas, given back as STAND_IN. */
  commaColumns(columns: Uint8Array): void {
    this.commas = columns;
  }

  /** Whether the stretch keeps STAND_IN bytes and commas given back as them apart: false once the file holds both. */
  private standInsApart(chunk: Buffer): boolean {
    if (!this.ownStandIn && (chunk.indexOf(STAND_IN) >= 0 || chunk.indexOf(QUOTE_STAND_IN) >= 0)) this.ownStandIn = true;
    return !(this.ownStandIn && this.stoodIn);
  }

  /** The next file begins. */
  reset(): void {
    this.state = 0;
    this.column = 0;
    this.free = undefined;
    this.commas = undefined;
    this.cellStart = true;
    this.bom = 0;
    this.lineText = false;
    this.lineBytes = 0;
    this.lineRaw = 0;
    this.opened = false;
    this.fileEmpty = true;
    this.stripping = false;
  }
}

/**
 * Each cell of the line `buf[from, to)` as its text's bytes (`cell(start, end, escaped)`): a cell plainly quoted (between an opening quote at the
 * cell's start and a closing one at its end, as csv-parse reads it) without its quotes. A quoted cell with doubled quotes within (`escaped`: its bytes are not its text), as
 * Postgres's COPY quotes LiteLLM's JSON `metadata`, is passed over whole: only the caller's cells must be plain (stop
 * 57: every such spend log gave up the pass, and all its request ids were remembered). GiveUp for a quote the readers
 * would read otherwise.
 */
export function cellsOf(buf: Buffer, from: number, to: number, cell: (start: number, end: number, escaped: boolean) => void): void {
  let at = from;
  for (;;) {
    if (at < to && buf[at] === QUOTE) {
      let close = buf.indexOf(QUOTE, at + 1);
      let escaped = false;
      for (; close >= 0 && close + 1 < to && buf[close + 1] === QUOTE; close = buf.indexOf(QUOTE, close + 2)) escaped = true;
      // Unclosed on the line (a cell over lines), or closed before the cell's end (`"a"b`).
      if (close < 0 || close >= to || (close + 1 < to && buf[close + 1] !== COMMA)) throw new GiveUp();
      cell(at + 1, close, escaped);
      at = close + 1;
    } else {
      let end = at;
      // A quote within a plain cell is csv-parse's to read; looked for in the same pass (a view a cell to search was garbage a cell).
      for (let c = 0; end < to && (c = buf[end]!) !== COMMA; end++) if (c === QUOTE) throw new GiveUp();
      cell(at, end, false);
      at = end;
    }
    if (at >= to) return;
    at++;
    if (at === to) return cell(at, at, false);
  }
}
