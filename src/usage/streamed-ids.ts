import { createReadStream } from "node:fs";
import { eventIdKey } from "../engine/event-ids.js";
import { openContent, type UsageFormat } from "./content.js";
import { cellsOf, COMMA, CR, GiveUp, MAX_LINE, NEWLINE, QUOTE, strayCr } from "./csv-bytes.js";
import { BLANK, parseJsonLine } from "./json-lines.js";
import type { KeyRuns } from "./key-runs.js";
import type { ColumnMapping } from "./mapping.js";
import { ObjectRows, UNTOLD } from "./objects.js";
import { parquetRecords } from "./parquet-read.js";
import type { PlainRecord } from "./plain-csv.js";

/**
 * The event ids' first pass (id-screen.ts) over the files it cannot read a byte range at a time: gzip, whose bytes
 * come only in order, JSON Lines and Parquet. Each file is read once from its start on this thread, each row's id
 * key added to the pass's keys, so that their ids too are remembered only where they may repeat: a gateway's JSON
 * Lines export with a request id on every line held every id, 390 MB at 2M rows where the CSV took 230.
 *
 * The keys must hold the key of every id the replay reads (a key left out is an id never remembered, and a retry
 * billed twice); a key of something else only keeps a few more ids. So a JSON line's id is taken from its bytes only
 * where they are the id's text as the reader reads it: a string without an escape, after the field's quoted name
 * (anywhere in the line: a nested field of that name adds a key, not harm). Any other line is parsed as the readers
 * parse it (parseJsonLine, ObjectRows.fieldsOf), and its id taken from its fields. The rows' order is not looked at:
 * a log with such a file is read as one whose order is not known.
 */
export interface StreamedFile {
  /** Where its bytes are (standard input's copy for `-`), and its name in messages. */
  path: string;
  file: string;
  mapping: ColumnMapping;
  format: UsageFormat;
  compressed: boolean;
  /** The event_id column's index in a header of these cells (-1 for none), as the readers find it; GiveUp where they would refuse it. */
  idColumn(cells: readonly string[]): number;
  /** The columns the card reads, which a JSON Lines header holds wherever they first appear (ObjectRows). */
  cardColumns: ReadonlySet<string>;
}

export async function addStreamedIds(source: StreamedFile, keys: KeyRuns): Promise<void> {
  if (source.format === "parquet" && !source.compressed) return parquetIds(source, keys);
  if (source.format !== "csv" && source.format !== "jsonl") throw new GiveUp();
  // A gzip cut short or damaged (an export still being written, a failed download) is the readers' to report, at the
  // file (red team, stop 42: zlib's error went out of the pass as a bug's, with its stack).
  try {
    const content = await openContent(createReadStream(source.path, { highWaterMark: 1 << 20 }));
    try {
      const lines = content.format === "csv" ? new CsvIds(source, keys) : content.format === "jsonl" ? new JsonLineIds(source, keys) : undefined;
      if (lines === undefined) throw new GiveUp();
      await eachLine(content.chunks, lines);
    } finally {
      content.close();
    }
  } catch (e) {
    throw e instanceof GiveUp ? e : new GiveUp();
  }
}

/** What is done with whole lines, `buf[start, end)`, each ended by a newline but maybe the file's last; false to read no more of the file. */
interface LineTaker {
  take(buf: Buffer, start: number, end: number): boolean;
}

/**
 * The chunks' lines, a chunk's whole lines at a time (a line across chunks alone, its pieces joined once its newline
 * comes: red team, stop 42, a line joined at each 16 KiB of gunzip's made a long line's cost its square). A line
 * longer than the readers take (MAX_LINE, for CSV and JSON Lines alike) is theirs to refuse: it is not gathered.
 */
