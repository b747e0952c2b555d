import { NeedsFullParser } from "./plain-csv.js";
import { parseInstant, type Zone } from "../time.js";
import { sinceEpoch } from "./epoch-stamps.js";
import type { TimestampUnit } from "./mapping.js";

/**
 * The row scanner's timestamps, read from their bytes: a stamp the same as the
 * last row's is its instant again, a `...Z` stamp of the last one's minute is
 * that minute plus its seconds, an ISO-8601 stamp with seconds is its date's
 * midnight (worked out once a date) plus its time, and a local time's minute is
 * looked up in the zone once a minute (iso). Any other form is parsed as text,
 * as the plain reader parses it, which is also what every form read here is
 * held to (test/stamps69-bytes.test.ts).
 *
 * Instants not yet known are NaN, not undefined, and a row's instant is left
 * in a field (`at`), not returned: a field that only ever holds numbers keeps
 * its double in place, where one that may hold undefined, or a double returned
 * from a call, is a new object each time (one a row).
 */
export class StampReader {
  private readonly lastDay = new Uint8Array(10);
  private lastDayAt = NaN;
  /** The first 16 bytes of the last Zulu stamp read (through its minute), and that minute's instant. */
  private readonly minute = new Uint8Array(16);
  private minuteAt = NaN;
  private readonly lastStamp = new Uint8Array(64);
  private lastStampLength = -1;
  private lastAt = 0;
  /** The instant of the stamp read last. */
  at = 0;

  /** `unit`: the mapping's `timestamp_unit:`, where stamps are seconds or milliseconds since 1970, read as the plain reader reads them. */
  constructor(
    private readonly zone: Zone,
    private readonly unit?: TimestampUnit,
  ) {}

  /** Read the stamp `buf[from .. to)` into `at`. */
  read(buf: Buffer, from: number, to: number): void {
    this.at = this.instant(buf, from, to);
  }

