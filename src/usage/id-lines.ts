import { closeSync, openSync, readSync } from "node:fs";
import { eventIdKey } from "../engine/event-ids.js";
import type { KeyRuns } from "./key-runs.js";
import { cellsOf, COMMA, CR, GiveUp, lineEnd, MAX_LINE, QUOTE } from "./csv-bytes.js";

/**
 * The rows' part of the event ids' first pass (id-screen.ts): a stretch of a
 * file's rows, read as bytes, each row's id key added and its timestamp's order
 * checked. Kept apart from the header's work (which needs the card) so that a
 * worker thread (screen-worker.ts) can read one half of the log's rows while the
 * main thread reads the other.
 */

/** A stretch of whole lines of a file's rows (no header), `[from, to)` in bytes, with where its cells are. */
export interface Segment {
  path: string;
  from: number;
  to: number;
  /** The event_id cell's index, the header's width, and the timestamp's index (NO_STAMP: no order is looked for). */
  column: number;
  width: number;
  stamp: number;
}

/** A segment's timestamp index where its rows' time order is not to be found from their text: they are taken as out of order. */
export const NO_STAMP = -1;

const STAMP = 20;
/** A stamp's 4-byte words. */
const WORDS = STAMP / 4;
const T = 84;
const Z = 90;

/** What a TimeOrder found, in a form a worker can post. */
export interface Order {
  ordered: boolean;
  /** The first and the last timestamp's bytes, when any was read. */
  first: Uint8Array | undefined;
  last: Uint8Array | undefined;
}

/**
 * Whether the rows so far are in time order, known from their bytes: every
 * timestamp a UTC one of the form `YYYY-MM-DDTHH:MM:SSZ`, whose order as text
 * is its order in time, none before the one before it. The last timestamp is
 * kept as five big-endian words, whose order as numbers is its bytes' order:
 * a row's stamp is compared a word at a time, and only the words that differ
 * from the last are looked at for a comma (the last's hold none), so a row
 * costs a few reads where a byte at a time cost most of the pass.
 */
export class TimeOrder {
  ordered = true;
  private readonly last = new Uint32Array(WORDS);
  private first: Uint8Array | undefined;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewOf: Buffer | undefined;

  /** The next row, `buf[start .. end)`, whose timestamp is in cell `column` (found from the line's start: it is usually first). */
  row(buf: Buffer, start: number, end: number, column: number): void {
    if (column === NO_STAMP) {
      this.ordered = false;
      return;
    }
    let from = start;
    for (let i = start; column > 0 && i < end; i++) if (buf[i] === COMMA && --column === 0) from = i + 1;
    const to = from + STAMP;
    if (column > 0 || to > end || (to < end && buf[to] !== COMMA) || buf[from + 10] !== T || buf[to - 1] !== Z) {
      this.ordered = false;
      return;
    }
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const view = this.view;
    const last = this.last;
    let w = 0;
    let word = 0;
    while (w < WORDS && (word = view.getUint32(from + 4 * w)) === last[w]) w++;
    if (w === WORDS) return;
    for (let i = from + 4 * w; i < to; i++) {
      if (buf[i] !== COMMA) continue;
      this.ordered = false;
      return;
    }
    if (this.first !== undefined && word < last[w]!) this.ordered = false;
    for (last[w++] = word; w < WORDS; w++) last[w] = view.getUint32(from + 4 * w);
    this.first ??= this.lastBytes();
  }

  found(): Order {
    return { ordered: this.ordered, first: this.first, last: this.first === undefined ? undefined : this.lastBytes() };
  }

  private lastBytes(): Uint8Array {
    const bytes = new Uint8Array(STAMP);
    const view = new DataView(bytes.buffer);
    for (let w = 0; w < WORDS; w++) view.setUint32(4 * w, this.last[w]!);
    return bytes;
  }
}

