import { isAscii } from "node:buffer";
import { NeedsFullParser, QUOTED_FIELD } from "./plain-csv.js";
import { cardValue } from "./mapping-names.js";
import { blankAccount, strayAccount } from "./account-column.js";
import { columnsNothingReads, readHeader, type Layout } from "./layout.js";
import { cellHash, FNV_OFFSET, FNV_PRIME, keyLength, runsOf, ShapeTable } from "./shape-table.js";
import { StampReader } from "./row-stamps.js";
import { tellFolderColumns, type FolderColumnTeller } from "./folder-columns.js";
import { SkipCells, type SkipTeller } from "./skip-cells.js";
import { ShapeGaps, type QuantityGapTeller } from "./quantity-gaps.js";
import type { EventIdColumn } from "../engine/event-ids.js";
import { batchBuffer, type ScannedBatch, type ScannedHeader, type ScanSetup } from "./scanned-batch.js";
import { SentIds } from "./sent-ids.js";
import { idColumnIn } from "./id-buffers.js";
import { COMMA, CR, lineEnd, MAX_LINE, NEWLINE, QUOTE, QuotedCells, strayCr, Utf8Stretches, standInsBack } from "./csv-bytes.js";
import { QuantityIds } from "./quantity-ids.js";
import { ShapeValues } from "./shape-values.js";
import { ComponentCells } from "./component-cells.js";

/**
 * The fastest reader of usage CSV (and of JSON Lines and Parquet, their records written as CSV lines:
 * record-lines.ts): it works on the bytes, gives the rows of each distinct meter and dimension values (a
 * shape) one number and each account another, so that dimensions are decoded, validated and built once a
 * shape, and rows travel as columns of numbers (to the main thread, when it runs in a worker). The account is
 * not part of the shape: a log of many accounts would have about a shape a row.
 *
 * It reads only what it can prove it reads as the plain reader would: rows as wide as the header, cells
 * unquoted or quoted whole (a column nothing reads, quoted around anything but a line break: QuotedCells), bytes
 * all UTF-8, lines all ended by LF or all by CR LF, of a known meter, with a valid timestamp,
 * quantity and components (component-cells.ts) and the dimensions the meter needs. Anything else throws
 * `NeedsFullParser`, and the caller reads the file with the plain reader (and csv-parse after it), which
 * reports errors.
 */

const BATCH = 8192;
/** A batch's columns share one buffer (at, shape, account, quantity: 4 bytes a row; line: 2), handed back whole once replayed. */
const BATCH_BYTES = 18 * BATCH;
/** The largest offsets a batch's columns hold: milliseconds from its first row's instant, lines from its first row's. */
const MAX_OFFSET = 2 ** 31 - 1;
const MAX_LINES = 2 ** 16 - 1;

