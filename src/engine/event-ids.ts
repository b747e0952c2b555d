import type { Location } from "../errors.js";
import type { Instant } from "../time.js";

/** The most repeats a statement lists one by one; beyond it they are counted (events.duplicates) but not kept, so memory stays bounded. */
export const LISTED_DUPLICATES = 10_000;

const LINES_PER_FILE = 2 ** 32;
const FIRST_CAPACITY = 1 << 10;

/** A batch of rows' event ids as bytes: row i's id is `bytes[ends[i - 1] .. ends[i])` (from 0 for the first row), and an empty one is no id. */
export interface EventIdColumn {
  readonly bytes: Uint8Array;
  readonly ends: Int32Array;
}

/**
 * What a first pass over the whole log found (src/usage/id-screen.ts): whether
 * an id's key (eventIdKey) is on more than one row. An id whose key is on one
 * row only cannot repeat, so it need not be remembered; keys of distinct ids
 * that collide only keep a few more ids.
 */
export interface IdScreen {
  mayRepeat(key: number): boolean;
  /** The keys on more than one row, sorted: with none, no id of the log repeats. */
  readonly repeated: Float64Array;
  /** Whether every row's timestamp is a UTC one (`...Z`) no earlier than the row's before it, across the files in order. */
  readonly timeOrdered: boolean;
}


/** How the rule is applied: an id remembered for `window` milliseconds (undefined: the whole log), and a first pass's `screen` (undefined: every id may repeat). */
export interface EventIdRule {
  window?: number;
  screen?: IdScreen;
}

/** A row as the rule reads it: its id, its account, its meter (the row's own name: a meter, or the event that ends or lowers one) and where and when it is. */
export interface IdRow {
  readonly eventId: string | undefined;
  readonly account: string;
  readonly meter: string;
  readonly origin: Location | undefined;
  readonly at: Instant;
}

/** A scanned row as the rule reads it: row `index` of a batch's `ids`, on `line` of `source`. The known path reuses one. */
export interface ScannedIdRow {
  ids: EventIdColumn;
  index: number;
  account: string;
  meter: string;
  source: { origin(line: number): Location };
  line: number;
  at: Instant;
}

/** A repeated event_id and where its first and repeated rows are. */
export interface DuplicateEvent {
  eventId: string;
  meter: string;
  first: Location;
  repeat: Location;
  /** The repeat's instant and account: where it comes in the replay's order (canonical-order.ts), which statements replayed in parts are merged by. */
  at: Instant;
  account: string;
}

/**
 * The event_id rule, in one place: a row whose id was seen on an earlier row
 * of the same account and meter is a repeat, counted as a duplicate and never
 * priced; a row without an id is never one. An id is its account's own, as an
 * idempotency key is an API account's: two customers' logs numbering their
 * events alike (`1`, `2`, ...) are two events each, not one lost. It is its
 * meter's own too: an export that writes one request as a row a meter (input
 * tokens, output tokens) under the request's id writes parts of one event,
 * not a retry, and a retry repeats each of them. "Earlier" is the replay's order: time, then the canonical order
 * of one instant's events. With a dedupe window (`--dedupe-window`), an id is
 * remembered for the window from the row that made it known, as payment APIs
 * keep an idempotency key: a row past that is priced as a new event, and its id
 * is known afresh from it. The replay applies the rule; reconcile applies it
 * again, in that order, to learn which bill lines the repeats belong to.
 *
 * Ids are kept as 127-bit fingerprints of their UTF-8 bytes and then their
 * account's and their meter's (four 32-bit lanes, each its own multiplier, mixed at
 * the end; one bit marks a used slot)
 * in an open-addressing table of typed arrays, with where each was first seen
 * (the file's index among the files seen, and the line) as one number, so a
 * repeat still names both rows: 24 bytes a slot, 32 with a window. Two distinct
 * ids of n share a fingerprint with odds about n^2 / 2^128: 7e-24 for 50
 * million ids. With a window, ids past it are dropped whenever the table
 * fills, so it holds the ids of one window, not of the whole log.
 */
export class SeenEventIds {
  private keys = new Int32Array(4 * FIRST_CAPACITY);
  private firstRow = new Float64Array(FIRST_CAPACITY);
  /** When each id became known: only with a window. */
  private knownAt: Float64Array | undefined;
  private size = 0;
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();

  private readonly window: number | undefined;
  private readonly screen: IdScreen | undefined;

  constructor(rule: EventIdRule = {}) {
    this.window = rule.window;
    this.screen = rule.screen;
    if (rule.window !== undefined) this.knownAt = new Float64Array(FIRST_CAPACITY);
  }