async function eachLine(chunks: AsyncIterable<Buffer>, taker: LineTaker): Promise<void> {
  let pieces: Buffer[] = [];
  let held = 0;
  const hold = (piece: Buffer) => {
    held += piece.length;
    if (held > MAX_LINE + 1) throw new GiveUp();
    pieces.push(piece);
  };
  for await (const chunk of chunks) {
    let start = 0;
    if (held > 0) {
      const nl = chunk.indexOf(NEWLINE);
      hold(nl < 0 ? chunk : chunk.subarray(0, nl + 1));
      if (nl < 0) continue;
      const joined = Buffer.concat(pieces, held);
      pieces = [];
      held = 0;
      if (!taker.take(joined, 0, joined.length)) return;
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      if (!taker.take(chunk, start, last + 1)) return;
      start = last + 1;
    }
    if (start < chunk.length) hold(Buffer.from(chunk.subarray(start)));
  }
  if (held > 0) {
    const joined = Buffer.concat(pieces, held);
    taker.take(joined, 0, joined.length);
  }
}

/** The end of the line from `start` in `buf[.., end)`: its newline, or `end`. */
function lineEndIn(buf: Buffer, start: number, end: number): number {
  const nl = buf.indexOf(NEWLINE, start);
  return nl < 0 || nl > end ? end : nl;
}

/**
 * A gzip CSV's rows, or a CSV's whose cells are quoted: the id cell of each, as the byte-range pass reads a plain
 * file's (id-lines.ts). A cell in quotes is read as csv-parse reads it where it is plainly so: its bytes between an
 * opening quote at the cell's start and a closing one at its end, with no quote between (an export that quotes every
 * field: Snowflake's FIELD_OPTIONALLY_ENCLOSED_BY, Python's QUOTE_ALL; newcomer50 F3, whose 3M rows held every id,
 * 309 MB). A quote anywhere else (an escaped one, a cell over lines, a stray one) is csv-parse's to read: the pass gives
 * up, as on a carriage return that does not end a line (a Windows export's CRLF does: its lines are read without it).
 */
class CsvIds implements LineTaker {
  private column: number | undefined;

  constructor(
    private readonly source: StreamedFile,
    private readonly keys: KeyRuns,
  ) {}

  take(buf: Buffer, start: number, end: number): boolean {
    // A Windows export's lines end in CRLF, which the readers take as a line's end; any other CR is csv-parse's.
    if (strayCr(buf.subarray(start, end))) throw new GiveUp();
    const quoted = buf.subarray(start, end).indexOf(QUOTE) >= 0;
    for (let from = start; from < end; ) {
      const next = lineEndIn(buf, from, end);
      const to = next > from && buf[next - 1] === CR ? next - 1 : next;
      if (this.column === undefined) {
        const cells: string[] = [];
        const bom = buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf ? 3 : 0;
        cellsOf(buf, from + bom, to, (cellStart, cellEnd, escaped) => {
          if (escaped) throw new GiveUp();
          cells.push(buf.toString("utf8", cellStart, cellEnd));
        });
        this.column = this.source.idColumn(cells);
        if (this.column < 0) return false;
      } else if (quoted) this.quotedRow(buf, from, to);
      else this.row(buf, from, to);
      from = next + 1;
    }
    return true;
  }

  private row(buf: Buffer, from: number, to: number): void {
    let cell = 0;
    let cellStart = from;
    for (let i = from; i <= to; i++) {
      if (i < to && buf[i] !== COMMA) continue;
      if (cell++ === this.column) {
        if (i > cellStart) this.keys.add(eventIdKey(buf, cellStart, i));
        return;
      }
      cellStart = i + 1;
    }
  }

  private quotedRow(buf: Buffer, from: number, to: number): void {
    let cell = 0;
    cellsOf(buf, from, to, (cellStart, cellEnd, escaped) => {
      if (cell++ !== this.column || cellEnd === cellStart) return;
      if (escaped) throw new GiveUp();
      this.keys.add(eventIdKey(buf, cellStart, cellEnd));
    });
  }
}

const BACKSLASH = 92;
const COLON = 58;
const N = 110;