/** Cells keep a byte-order mark as the plain reader keeps it: only the file's own first one is dropped. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class RowScanner {
  private layout: Layout | undefined;
  private line: number;
  private rest: Buffer | undefined;
  private started = false;
  /** The columns that make a row's shape, meter and dimensions (not account, timestamp, quantity, event id or ignored columns), as runs of adjacent columns (ShapeTable). */
  private keyRuns: number[] = [];
  /** 1 for each column of the shape's, 0 for the rest (and past the header's width). */
  private readonly keyCells = new Uint8Array(1026);
  /** Whether the file's lines end with CR LF (a Windows export's), as its header's does: then every line must, and a line's cells end before its CR. Any other CR, or a file whose lines end both ways, is csv-parse's to read. */
  private crlf = false;
  /** The last chunk ended with a CR, whose newline must be the next chunk's first byte. */
  private crPending = false;
  /** The file's quoted cells, taken out from its first quote on. */
  private readonly quoted = new QuotedCells();
  private readonly utf8 = new Utf8Stretches();
  /** What split() found of the row: how many cells, and the hash of its key cells. */
  private rowWidth = 0;
  private rowHash = 0;
  /** 1 for each of the header's columns whose cells are a key's text alone: a meter's, a dimension's, an account's (keyTextColumns). */
  private keyText: Uint8Array = new Uint8Array(0);
  /** 1 for each of the header's columns nothing reads (columnsNothingReads). */
  private unread: Uint8Array = new Uint8Array(0);
  /** Whether the bytes being read are all ASCII (looked at natively once a chunk): a new shape's line then needs no look of its own as UTF-8. */
  private ascii = false;
  private readonly shapeTable = new ShapeTable();
  private readonly stamps: StampReader;
  /** Accounts by their cell's bytes, numbered apart from shapes; the account column alone is their key. */
  private readonly accountTable = new ShapeTable();
  /** The account's and the quantity's column as runs (ShapeTable). */
  private accountRun: number[] = [];
  private quantityRun: number[] = [];
  private readonly maxShapes: number;
  private readonly quantities = new QuantityIds();
  /** The file's component columns, and by shape the columns its meter reads (ComponentCells.maskOf). */
  private components: ComponentCells | undefined;
  /** The file's component columns, none or some: each new shape's meter is checked against them. */
  private componentColumns: ComponentCells | undefined;
  private readonly shapeMasks: number[] = [];
  /** Each shape's meter, for the notes of rows of no quantity (quantity-gaps.ts). */
  private readonly shapeMeters: string[] = [];
  private readonly gaps = new ShapeGaps();
  /** Made with the first file's layout: a new shape's cells checked and numbered. */
  private values: ShapeValues | undefined;
  private readonly cells = new Int32Array(1026);
  private width = 0;
  /** The event ids' bytes of the batch being filled, and where each row's ends: a finished batch's are copied out (finishBatch). */
  private idBytes = new Uint8Array(16 * BATCH);
  private readonly idEnds = new Int32Array(BATCH);
  private batch: ScannedBatch;
  /** Which ids are sent, when not all are. */
  private sent: SentIds | undefined;
  header: ScannedHeader | undefined;

  /** The header's text, for a next file that keeps the shapes (`nextFile`). */
  private headerText: string | undefined;
  /** The layout of the file before, while the next file's header is awaited. */
  private kept: Layout | undefined;
  /** The file's `skip_rows:` columns, where its header has any: rows of theirs are not usage, and are told at the file's end. */
  private skipCells: SkipCells | undefined;

  constructor(private setup: ScanSetup) {
    this.maxShapes = setup.maxShapes ?? 1 << 19;
    this.line = (setup.headerLine ?? 1) - 1;
    this.stamps = new StampReader(setup.zone, setup.mapping.timestampUnit);
    this.batch = this.freshBatch();
  }

  /** Scan the next chunk of the file; `last` with the final one (which may be empty). Returns full batches. The chunk is not kept: a reader may fill the same buffer again. */
  scan(given: Buffer, last: boolean): ScannedBatch[] {
    if (!this.utf8.ok(given, last)) throw new NeedsFullParser("not UTF-8");
    // The header's lines first, a line at a time: the columns nothing reads, whose quoted cells may hold anything, are known from it.
    let from = 0;
    const out: ScannedBatch[] = [];
    for (let nl = given.indexOf(NEWLINE); this.layout === undefined && nl >= 0 && nl + 1 < given.length; nl = given.indexOf(NEWLINE, from)) {
      out.push(...this.scanStretch(given.subarray(from, nl + 1), false));
      from = nl + 1;
    }
    out.push(...this.scanStretch(from === 0 ? given : given.subarray(from), last));
    return out;
  }

  private scanStretch(given: Buffer, last: boolean): ScannedBatch[] {
    // Cells quoted whole lose their quotes; any other quote, or carriage return but a CRLF line's, is csv-parse's to read: the whole chunk looked at once, so split() need not.
    const chunk = this.quoted.stripping || given.indexOf(QUOTE) >= 0 ? this.quoted.strip(given) : this.quoted.passed(given);
    if (chunk === undefined || (last && this.quoted.open)) throw new NeedsFullParser(QUOTED_FIELD);
    if (strayCr(chunk) || (this.crPending && chunk.length > 0 && chunk[0] !== NEWLINE)) throw new NeedsFullParser("a carriage return");
    if (chunk.length > 0) this.crPending = chunk[chunk.length - 1] === CR;
    if (last && this.crPending) throw new NeedsFullParser("a carriage return at the end of the file");
    const out: ScannedBatch[] = [];
    let buf = chunk;
    let start = 0;
    if (this.rest !== undefined) {
      // Only the line left from the last chunk is joined to this one's start, not the whole chunk.
      const nl = this.started ? chunk.indexOf(NEWLINE) : -1;
      buf = Buffer.concat([this.rest, nl < 0 ? chunk : chunk.subarray(0, nl + 1)]);
      this.rest = undefined;
      if (nl >= 0) {
        this.ascii = isAscii(buf);
        this.rows(buf, 0, false, out);
        buf = chunk;
        start = nl + 1;
      }
    }
    if (!this.started && buf.length > 0) {
      if (buf.length < 3 && !last) {
        this.rest = Buffer.from(buf);
        return [];
      }
      this.started = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    this.ascii = isAscii(buf);
    this.rows(buf, start, last, out);
    if (last) {
      if (this.layout === undefined) throw new NeedsFullParser("no header");
      if (this.batch.count > 0) out.push(this.finishBatch());
      if (this.skipCells !== undefined) this.setup.notes?.skippedRows(this.skipCells.tally());
      this.tellGaps();
    }
    return out;
  }

  /** The rows scanned so far that no batch sent yet holds, as a batch of their own (none when there are none). */
  flush(): ScannedBatch[] {
    return this.layout === undefined || this.batch.count === 0 ? [] : [this.finishBatch()];
  }

  /** Take the rows of `buf` from `start`, keeping an unfinished last line for the next chunk. */
  private rows(buf: Buffer, start: number, last: boolean, out: ScannedBatch[]): void {
    for (;;) {
      const end = this.layout === undefined ? this.headerEnd(buf, start, last) : this.split(buf, start, last);
      if (end < 0) break;
      this.take(buf, start, end, out);
      start = end + 1;
    }
    if (start < buf.length) {
      if (buf.length - start > MAX_LINE) throw new NeedsFullParser("a very long line");
      this.rest = Buffer.from(buf.subarray(start));
    }
  }

  /**
   * Go on with the next of several files of the same header text and mapping (the caller has checked both, sameHeader):
   * read as one of its own (its header, its own lines), its shapes and quantities numbered on from this file's, so a
   * shape of both is found, not built again. Call after the last chunk of this file.
   */
  nextFile(file: string, notes?: FolderColumnTeller & SkipTeller & QuantityGapTeller): void {
    this.setup = { ...this.setup, file, notes };
    this.line = (this.setup.headerLine ?? 1) - 1;
    this.rest = undefined;
    this.started = false;
    this.crPending = false;
    this.quoted.reset();
    this.utf8.reset();
    this.kept = this.layout;
    this.layout = undefined;
    this.header = undefined;
  }

  /** Whether a next file's header line is this file's. */
  sameHeader(text: string): boolean {
    return this.headerText === text;
  }

  /** Where the line from `start` ends (the end of the buffer for the file's last line), or -1 for a line the next chunk goes on with. */
  private headerEnd(buf: Buffer, start: number, last: boolean): number {
    const nl = lineEnd(buf, start, buf.length);
    return nl >= 0 ? nl : last && start < buf.length ? buf.length : -1;
  }

  /**
   * Read the row from `start` in one pass over its bytes: where each cell starts (`cells`, one past the row's end
   * after the last), and the hash of its key cells (`rowHash`). Returns where the row ends, as headerEnd does.
   */
  private split(buf: Buffer, start: number, last: boolean): number {
    const cells = this.cells;
    const keys = this.keyCells;
    const limit = buf.length;
    let count = 0;
    let key = keys[0]!;
    let hash = FNV_OFFSET;
    cells[0] = start;
    let end = limit;
    // A cell at a time: its letters and digits (above every byte that means something here) in a tight loop, hashed only in a key cell; quotes and carriage returns were refused with the chunk.
    for (let i = start; ; i++) {
      let c = 0;
      if (key) {
        for (; i < limit && (c = buf[i]!) > COMMA; i++) hash = Math.imul(hash ^ c, FNV_PRIME);
      } else {
        while (i < limit && (c = buf[i]!) > COMMA) i++;
      }
      if (i >= limit) break;
      if (c === COMMA) {
        if (key) hash = Math.imul(hash ^ COMMA, FNV_PRIME);
        if (++count >= cells.length - 1) throw new NeedsFullParser("a row of another width");
        cells[count] = i + 1;
        key = keys[count]!;
      } else if (c === NEWLINE) {
        end = i;
        break;
      } else if (c !== CR && key) {
        // A CR is only ever a CRLF line's (scan() refused any other): the line's newline follows it.
        hash = Math.imul(hash ^ c, FNV_PRIME);
      }
    }
    if (end === limit && !(last && start < limit)) return -1;
    if (key) hash = Math.imul(hash ^ COMMA, FNV_PRIME);
    // A CRLF file's line ends before its CR, and each of its lines has one: a line of the other kind is csv-parse's.
    const cr = end > start && buf[end - 1] === CR;
    if (cr !== this.crlf && end < limit) throw new NeedsFullParser("lines that end both with and without a carriage return");
    cells[count + 1] = (cr ? end - 1 : end) + 1;
    this.rowWidth = count + 1;
    // As the table stores it: a row without key cells (a mapped meter, no dimensions) hashes to the offset itself, past an int32.
    this.rowHash = hash | 0;
    return end;
  }

  private take(buf: Buffer, start: number, end: number, out: ScannedBatch[]): void {
    this.line++;
    if (end === start || (this.crlf && end === start + 1 && buf[start] === CR)) return;
    if (end - start > MAX_LINE) throw new NeedsFullParser("a very long line");
    if (this.layout === undefined) return this.readHeader(buf, start, end);
    if (this.rowWidth !== this.width) throw new NeedsFullParser("a row of another width");
    if (this.skipCells?.skips(buf, this.cells, this.line) === true) return;
    this.row(buf, out);
    if (this.batch.count === BATCH) out.push(this.finishBatch());
  }

  private readHeader(buf: Buffer, start: number, headerEnd: number): void {
    let layout: Layout;
    // The header's line ending is the file's: a Windows export's CR LF, or a newline alone.
    this.crlf = headerEnd > start && buf[headerEnd - 1] === CR;
    const end = this.crlf ? headerEnd - 1 : headerEnd;
    const text = decode(buf, start, end);
    if (this.kept !== undefined) {
      if (text !== this.headerText) throw new NeedsFullParser("a file of another header than the one before");
      this.layout = this.kept;
      this.quoted.freeColumns(this.unread);
      this.quoted.commaColumns(this.keyText);
      this.skipCells = skipCellsOf(this.layout, this.setup);
      // The same header as the file before's: the same columns, this file's to tell.
      const { index } = this.layout;
      tellFolderColumns(this.setup.mapping, this.setup.file, this.setup.notes, (c) => index[c] >= 0);
      this.header = { dimensions: this.layout.dimensions.map((d) => d.name), columns: [...this.layout.columns], components: this.components?.names ?? [], continued: true };
      return;
    }
    this.headerText = text;
    const width = text.split(",").length;
    if (width >= this.cells.length - 1) throw new NeedsFullParser("a row of another width");
    // The plain reader drops a second mark after the file's first.
    if (text.charCodeAt(0) === 0xfeff) throw new NeedsFullParser("a header the plain reader must judge");
    try {
      layout = readHeader(text.split(","), this.setup.file, this.setup.mapping, this.setup.read, this.setup.notes);
    } catch {
      throw new NeedsFullParser("a header the plain reader must judge");
    }
    // A row's shape leaves out its timestamp, quantity and event id: none of them may also be another canonical column.
    const canonical = Object.values(layout.index).filter((i) => i >= 0);
    if (new Set(canonical).size !== canonical.length) throw new NeedsFullParser("one column mapped to two canonical columns");
    this.unread = columnsNothingReads(layout, width);
    this.quoted.freeColumns(this.unread);
    const components = new ComponentCells(layout, this.setup.components ?? new Map());
    this.components = components.width > 0 ? components : undefined;
    this.componentColumns = components;
    // A component's column is a row's quantity, not its shape's: the plain reader takes it out of the row's dimensions.
    if (this.components !== undefined) layout = { ...layout, dimensions: layout.dimensions.filter((d) => !components.holds(d.index)) };
    this.layout = layout;
    this.skipCells = skipCellsOf(layout, this.setup);
    this.width = width;
    const { index } = layout;
    // Rows of two shapes are alike to the canonical order only through an account column ("" is the default account) or a meter or value mapping.
    const { repeatedIds, mapping } = this.setup;
    if (repeatedIds !== undefined && index.event_id >= 0 && index.account < 0 && mapping.meterValues.size === 0 && layout.dimensions.every((d) => d.values === undefined)) this.sent = new SentIds(repeatedIds, BATCH);
    const shaping = new Set([index.meter, ...layout.dimensions.map((d) => d.index)]);
    const keyColumns = [...Array(width).keys()].filter((c) => shaping.has(c));
    this.keyRuns = runsOf(keyColumns);
    for (const c of keyColumns) this.keyCells[c] = 1;
    this.accountRun = [index.account, index.account];
    this.keyText = keyTextColumns(width, [...keyColumns, index.account], layout.skip?.map((s) => s.index) ?? []);
    this.quoted.commaColumns(this.keyText);
    this.quantityRun = [index.quantity, index.quantity];
    this.values = new ShapeValues(layout, mapping, this.setup.events, decode, this.keyCellText);
    this.header = { dimensions: layout.dimensions.map((d) => d.name), columns: [...layout.columns], components: components.names };
    this.setup.spare?.push(batchBuffer(this.batch));
    this.batch = this.freshBatch();
  }

  private row(buf: Buffer, out: ScannedBatch[]): void {
    const { index } = this.layout!;
    const cells = this.cells;
    this.stamps.read(buf, cells[index.timestamp]!, cells[index.timestamp + 1]! - 1);
    const at = this.stamps.at;
    // A row whose instant or line is too far from the batch's first row's for an offset starts a batch of its own.
    if (this.batch.count > 0 && !(Math.abs(at - this.batch.base) <= MAX_OFFSET && this.line - this.batch.firstLine <= MAX_LINES)) out.push(this.finishBatch());
    const batch = this.batch;
    const i = batch.count;
    if (i === 0) {
      batch.base = at;
      batch.firstLine = this.line;
    }
    batch.at[i] = at - batch.base;
    const shape = (batch.shape[i] = this.shapeOf(buf));
    batch.account[i] = index.account < 0 ? this.noAccountColumn() : this.accountOf(buf, cells[index.account]!, cells[index.account + 1]! - 1);
    if (index.quantity < 0) batch.quantity[i] = this.quantities.ofText("", batch);
    else {
      batch.quantity[i] = this.quantities.of(buf, cells, this.quantityRun, batch);
      if (cells[index.quantity] === cells[index.quantity + 1]! - 1) this.gaps.emptyAt(shape, this.line);
      else this.gaps.givenAt(shape);
    }
    batch.line[i] = this.line - batch.firstLine;
    this.components?.read(buf, cells, this.shapeMasks[shape]!, batch, i);
    if (batch.ids !== undefined) {
      const ends = batch.ids.ends;
      this.eventId(buf, cells[index.event_id]!, cells[index.event_id + 1]! - 1, ends, i);
      this.sent?.row(i, at, batch.shape[i]!, this.idBytes, i === 0 ? 0 : ends[i - 1]!, ends[i]!);
    }
    batch.count++;
  }

  /** Copy a row's id to the batch's id bytes (checked to be UTF-8 when not ASCII) and end it there. */
  private eventId(buf: Buffer, from: number, to: number, ends: Int32Array, i: number): void {
    let used = i === 0 ? 0 : ends[i - 1]!;
    if (used + to - from > this.idBytes.length) {
      const more = new Uint8Array(Math.max(this.idBytes.length * 2, used + to - from));
      more.set(this.idBytes.subarray(0, used));
      this.idBytes = more;
    }
    const bytes = this.idBytes;
    let high = 0;
    for (let k = from; k < to; k++) high |= bytes[used++] = buf[k]!;
    if (high >= 0x80) decode(buf, from, to);
    ends[i] = used;
  }

  private shapeOf(buf: Buffer): number {
    const cells = this.cells;
    const runs = this.keyRuns;
    const hash = this.rowHash;
    const length = keyLength(cells, runs);
    const found = this.shapeTable.find(hash, length, buf, cells, runs);
    if (found >= 0) return found;
    if (this.shapeTable.size >= this.maxShapes) throw new NeedsFullParser("too many distinct dimension values");
    const meter = this.values!.define(buf, cells, this.width, this.batch, this.ascii);
    // Asked even of a file without component columns: a meter whose components it lacks is the plain reader's to refuse, never a row of no tokens.
    const mask = this.componentColumns!.maskOf(meter);
    if (this.components !== undefined) this.shapeMasks.push(mask);
    const shape = this.shapeTable.add(hash, length, buf, cells, runs);
    this.shapeMeters[shape] = meter;
    return shape;
  }

  /** A file's rows of no quantity by meter, told at its end (quantity-gaps.ts). */
  private tellGaps(): void {
    const at = this.layout!.index.quantity;
    if (at < 0) return;
    // A file whose own mapping undoes the quantity (`columns: { quantity: "" }`) says its rows are events, unless a row gives one.
    const gaps = this.gaps.take(this.setup.file, this.layout!.header[at] ?? "quantity", (shape) => this.shapeMeters[shape]!, this.setup.mapping.undone?.has("quantity") === true);
    if (gaps !== undefined) this.setup.notes?.quantityGaps(gaps);
  }

  /** The one account of a file without the column: the setup's default, number 0. */
  private noAccountColumn(): number {
    if (!this.defaultNamed) {
      this.defaultNamed = true;
      this.batch.accountNames.push(this.setup.defaultAccount);
    }
    return 0;
  }

  private defaultNamed = false;

  /** A key cell's text with the commas and quotes its quotes held given back (QuotedCells.commaColumns). */
  private readonly keyCellText = (text: string): string => (this.quoted.stoodIn ? standInsBack(text) : text);

  private accountOf(buf: Buffer, from: number, to: number): number {
    const hash = cellHash(buf, from, to);
    const found = this.accountTable.find(hash, to + 1 - from, buf, this.cells, this.accountRun);
    if (found >= 0) return found;
    // Checked as UTF-8 as a new shape's cells are; an empty cell is the setup's default account, or the plain reader's to refuse (emptyAccountCell).
    const cell = this.keyCellText(decode(buf, from, to));
    if (this.setup.read.otherAccounts !== undefined && blankAccount(cell)) throw new NeedsFullParser("an empty account cell");
    const account = cell === "" ? this.setup.defaultAccount : cardValue(this.setup.mapping, "account", cell);
    // Refused at its row by the plain reader (spacedAccountCell).
    if (strayAccount(account, this.setup.defaultAccount, this.setup.read.otherAccounts)) throw new NeedsFullParser("an account with spaces around it");
    this.batch.accountNames.push(account);
    return this.accountTable.add(hash, to + 1 - from, buf, this.cells, this.accountRun);
  }

  private freshBatch(): ScannedBatch {
    const buffer = this.setup.spare?.pop() ?? new ArrayBuffer(BATCH_BYTES);
    return {
      count: 0,
      base: 0,
      at: new Int32Array(buffer, 0, BATCH),
      shape: new Int32Array(buffer, 4 * BATCH, BATCH),
      account: new Int32Array(buffer, 8 * BATCH, BATCH),
      quantity: new Int32Array(buffer, 12 * BATCH, BATCH),
      firstLine: 0,
      line: new Uint16Array(buffer, 16 * BATCH, BATCH),
      ids: this.layout !== undefined && this.layout.index.event_id >= 0 ? { bytes: this.idBytes, ends: this.idEnds } : undefined,
      shapeCells: [],
      values: [],
      accountNames: [],
      quantities: [],
      quantityTexts: [],
      components: this.components === undefined ? undefined : new Int32Array(this.components.width * BATCH),
      componentTexts: [],
    };
  }

  private finishBatch(): ScannedBatch {
    const done = this.batch;
    // The ids are copied out of the columns every batch fills, at their own length, into a buffer of their own (one handed back, when there is one).
    if (done.ids !== undefined && this.sent !== undefined) done.ids = this.sent.column({ bytes: this.idBytes, ends: this.idEnds }, done.count, done.at, this.setup.spareIds);
    else if (done.ids !== undefined) done.ids = this.idsOf(done.count);
    this.batch = this.freshBatch();
    return done;
  }

  private idsOf(count: number): EventIdColumn {
    const size = count === 0 ? 0 : this.idEnds[count - 1]!;
    const column = idColumnIn(this.setup.spareIds, count, size);
    column.ends.set(this.idEnds.subarray(0, count));
    column.bytes.set(this.idBytes.subarray(0, size));
    return column;
  }
}