  private instant(buf: Buffer, from: number, to: number): number {
    const length = to - from;
    if (length === 20 && !Number.isNaN(this.minuteAt)) {
      // The date, hour and minute of the last Zulu stamp (compared from the minute, which changes most): its minute plus these seconds.
      const minute = this.minute;
      let k = 15;
      while (k >= 0 && buf[from + k] === minute[k]) k--;
      if (k < 0 && buf[from + 16] === 58 && buf[from + 19] === 90) {
        const tens = buf[from + 17]! - 48, ones = buf[from + 18]! - 48;
        if (tens >= 0 && tens <= 5 && ones >= 0 && ones <= 9) return this.minuteAt + (tens * 10 + ones) * 1000;
      }
    }
    if (length === this.lastStampLength) {
      let same = true;
      for (let k = 0; k < length; k++) {
        if (buf[from + k] !== this.lastStamp[k]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastAt;
    }
    let at = this.unit === undefined ? this.iso(buf, from, length) : NaN;
    if (length === 20 && buf[from + 19] === 90 && !Number.isNaN(at)) this.keepMinute(buf, from, at);
    if (Number.isNaN(at)) at = this.parsed(ascii(buf, from, to, "a timestamp"));
    if (length <= this.lastStamp.length) {
      for (let k = 0; k < length; k++) this.lastStamp[k] = buf[from + k]!;
      this.lastStampLength = length;
    } else {
      this.lastStampLength = -1;
    }
    this.lastAt = at;
    return at;
  }

  private parsed(text: string): number {
    const parsed = this.unit === undefined ? parseInstant(text, this.zone) : sinceEpoch(text, this.unit);
    if (!parsed.ok) throw new NeedsFullParser("a timestamp the plain reader must judge");
    return parsed.at;
  }

  /**
   * An ISO-8601 stamp with its seconds, read from its bytes as parseInstant reads the text: its date's UTC
   * midnight (worked out by parseInstant, once a date) plus the time of day and the first three digits of a
   * fraction, less an offset where one is written. NaN for any other form, which is read as text. The forms
   * are those of exports that are not JavaScript's own: `T` or a space before the time (SQL, BigQuery), a
   * fraction of up to nine digits (Python's and BigQuery's microseconds), and `Z`, `UTC`, ` UTC`, `+00`,
   * `+0000` or `+00:00` after it (PostgreSQL, Python's isoformat). Where a stamp ran the text parser a row,
   * a log of `+00:00` stamps was read at about half the rows a second.
   */
  private iso(buf: Buffer, from: number, length: number): number {
    if (length < 19 || length > 35) return NaN;
    const separator = buf[from + 10];
    if ((separator !== T && separator !== SPACE) || buf[from + 13] !== COLON || buf[from + 16] !== COLON) return NaN;
    const hour = twoDigits(buf, from + 11), minute = twoDigits(buf, from + 14), second = twoDigits(buf, from + 17);
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return NaN;
    const end = from + length;
    let p = from + 19;
    let millis = 0;
    if (p < end && buf[p] === DOT) {
      const first = ++p;
      for (; p < end && isDigit(buf[p]!); p++) if (p - first < 3) millis += (buf[p]! - 48) * MILLIS_PLACE[p - first]!;
      if (p === first || p - first > 9) return NaN;
    }
    const offset = offsetMinutes(buf, p, end);
    if (Number.isNaN(offset)) return NaN;
    const day = this.dayAt(buf, from);
    if (Number.isNaN(day)) return NaN;
    const wall = day + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    if (offset !== LOCAL) return wall - offset * 60_000;
    const fixed = this.zone.fixedOffset;
    return fixed !== undefined ? wall - fixed * 60_000 : this.localAt(wall - second * 1000 - millis) + second * 1000 + millis;
  }

  /** The UTC midnight of the date at `from`, worked out once a date; NaN for no date parseInstant reads. */
  private dayAt(buf: Buffer, from: number): number {
    let sameDay = !Number.isNaN(this.lastDayAt);
    for (let k = 0; k < 10 && sameDay; k++) sameDay = buf[from + k] === this.lastDay[k];
    if (sameDay) return this.lastDayAt;
    const day = parseInstant(`${ascii(buf, from, from + 10, "a timestamp")}T00:00:00Z`, this.zone);
    if (!day.ok) return NaN;
    for (let k = 0; k < 10; k++) this.lastDay[k] = buf[from + k]!;
    return (this.lastDayAt = day.at);
  }

  /**
   * The instant of a local time's minute (`wall`, its :00 as if it were UTC) in the zone, worked out once a minute
   * where the zone's offset holds through it: fromLocal's answer for its first second and its last differ by 59
   * seconds. NaN where either is not one instant (a gap or an overlap), which the text parser then says, a row.
   */
  private localAt(wall: number): number {
    if (wall === this.localMinute) return this.localMinuteAt;
    const first = this.zone.fromLocal(wall);
    const last = this.zone.fromLocal(wall + 59_000);
    this.localMinute = wall;
    return (this.localMinuteAt = first.ok && last.ok && last.at - first.at === 59_000 ? first.at : NaN);
  }

  private localMinute = NaN;
  private localMinuteAt = NaN;

  /** Where the last stamp read by its bytes was a Zulu one of seconds alone: its date, hour and minute, for the next row's. */
  private keepMinute(buf: Buffer, from: number, at: number): void {
    // Copied byte by byte: a subarray to copy from would be an object a minute.
    for (let k = 0; k < 16; k++) this.minute[k] = buf[from + k]!;
    this.minuteAt = at - twoDigits(buf, from + 17) * 1000;
  }
}

const T = 84;
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const MINUS = 45;
/** What each of a fraction's first three digits is worth in milliseconds. */
const MILLIS_PLACE = [100, 10, 1];
/** offsetMinutes' answer for a stamp without an offset: a local time. */
const LOCAL = -1e9;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The offset written from `p` to `end`, in minutes east of UTC, as parseInstant reads it: none (LOCAL), `Z`, `z`,
 * `UTC` or ` UTC` (0), or a sign and two digits, then two more with or without a colon. NaN for anything else, an
 * offset past 23:59 among them, which the text parser refuses, naming it.
 */
function offsetMinutes(buf: Buffer, p: number, end: number): number {
  const length = end - p;
  if (length === 0) return LOCAL;
  const c = buf[p]!;
  if (length === 1) return c === 90 || c === 122 ? 0 : NaN;
  if (c === SPACE) return length === 4 && buf[p + 1] === 85 && buf[p + 2] === 84 && buf[p + 3] === 67 ? 0 : NaN;
  if (c === 85) return length === 3 && buf[p + 1] === 84 && buf[p + 2] === 67 ? 0 : NaN;
  if (c !== PLUS && c !== MINUS) return NaN;
  const hours = twoDigits(buf, p + 1);
  const minutes = length === 3 ? 0 : length === 5 ? twoDigits(buf, p + 3) : length === 6 && buf[p + 3] === COLON ? twoDigits(buf, p + 4) : NaN;
  if (!(hours <= 23 && minutes <= 59)) return NaN;
  return (c === MINUS ? -1 : 1) * (hours * 60 + minutes);
}

/** The number of two decimal digits at `at`, NaN when either is not one. */
function twoDigits(buf: Buffer, at: number): number {
  const tens = buf[at]! - 48, ones = buf[at + 1]! - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : NaN;
}

/** A cell that must be ASCII (a timestamp, a quantity), as text. */
export function ascii(buf: Buffer, from: number, to: number, what: string): string {
  for (let p = from; p < to; p++) if (buf[p]! >= 0x80) throw new NeedsFullParser(`${what} the plain reader must judge`);
  return buf.toString("latin1", from, to);
}