/** A JSON Lines file's rows: each id field's key, from the line's bytes where they are its text, else from the line parsed. */
class JsonLineIds implements LineTaker {
  /** Each field the id may be read from, as its quoted name: the mapping's column, else a layout's names and `event_id`. */
  private readonly names: Buffer[];
  private readonly fields: string[];
  /** Parsed for every line: the id is named by a dotted path, or the mapping sums fields. */
  private readonly parseAll: boolean;
  /**
   * The fields a row's id is unique within (CloudEvents' `source`: the id read is `SOURCE ID`), as their names: where
   * there are any, every line's strings are followed for both (scopedIds), each line having them (red team, stop 42: an
   * OpenMeter log parsed twice took a fifth more time).
   */
  private readonly scopes: string[];
  private readonly scopeNames: Buffer[];
  private readonly rows: ObjectRows;
  private line = 0;
  /** Whether the first line's header was judged as the readers judge it. */
  private judged = false;

  constructor(
    private readonly source: StreamedFile,
    private readonly keys: KeyRuns,
  ) {
    const { mapping } = source;
    if (mapping.rows !== undefined) throw new GiveUp();
    const named = mapping.columns.event_id;
    this.fields = named !== undefined ? [named] : [...(mapping.alternatives?.event_id ?? []), "event_id"];
    this.names = this.fields.map((name) => Buffer.from(JSON.stringify(name)));
    this.scopes = [...new Set(this.fields.flatMap((name) => mapping.scopes?.get(name) ?? []))];
    this.scopeNames = this.scopes.map((name) => Buffer.from(JSON.stringify(name)));
    this.parseAll = mapping.sums !== undefined || [...this.fields, ...this.scopes].some((name) => name.includes("."));
    this.rows = new ObjectRows(source.file, mapping, "line", undefined, UNTOLD);
  }

  take(buf: Buffer, start: number, end: number): boolean {
    // Where the next backslash and the next of each name are, from the lines' start: searched again only once passed, so a
    // block of lines costs a search of each a line that has it, not one of each a line.
    let backslash = this.parseAll ? start : at(buf.indexOf(BACKSLASH, start), end);
    const next = this.names.map((name) => at(buf.indexOf(name, start), end));
    for (let from = start; from < end; ) {
      const to = lineEndIn(buf, from, end);
      this.line++;
      if (!this.judged) this.judge(buf, from, to);
      if (this.scopes.length > 0 && !this.parseAll) {
        if (!this.scopedIds(buf, from, to)) this.parsed(buf, from, to);
        from = to + 1;
        continue;
      }
      let plain = backslash >= to;
      for (let n = 0; plain && n < next.length; n++) {
        const name = this.names[n]!;
        for (; next[n]! < to; next[n] = at(buf.indexOf(name, next[n]! + 1), end)) {
          if (!this.plainId(buf, next[n]! + name.length, to)) {
            plain = false;
            break;
          }
        }
      }
      if (!plain && (this.parseAll || backslash >= to || !this.escaped(buf, from, to))) this.parsed(buf, from, to);
      from = to + 1;
      if (backslash < from) backslash = this.parseAll ? from : at(buf.indexOf(BACKSLASH, from), end);
      for (let n = 0; n < next.length; n++) if (next[n]! < from) next[n] = at(buf.indexOf(this.names[n]!, from), end);
    }
    return true;
  }

  /**
   * After a quoted name of the id's field at `i`, on a line without a backslash that ends at `to`: its id added, where
   * it is a key's string value (not a key: something else follows; null: no id); false where the value is another.
   */
  private plainId(buf: Buffer, i: number, to: number): boolean {
    i = spaces(buf, i, to);
    if (buf[i] !== COLON || i >= to) return true;
    i = spaces(buf, i + 1, to);
    if (i >= to) return false;
    if (buf[i] === N) return true;
    if (buf[i] !== QUOTE) return false;
    // No backslash on the line: the next quote ends the string.
    let close = i + 1;
    while (close < to && buf[close] !== QUOTE) close++;
    if (close >= to) return false;
    if (close > i + 1) this.keys.add(eventIdKey(buf, i + 1, close));
    return true;
  }