  /** Whether the row's id repeats an earlier row's of its account and meter; if not, it is now known from this row. */
  repeats(row: Omit<IdRow, "origin">): boolean {
    return this.firstSeen({ eventId: row.eventId, account: row.account, meter: row.meter, origin: undefined, at: row.at }) !== undefined;
  }

  /** Where the row's id was first seen in its account and meter, when the row repeats it; if it does not, the id is now known from the row's origin. */
  firstSeen(row: IdRow): Location | undefined {
    const { eventId, account, meter, origin, at } = row;
    if (eventId === undefined || blankText(eventId) || this.screen?.repeated.length === 0) return undefined;
    const length = utf8Of(eventId);
    if (this.once(scratch, 0, length)) return undefined;
    printBytes(scratch, 0, length);
    printOwner(account, meter);
    const slot = this.slot();
    if (this.repeatsAt(slot, at)) return this.locationOf(this.firstRow[slot]!);
    this.know(slot, origin === undefined ? 0 : this.encode(origin.file, origin.line), at);
    return undefined;
  }

  /** Whether a row of this id may repeat an earlier row's: it has one, and the first pass did not find it on one row only. Changes nothing. */
  mayRepeat(eventId: string | undefined): boolean {
    if (eventId === undefined || blankText(eventId) || this.screen?.repeated.length === 0) return false;
    return !this.once(scratch, 0, utf8Of(eventId));
  }

  /** Whether row `i` of `ids`, of `account` and `meter`, would repeat an earlier row's id at `at`. Changes nothing. */
  rowRepeats(ids: EventIdColumn, i: number, owner: { account: string; meter: string }, at: Instant): boolean {
    if (this.screen?.repeated.length === 0) return false;
    const from = i === 0 ? 0 : ids.ends[i - 1]!;
    if (blankBytes(ids.bytes, from, ids.ends[i]!) || this.once(ids.bytes, from, ids.ends[i]!)) return false;
    printBytes(ids.bytes, from, ids.ends[i]!);
    printOwner(owner.account, owner.meter);
    return this.repeatsAt(this.slot(), at);
  }

  /** Know a scanned row's id from the row, which rowRepeats found new. */
  knowRow(row: ScannedIdRow): void {
    if (this.screen?.repeated.length === 0) return;
    const { ids, index: i } = row;
    const from = i === 0 ? 0 : ids.ends[i - 1]!;
    // Where it is is asked only of an id that may repeat: most ids are on one row.
    if (blankBytes(ids.bytes, from, ids.ends[i]!) || this.once(ids.bytes, from, ids.ends[i]!)) return;
    printBytes(ids.bytes, from, ids.ends[i]!);
    printOwner(row.account, row.meter);
    const origin = row.source.origin(row.line);
    this.know(this.slot(), this.encode(origin.file, origin.line), row.at);
  }

  /** Whether the first pass found the id of these bytes on one row only: never a repeat, never remembered. Its key is cheaper than the fingerprint. */
  private once(bytes: Uint8Array, from: number, to: number): boolean {
    return this.screen !== undefined && !this.screen.mayRepeat(eventIdKey(bytes, from, to));
  }

  /** The slot holding the fingerprint in PRINT, or the empty one where it would go. */
  private slot(): number {
    const keys = this.keys;
    const mask = this.firstRow.length - 1;
    const p0 = PRINT[0]!, p1 = PRINT[1]!, p2 = PRINT[2]!, p3 = PRINT[3]!;
    for (let slot = p0 & mask; ; slot = (slot + 1) & mask) {
      const offset = slot * 4;
      const k3 = keys[offset + 3]!;
      if (k3 === 0 || (k3 === p3 && keys[offset] === p0 && keys[offset + 1] === p1 && keys[offset + 2] === p2)) return slot;
    }
  }

  private repeatsAt(slot: number, at: Instant): boolean {
    if (this.keys[slot * 4 + 3] === 0) return false;
    return this.knownAt === undefined || at - this.knownAt[slot]! <= this.window!;
  }

  /** The fingerprint in PRINT is known from `position` at `at` (a slot past its window is taken over). */
  private know(slot: number, position: number, at: Instant): void {
    const offset = slot * 4;
    if (this.keys[offset + 3] === 0) {
      this.keys.set(PRINT, offset);
      this.size++;
    }
    this.firstRow[slot] = position;
    if (this.knownAt !== undefined) this.knownAt[slot] = at;
    if (this.size * 4 > this.firstRow.length * 3) this.makeRoom(at);
  }

