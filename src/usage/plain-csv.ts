/**
 * A reader for plain CSV: one line ending throughout, every record as wide as
 * the header, valid UTF-8, and no quote but around a whole cell that holds no
 * comma, quote or line break, or around any cell of a column nothing reads
 * (`freeOf`: a gateway's quoted JSON, given back empty, as the row scanner
 * does). Most usage logs are exactly that, and splitting them by hand is
 * several times faster than a full CSV parser. Anything else (another quote, a
 * stray carriage return, a ragged row, a very long line, bytes that are not
 * UTF-8) throws `NeedsFullParser`, and the caller reads the file with csv-parse
 * instead, so both paths give the same records and the same errors.
 */
import { isUtf8 } from "node:buffer";
import { QuotedCells, Utf8Stretches } from "./csv-bytes.js";

export class NeedsFullParser extends Error {
  constructor(readonly reason: string) {
    super(`plain CSV reader gave up: ${reason}`);
    this.name = "NeedsFullParser";
  }
}

/** Why the readers of bytes give a file up at a quote they do not take out (QuotedCells), the row scanner and the plain reader alike. */
export const QUOTED_FIELD = "a quoted field";

/**
 * The inputs (by their files, the same array however the input is copied) the plain reader gives up on: where it gave
 * up, or the row scanner did at a quote, which the plain reader takes out alike and gives up at the same row, after
 * reading the log to it (red60 F2: a quote around a comma on a LiteLLM month's last row cost a whole reading more,
 * each reading of a reconcile). csv-parse reads them at once.
 */
const givesUp = new WeakSet<readonly string[]>();

export function plainGivesUp(files: readonly string[]): boolean {
  return givesUp.has(files);
}

/** A reader gave `files` up: the plain reader, for any reason; the row scanner, at a quote. */
export function gaveUp(files: readonly string[], reader: "scanner" | "plain", why: NeedsFullParser): void {
  if (reader === "plain" || why.reason === QUOTED_FIELD) givesUp.add(files);
}

export interface PlainRecord {
  record: string[];
  /** The file's line number, as csv-parse's `info.lines` gives it. */
  line: number;
}

/**
 * Each line is decoded from the file's bytes on its own, not cut from a chunk's text: a cut of 13 characters or more is
 * a view into the string it was cut from, so one cell a run kept (an event_id, an account) kept its whole 16 KiB chunk
 * alive. reconcile's scan holds 50,000 events to sort at a time, each row far from the last one kept: a gateway month
 * of 3.1M rows rose to 750 MB through it, where the lines' own bytes are a few MB (newcomer36; docs/performance.md,
 * slices47).
 */
export async function* plainRecords(source: AsyncIterable<Buffer>, maxLine: number, freeOf?: FreeColumnsOf): AsyncGenerator<PlainRecord[]> {
  const state: SplitState = { rest: undefined, line: 0, width: -1, crlf: undefined, started: false };
  const bytes = new QuotedBytes(freeOf);
  for await (const chunk of source) {
    const batch = bytes.read(state, chunk, maxLine, false);
    if (batch.length > 0) yield batch;
  }
  const batch = bytes.read(state, Buffer.alloc(0), maxLine, true);
  if (batch.length > 0) yield batch;
}

/** The columns of a file whose cells nothing reads, by its header record (1 for each); undefined for none. */
export type FreeColumnsOf = (header: readonly string[]) => Uint8Array | undefined;

/**
 * A file's chunks with their quotes taken out (QuotedCells), before they are split into lines: its header's lines a line
 * at a time, so that the columns nothing reads are known before any row is. The raw bytes are checked as UTF-8 as they
 * come: a free column's cell is given back empty, and a byte in it that is not UTF-8 is csv-parse's to refuse.
 */
class QuotedBytes {
  private readonly quoted = new QuotedCells();
  private readonly utf8 = new Utf8Stretches();
  private freeKnown = false;

  constructor(private readonly freeOf: FreeColumnsOf | undefined) {}