  /**
   * The first line's header, as the readers make it and judge it: a file they refuse at its first line (a field the
   * mapping does not read) is given up here, not read whole first (red team, stop 42: 360 MB read before the error).
   */
  private judge(buf: Buffer, from: number, to: number): void {
    let value: unknown;
    try {
      value = parseJsonLine(buf.toString("utf8", from, to), { file: this.source.file, line: this.line });
    } catch {
      throw new GiveUp();
    }
    if (value === BLANK) return;
    this.judged = true;
    const out: PlainRecord[] = [];
    try {
      new ObjectRows(this.source.file, this.source.mapping, "line", this.source.cardColumns, UNTOLD).push(value, this.line, out);
    } catch {
      throw new GiveUp();
    }
    this.source.idColumn(out[0]!.record);
  }

  /**
   * Each id of a line with a backslash, as the readers read it, where it is a string after a key of an id's field:
   * the line's strings are followed, each escape skipped, so that a quote in one is not taken for its end, and a key or
   * id with an escape is decoded alone, as JSON.parse decodes it in the line. False where an id is written otherwise
   * (the line is then parsed): Python's json.dumps escapes every character past ASCII, so most of its lines have a
   * backslash, and parsing each of them twice cost a third more time (red team, stop 42).
   */
  private escaped(buf: Buffer, from: number, to: number): boolean {
    return this.stringValues(buf, from, to, false);
  }

  /**
   * The ids of a line whose id is read within a scope, as the readers read them: each id alone (a row without the scope
   * keeps its id) and within each scope's string found (the row's own among them, at its top level; a nested field of
   * either name adds a key, not harm). False where either is written otherwise than as a string or null: a number as the
   * scope, say, which the readers write as JavaScript does (the line is then parsed).
   */
  private scopedIds(buf: Buffer, from: number, to: number): boolean {
    this.lineIds.length = 0;
    this.lineScopes.length = 0;
    if (!this.stringValues(buf, from, to, true)) return false;
    for (const id of this.lineIds) {
      this.addText(id);
      for (const scope of this.lineScopes) this.addText(`${scope} ${id}`);
    }
    return true;
  }

  /** A scoped line's ids and scopes, as stringValues finds them. */
  private readonly lineIds: string[] = [];
  private readonly lineScopes: string[] = [];

  /**
   * Follow a line's strings to the string after each key of an id's field (and, `scoped`, of its scope's): an id alone
   * is added, from its bytes where it has no escape; a scoped line's are gathered. No object a string: a line has a
   * score of them (their garbage cost as much again as the pass, red team's 2M lines). False where one is written
   * otherwise than as a string or null.
   */
  private stringValues(buf: Buffer, from: number, to: number, scoped: boolean): boolean {
    for (let i = from; i < to; i++) {
      if (buf[i] !== QUOTE) continue;
      const keyStart = i;
      i = stringEnd(buf, i, to);
      if (i < 0) return false;
      const keyEscapes = escapes;
      let j = spaces(buf, i + 1, to);
      if (buf[j] !== COLON) continue;
      const into = this.named(buf, keyStart, i, keyEscapes) ? this.lineIds : scoped && oneOf(this.scopeNames, buf, keyStart, i, keyEscapes) ? this.lineScopes : undefined;
      if (into === undefined) continue;
      j = spaces(buf, j + 1, to);
      if (buf[j] === N) continue;
      if (buf[j] !== QUOTE) return false;
      i = stringEnd(buf, j, to);
      if (i < 0) return false;
      if (!scoped && !escapes) {
        if (i > j + 1) this.keys.add(eventIdKey(buf, j + 1, i));
        continue;
      }
      const text = escapes ? decoded(buf, j, i) : buf.toString("utf8", j + 1, i);
      if (text === undefined) return false;
      if (text === "") continue;
      if (scoped) into.push(text);
      else this.addText(text);
    }
    return true;
  }