  /** A table three-quarters full is rebuilt: without the ids past their window (no later row can repeat them), and twice as large if still over a third full. */
  private makeRoom(at: Instant): void {
    const { keys, firstRow, knownAt } = this;
    const keep = (slot: number) => keys[slot * 4 + 3] !== 0 && (knownAt === undefined || at - knownAt[slot]! <= this.window!);
    let kept = 0;
    for (let slot = 0; slot < firstRow.length; slot++) if (keep(slot)) kept++;
    const capacity = kept * 3 > firstRow.length ? firstRow.length * 2 : firstRow.length;
    this.keys = new Int32Array(4 * capacity);
    this.firstRow = new Float64Array(capacity);
    this.knownAt = knownAt === undefined ? undefined : new Float64Array(capacity);
    this.size = kept;
    for (let slot = 0; slot < firstRow.length; slot++) {
      if (!keep(slot)) continue;
      PRINT.set(keys.subarray(slot * 4, slot * 4 + 4));
      const moved = this.slot();
      this.keys.set(PRINT, moved * 4);
      this.firstRow[moved] = firstRow[slot]!;
      if (this.knownAt !== undefined) this.knownAt[moved] = knownAt![slot]!;
    }
  }

  /** Line and file in one safe integer: up to 2^32 lines a file, far beyond any log. */
  private encode(file: string, line: number): number {
    let fileNumber = this.fileIndex.get(file);
    if (fileNumber === undefined) {
      fileNumber = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, fileNumber);
    }
    return fileNumber * LINES_PER_FILE + line;
  }

  private locationOf(position: number): Location {
    const fileNumber = Math.floor(position / LINES_PER_FILE);
    return { file: this.files[fileNumber] ?? "", line: position - fileNumber * LINES_PER_FILE, column: 1 };
  }
}

/** The fingerprint last computed, reused: no allocation a row. */
const PRINT = new Int32Array(4);
const encoder = new TextEncoder();

/**
 * An id's key for the first pass (IdScreen), a safe integer: the first 53 bits
 * of its fingerprint (the first lane and the second's top 21 bits), worked out
 * from those two lanes alone.
 */
export function eventIdKey(bytes: Uint8Array, from: number, to: number): number {
  let h0 = LANE0, h1 = LANE1;
  for (let i = from; i < to; i++) {
    const byte = bytes[i]!;
    h0 = Math.imul(h0 ^ byte, 0x01000193);
    h0 ^= h0 >>> 15;
    h1 = Math.imul(h1 ^ byte, 0x5bd1e995);
    h1 ^= h1 >>> 13;
  }
  const length = to - from;
  h0 = avalanche(h0 ^ length) >>> 0;
  h1 = avalanche(h1 ^ Math.imul(length, 0x9e3779b1)) >>> 11;
  return h0 * KEY_LOW + h1;
}

const LANE0 = 0x811c9dc5 | 0, LANE1 = 0x9747b28c | 0;

/** 2^21: the key's low part is the second lane's top 21 bits. */
const KEY_LOW = 2 ** 21;

/** Fingerprint an id's UTF-8 bytes into PRINT. */
function printBytes(bytes: Uint8Array, from: number, to: number): void {
  PRINT.set(SEED);
  absorb(bytes, from, to);
}

/**
 * Fold an account's and then a meter's UTF-8 bytes into PRINT (the id's, already finished with its length; each part
 * is finished with its own, so no two pairs run together): the same id in another account or of another meter is another fingerprint.
 */
function printOwner(account: string, meter: string): void {
  ACCOUNT.absorb(account);
  METER.absorb(meter);
}

/** The last string folded in as one part of the owner, kept as bytes: a log's rows come account after account of few accounts, or one, and of a few meters. */
class LastPart {
  private last: string | undefined;
  private bytes = new Uint8Array(64);
  private length = 0;

  absorb(text: string): void {
    if (text !== this.last) {
      if (text.length * 3 > this.bytes.length) this.bytes = new Uint8Array(text.length * 3);
      this.length = encoder.encodeInto(text, this.bytes).written;
      this.last = text;
    }
    absorb(this.bytes, 0, this.length);
  }
}

const ACCOUNT = new LastPart();
const METER = new LastPart();