/** A file's chunks; a file that fails to read is left to the plain reader, which reports it. */
export async function* readable(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (e) {
    if (e instanceof Error && "code" in e) throw new NeedsFullParser("a file that cannot be read");
    throw e;
  }
}

function decode(buf: Buffer, from: number, to: number): string {
  try {
    return utf8.decode(buf.subarray(from, to));
  } catch {
    throw new NeedsFullParser("not UTF-8");
  }
}

/**
 * The columns whose quoted cells may hold commas (QuotedCells.commaColumns): those whose text is a key, looked up and
 * decoded by its bytes alone, so that a comma given back as another byte is found and given back again. A
 * `skip_rows:` column's cells are compared as the plain reader reads them, and a component's are a quantity: theirs
 * stay csv-parse's.
 */
function keyTextColumns(width: number, keys: readonly number[], skipped: readonly number[]): Uint8Array {
  const columns = new Uint8Array(width);
  for (const c of keys) if (c >= 0 && c < width) columns[c] = 1;
  for (const c of skipped) columns[c] = 0;
  return columns;
}

/** A file's `skip_rows:` columns, none where its header has none. */
function skipCellsOf(layout: Layout, setup: ScanSetup): SkipCells | undefined {
  return layout.skip === undefined ? undefined : new SkipCells(layout.skip, setup.file, setup.mapping);
}