  private addText(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    this.keys.add(eventIdKey(bytes, 0, bytes.length));
  }

  /** Whether the string whose quotes are at `start` and `end` is the name of a field an id is read from. */
  private named(buf: Buffer, start: number, end: number, escaped: boolean): boolean {
    return oneOf(this.names, buf, start, end, escaped);
  }


  /** The line as the readers read it; one they refuse is theirs to report, with the log read without the pass. */
  private parsed(buf: Buffer, from: number, to: number): void {
    let rows: Map<string, string>[];
    try {
      const value = parseJsonLine(buf.toString("utf8", from, to), { file: this.source.file, line: this.line });
      if (value === BLANK) return;
      rows = this.rows.fieldsOf(value, this.line);
    } catch {
      throw new GiveUp();
    }
    for (const fields of rows) {
      for (const name of this.fields) {
        const id = fields.get(name);
        if (id !== undefined && id !== "") {
          const bytes = Buffer.from(id, "utf8");
          this.keys.add(eventIdKey(bytes, 0, bytes.length));
        }
      }
    }
  }
}

/** Whether the string stringEnd last read has an escape. */
let escapes = false;

/** The closing quote of the string whose opening quote is at `start` (setting `escapes`), or -1 where it does not end before `to`. */
function stringEnd(buf: Buffer, start: number, to: number): number {
  escapes = false;
  for (let i = start + 1; i < to; i++) {
    const c = buf[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) {
      escapes = true;
      i++;
    }
  }
  return -1;
}

/** The text of the string whose quotes are at `start` and `end`, as JSON.parse reads it (undefined for an escape JSON refuses: the line is then the readers' to refuse). */
function decoded(buf: Buffer, start: number, end: number): string | undefined {
  try {
    return JSON.parse(buf.toString("utf8", start, end + 1)) as string;
  } catch {
    return undefined;
  }
}

/** Whether the string whose quotes are at `start` and `end` is one of `names` (each with its quotes, as JSON.stringify writes it). */
function oneOf(names: readonly Buffer[], buf: Buffer, start: number, end: number, escaped: boolean): boolean {
  if (escaped) {
    const text = decoded(buf, start, end);
    return text !== undefined && names.some((name) => JSON.parse(name.toString("utf8")) === text);
  }
  next: for (const name of names) {
    if (name.length !== end + 1 - start) continue;
    for (let k = 1; k < name.length - 1; k++) if (name[k] !== buf[start + k]) continue next;
    return true;
  }
  return false;
}

/** The index of the first byte from `i` (before `to`) that is not JSON's white space. */
function spaces(buf: Buffer, i: number, to: number): number {
  while (i < to && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13)) i++;
  return i;
}

/** A search's find, or `end` for none before it. */
function at(found: number, end: number): number {
  return found < 0 || found > end ? end : found;
}

/** A flat Parquet file's id column read alone, each cell as the reader makes it (parquetRecords); a nested one is left to the readers. */
async function parquetIds(source: StreamedFile, keys: KeyRuns): Promise<void> {
  // Asked only of a flat file: a nested one's ids are where its objects put them, which is left to the readers.
  let column: number | undefined;
  const only = (header: readonly string[]) => {
    column = source.idColumn(header);
    return column < 0 ? undefined : header[column];
  };
  let first = true;
  try {
    for await (const records of parquetRecords(source.path, { file: source.file, mapping: source.mapping, only, notes: UNTOLD })) {
      for (const { record } of records) {
        if (first) {
          first = false;
          if (column === undefined || (column >= 0 && record.length !== 1)) throw new GiveUp();
          if (column < 0) return;
          continue;
        }
        const id = record[0]!;
        if (id !== "") {
          const bytes = Buffer.from(id, "utf8");
          keys.add(eventIdKey(bytes, 0, bytes.length));
        }
      }
    }
  } catch (e) {
    throw e instanceof GiveUp ? e : new GiveUp();
  }
}