/** Each byte into the four lanes of PRINT, then the lanes finished with the bytes' length. */
function absorb(bytes: Uint8Array, from: number, to: number): void {
  let h0 = PRINT[0]!, h1 = PRINT[1]!, h2 = PRINT[2]!, h3 = PRINT[3]!;
  for (let i = from; i < to; i++) {
    const byte = bytes[i]!;
    h0 = Math.imul(h0 ^ byte, 0x01000193);
    h0 ^= h0 >>> 15;
    h1 = Math.imul(h1 ^ byte, 0x5bd1e995);
    h1 ^= h1 >>> 13;
    h2 = Math.imul(h2 ^ byte, 0x85ebca6b);
    h2 ^= h2 >>> 16;
    h3 = Math.imul(h3 ^ byte, 0xc2b2ae35);
    h3 ^= h3 >>> 11;
  }
  finish(h0, h1, h2, h3, to - from);
}

const SEED = Int32Array.of(LANE0, LANE1, 0x3c6ef372 | 0, 0x5be0cd19 | 0);

/** A string's UTF-8 bytes, written over for each id: no allocation an event. */
let scratch = new Uint8Array(256);

/** Write a string's UTF-8 bytes into `scratch` (the scanner's ids and the events' must meet as bytes); their length. */
function utf8Of(id: string): number {
  // A UTF-16 unit is at most 3 bytes of UTF-8.
  if (id.length * 3 > scratch.length) scratch = new Uint8Array(id.length * 3);
  return encoder.encodeInto(id, scratch).written;
}

function finish(h0: number, h1: number, h2: number, h3: number, length: number): void {
  PRINT[0] = avalanche(h0 ^ length);
  PRINT[1] = avalanche(h1 ^ Math.imul(length, 0x9e3779b1));
  PRINT[2] = avalanche(h2 + length);
  // The low bit set: a used slot is never all zeros.
  PRINT[3] = avalanche(h3 - length) | 1;
}

/** murmur3's finalizer: every bit of the lane moves every bit of the result. */
function avalanche(lane: number): number {
  lane ^= lane >>> 16;
  lane = Math.imul(lane, 0x85ebca6b);
  lane ^= lane >>> 13;
  lane = Math.imul(lane, 0xc2b2ae35);
  return lane ^ (lane >>> 16);
}

/**
 * An id of spaces and tabs alone, or empty, is no id: an export that writes an empty cell as a space made every such
 * row a repeat of the first, dropped without a word (red51 #7). The first byte decides for nearly every id.
 */
function blankBytes(bytes: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (bytes[k] !== 0x20 && bytes[k] !== 0x09) return false;
  return true;
}

/** `blankBytes` of an id read as text. */
function blankText(id: string): boolean {
  for (let k = 0; k < id.length; k++) if (id.charCodeAt(k) !== 0x20 && id.charCodeAt(k) !== 0x09) return false;
  return true;
}

/** Whether rows `i` of `a` and `j` of `b` carry the same id (both having one). */
export function sameEventId(a: EventIdColumn, i: number, b: EventIdColumn, j: number): boolean {
  const fa = i === 0 ? 0 : a.ends[i - 1]!, fb = j === 0 ? 0 : b.ends[j - 1]!;
  const n = a.ends[i]! - fa;
  if (n !== b.ends[j]! - fb || blankBytes(a.bytes, fa, fa + n)) return false;
  for (let k = 0; k < n; k++) if (a.bytes[fa + k] !== b.bytes[fb + k]) return false;
  return true;
}

/** Repeats as a statement lists them: the first LISTED_DUPLICATES, and how many more there were. */
export class DuplicateList {
  private readonly listed: DuplicateEvent[] = [];
  private omitted = 0;
  /**
   * Every repeat counted by its file and its first row's file: a day exported twice is one file's rows repeating
   * another's, which the first LISTED_DUPLICATES, a log's retries within its files, need not show (newcomer51 #4). A
   * key a pair of files, never a row.
   */
  private readonly pairs = new Map<string, RepeatsByFiles>();

  add(entry: DuplicateEvent): void {
    if (this.listed.length < LISTED_DUPLICATES) this.listed.push(entry);
    else this.omitted++;
    const key = `${entry.repeat.file}\u0000${entry.first.file}`;
    const pair = this.pairs.get(key);
    if (pair === undefined) this.pairs.set(key, { repeat: entry.repeat.file, first: entry.first.file, duplicates: 1, since: entry });
    else pair.duplicates++;
  }

  result(): { listed: DuplicateEvent[]; omitted: number; byFiles: RepeatsByFiles[] } {
    return { listed: this.listed, omitted: this.omitted, byFiles: [...this.pairs.values()] };
  }
}

/** How many repeats are rows of file `repeat` whose ids first came on rows of file `first` (the same file for retries within it). */
export interface RepeatsByFiles {
  readonly repeat: string;
  readonly first: string;
  duplicates: number;
  /** The pair's first repeat: pairs are in the order of theirs. */
  readonly since: { readonly at: Instant; readonly account: string };
}