  read(state: SplitState, chunk: Buffer, maxLine: number, last: boolean): PlainRecord[] {
    if (!this.utf8.ok(chunk, last)) throw new NeedsFullParser("not UTF-8");
    const out: PlainRecord[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); state.width < 0 && nl >= 0 && nl + 1 < chunk.length; nl = chunk.indexOf(NEWLINE, from)) {
      this.take(state, chunk.subarray(from, nl + 1), maxLine, false, out);
      from = nl + 1;
    }
    this.take(state, from === 0 ? chunk : chunk.subarray(from), maxLine, last, out);
    return out;
  }

  private take(state: SplitState, stretch: Buffer, maxLine: number, last: boolean, out: PlainRecord[]): void {
    const bytes = this.quoted.stripping || stretch.includes(QUOTE) ? this.quoted.strip(stretch) : this.quoted.passed(stretch);
    if (bytes === undefined || (last && this.quoted.open)) throw new NeedsFullParser(QUOTED_FIELD);
    const records = split(state, bytes, maxLine, last);
    if (!this.freeKnown && state.width >= 0) {
      this.freeKnown = true;
      const free = this.freeOf?.(records[0]!.record);
      if (free !== undefined) this.quoted.freeColumns(free);
    }
    for (const record of records) out.push(record);
  }
}

interface SplitState {
  /** The bytes of a line not yet ended, from the chunks before. */
  rest: Buffer | undefined;
  line: number;
  width: number;
  /** Whether lines end in CR LF, as the first line does; undefined before it. */
  crlf: boolean | undefined;
  started: boolean;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const TWO_BOMS = Buffer.concat([BOM, BOM]);
const QUOTE = 34;
const NEWLINE = 10;
const CR = 13;

function split(state: SplitState, chunk: Buffer, maxLine: number, last: boolean): PlainRecord[] {
  let bytes = state.rest === undefined ? chunk : Buffer.concat([state.rest, chunk]);
  if (!state.started) {
    // The first bytes may be the marks cut short by the chunk (a gzip member or a pipe's write may end anywhere):
    // held until both are whole or are not marks (red team, red34: EF BB BF EF alone, and the second mark was read).
    if (!last && bytes.length < TWO_BOMS.length && TWO_BOMS.subarray(0, bytes.length).equals(bytes)) {
      state.rest = Buffer.from(bytes);
      return [];
    }
    state.started = true;
    // As a UTF-8 decoder drops a byte-order mark and the reader dropped one more U+FEFF after it (a file saved twice).
    for (let marks = 0; marks < 2 && bytes.subarray(0, BOM.length).equals(BOM); marks++) bytes = bytes.subarray(BOM.length);
  }
  const out: PlainRecord[] = [];
  const end = last ? bytes.length : bytes.lastIndexOf(NEWLINE) + 1;
  // Lines end at a newline byte, which no UTF-8 sequence holds: the whole lines can be checked apart from the rest.
  if (!isUtf8(bytes.subarray(0, end))) throw new NeedsFullParser("not UTF-8");
  let start = 0;
  for (let nl = bytes.indexOf(NEWLINE); nl >= 0 && nl < end; nl = bytes.indexOf(NEWLINE, start)) {
    take(state, bytes, start, nl, maxLine, out);
    start = nl + 1;
  }
  if (last && start < end) {
    if (bytes[end - 1] === CR) throw new NeedsFullParser("a carriage return at the end");
    take(state, bytes, start, end, maxLine, out, true);
    start = end;
  }
  state.rest = start < bytes.length ? Buffer.from(bytes.subarray(start)) : undefined;
  if ((state.rest?.length ?? 0) > maxLine) throw new NeedsFullParser("a very long line");
  return out;
}

function take(state: SplitState, bytes: Buffer, start: number, nl: number, maxLine: number, out: PlainRecord[], unterminated = false): void {
  state.line++;
  let end = nl;
  if (!unterminated) {
    const cr = end > start && bytes[end - 1] === CR;
    if (cr) end--;
    state.crlf ??= cr;
    if (cr !== state.crlf) throw new NeedsFullParser("mixed line endings");
  }
  if (end === start) return;
  if (end - start > maxLine) throw new NeedsFullParser("a very long line");
  const cr = bytes.indexOf(CR, start);
  if (cr >= 0 && cr < end) throw new NeedsFullParser("a carriage return inside a line");
  const record = bytes.toString("utf8", start, end).split(",");
  if (state.width < 0) state.width = record.length;
  else if (record.length !== state.width) throw new NeedsFullParser("a row of another width");
  out.push({ record, line: state.line });
}