/** Whether rows found in order `a`, then rows found in order `b`, are in order together. */
function inOrder(a: Order, b: Order): boolean {
  if (!a.ordered || !b.ordered) return false;
  if (a.last === undefined || b.first === undefined) return true;
  return Buffer.compare(b.first, a.last) >= 0;
}

/** The order of rows found in order `a`, then rows found in order `b`. */
export function joinOrders(a: Order, b: Order): Order {
  return { ordered: inOrder(a, b), first: a.first ?? b.first, last: b.last ?? a.last };
}

/**
 * Pieces of the rows handed out to two threads as each is free for one: each
 * thread takes the next from a counter both share, so the faster (or the one
 * started first) reads more, and neither waits long for the other. Either may
 * stop both (a file the pass must leave to the readers).
 */
export class Claims {
  /** [the next piece to take, 1 once either thread gave up] */
  private readonly shared: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.shared = new Int32Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.shared.buffer as SharedArrayBuffer;
  }

  /** The next piece's index (past the last when none is left, or when either gave up). */
  take(): number {
    return Atomics.load(this.shared, 1) === 1 ? Number.MAX_SAFE_INTEGER : Atomics.add(this.shared, 0, 1);
  }

  giveUp(): void {
    Atomics.store(this.shared, 1, 1);
  }
}

/** Add the id keys of each piece this thread claims, each with its rows' order: the order of piece i at `orders[i]`, the others' left empty. */
export function screenClaimed(pieces: readonly Segment[], claims: Claims, keys: KeyRuns, buffer: Buffer): (Order | undefined)[] {
  const orders: (Order | undefined)[] = [];
  try {
    for (let i = claims.take(); i < pieces.length; i = claims.take()) orders[i] = screenPiece(pieces[i]!, keys, buffer);
  } catch (e) {
    claims.giveUp();
    throw e;
  }
  return orders;
}

/** Add the id keys of every row of a piece; the order of its rows. `buffer` is the read buffer (grown apart for a longer line). */
export function screenPiece(piece: Segment, keys: KeyRuns, buffer: Buffer): Order {
  let fd: number;
  try {
    fd = openSync(piece.path, "r");
  } catch {
    throw new GiveUp();
  }
  try {
    const order = new TimeOrder();
    new LineReader(fd, buffer, piece.from, piece.to).rows(piece, keys, order);
    return order.found();
  } finally {
    closeSync(fd);
  }
}

/** A stretch of a file's lines, read into one buffer (grown for a longer line). */
export class LineReader {
  private start = 0;
  private end = 0;
  private done = false;
  private watching = false;
  /** The next quote's offset in the buffer from `start` (the end of the bytes read for none), or -1 where it is to be looked for. */
  private quoteAt = -1;
  /** The file's offset of the next byte to read. */
  private position: number;

  /** `buf` is the caller's, filled from its start (a longer line grows this reader's own); the lines of `[from, to)` are read. */
  constructor(
    private readonly fd: number,
    private buf: Buffer,
    from: number,
    private readonly to: number,
  ) {
    this.position = from;
  }

  /** The header line's text (its byte-order mark dropped) and where the rows after it start in the file; undefined for an empty file. */
  header(): { text: string; rowsFrom: number } | undefined {
    const end = this.next();
    if (end < 0) return undefined;
    let from = this.start;
    if (this.buf[from] === 0xef && this.buf[from + 1] === 0xbb && this.buf[from + 2] === 0xbf) from += 3;
    // The buffer holds the file's bytes up to `position`, from offset `position - this.end`.
    return { text: this.buf.toString("utf8", from, end), rowsFrom: this.position - this.end + Math.min(end + 1, this.end) };
  }

  rows({ column, width, stamp }: Segment, keys: KeyRuns, order: TimeOrder): void {
    // The id cell is found from the nearer end of its line. Every reader refuses
    // a row of another width (the run stops with its error), so a row's commas
    // are counted from one end only; an empty line, which the readers skip, has no id.
    const after = width - 1 - column;
    this.watch();
    for (let end; (end = this.next()) >= 0; this.skip(end)) {
      const buf = this.buf;
      const start = this.start;
      if (this.quoteAt < start) this.quoteAt = this.nextQuote(start);
      if (this.quoteAt < end) {
        this.quotedRow(buf, start, end, { column, width, stamp }, keys, order);
        continue;
      }
      let cellStart = start, cellEnd = end;
      if (after < column) {
        let commas = after;
        let i = end - 1;
        for (; i >= start; i--) {
          if (buf[i] !== COMMA) continue;
          if (commas-- === 0) break;
          cellEnd = i;
        }
        if (i < start) continue;
        cellStart = i + 1;
      } else {
        let commas = column;
        let i = start;
        for (; i < end; i++) {
          if (buf[i] !== COMMA) continue;
          if (commas-- === 0) break;
          cellStart = i + 1;
        }
        if (commas > 0) continue;
        cellEnd = i;
      }
      if (cellEnd > cellStart) keys.add(eventIdKey(buf, cellStart, cellEnd));
      if (order.ordered && end > start) order.row(buf, start, end, stamp);
    }
  }

  /**
   * A row with a quote: its cells read from its start as csv-parse reads them (cellsOf), a quoted JSON column's commas
   * and doubled quotes within its cell (LiteLLM's `metadata`, as Postgres's COPY writes it; stop 57: the pass gave up
   * on every such spend log, and all its ids were remembered). Its id must be plain text; its timestamp is looked at
   * from its cell's first byte, where a quoted one reads as out of order.
   */
  private quotedRow(buf: Buffer, start: number, end: number, { column, width, stamp }: Pick<Segment, "column" | "width" | "stamp">, keys: KeyRuns, order: TimeOrder): void {
    let cell = 0;
    let idStart = 0, idEnd = 0, stampAt = -1;
    cellsOf(buf, start, end, (from, to, escaped) => {
      if (cell === column) {
        if (escaped) throw new GiveUp();
        idStart = from;
        idEnd = to;
      }
      if (cell === stamp) stampAt = from;
      cell++;
    });
    // A row of another width is refused by every reader, and the run stops with its error.
    if (cell !== width) return;
    if (idEnd > idStart) keys.add(eventIdKey(buf, idStart, idEnd));
    if (order.ordered) order.row(buf, Math.max(stampAt, start), end, stampAt < 0 ? NO_STAMP : 0);
  }

  /** The first quote at or after `from` among the bytes read, or the end of those bytes. */
  private nextQuote(from: number): number {
    const at = this.buf.indexOf(QUOTE, from);
    return at < 0 || at >= this.end ? this.end : at;
  }

  /** The end of the line at `start` (its newline, or the data's end), or -1 after the last. */
  private next(): number {
    for (;;) {
      const at = lineEnd(this.buf, this.start, this.end);
      if (at >= 0) return at;
      if (this.done) return this.start < this.end ? this.end : -1;
      this.fill();
    }
  }

  private skip(end: number): void {
    this.start = end + 1;
  }

  /** From here on, a carriage return anywhere is csv-parse's to read: looked for once over the bytes read, natively. */
  private watch(): void {
    this.watching = true;
    this.check(this.start);
  }

  private check(from: number): void {
    if (this.buf.subarray(from, this.end).indexOf(CR) >= 0) throw new GiveUp();
  }

  /** Move the unfinished line to the front, grow the buffer if it fills it, and read on. */
  private fill(): void {
    const rest = this.end - this.start;
    if (rest === this.buf.length) {
      if (rest > MAX_LINE) throw new GiveUp();
      const more = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(more, 0, this.start, this.end);
      this.buf = more;
    } else {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.start = 0;
    this.end = rest;
    this.quoteAt = -1;
    const read = readSync(this.fd, this.buf, rest, Math.min(this.buf.length - rest, this.to - this.position), this.position);
    this.position += read;
    this.end += read;
    if (read === 0) this.done = true;
    if (this.watching) this.check(rest);
    // indexOf past `end` would find stale bytes: the search is bounded by `end` in next().
  }
}
