import { NeedsFullParser } from "./plain-csv.js";
import { parseInstant, type Zone } from "../time.js";
import { sinceEpoch } from "./epoch-stamps.js";
import type { TimestampUnit } from "./mapping.js";

/**
 * The row scanner's timestamps, read from their bytes: a stamp the same as the
 * last row's is its instant again, a `...Z` stamp of the last one's minute is
 * that minute plus its seconds, and a date is worked out once. Any other form
 * is parsed as text, as the plain reader parses it.
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
    let at = this.unit === undefined ? this.zulu(buf, from, length) : NaN;
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
   * `2026-10-14T09:30:00Z`, or with milliseconds as JavaScript's `toISOString()` writes them
   * (`2026-10-14T09:30:00.250Z`), read from its bytes, as parseInstant reads the text: the
   * date's midnight (worked out by parseInstant, once a date) plus the time of day. NaN for
   * any other form, which is read as text.
   */
  private zulu(buf: Buffer, from: number, length: number): number {
    const millis = length === 20 && buf[from + 19] === 90 ? 0 : length === 24 && buf[from + 19] === 46 && buf[from + 23] === 90 ? threeDigits(buf, from + 20) : NaN;
    if (Number.isNaN(millis) || buf[from + 10] !== 84 || buf[from + 13] !== 58 || buf[from + 16] !== 58) return NaN;
    const hour = twoDigits(buf, from + 11), minute = twoDigits(buf, from + 14), second = twoDigits(buf, from + 17);
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return NaN;
    let sameDay = !Number.isNaN(this.lastDayAt);
    for (let k = 0; k < 10 && sameDay; k++) sameDay = buf[from + k] === this.lastDay[k];
    if (!sameDay) {
      const day = parseInstant(`${ascii(buf, from, from + 10, "a timestamp")}T00:00:00Z`, this.zone);
      if (!day.ok) return NaN;
      for (let k = 0; k < 10; k++) this.lastDay[k] = buf[from + k]!;
      this.lastDayAt = day.at;
    }
    // Copied byte by byte: a subarray to copy from would be an object a minute.
    for (let k = 0; k < 16; k++) this.minute[k] = buf[from + k]!;
    this.minuteAt = this.lastDayAt + (hour * 60 + minute) * 60_000;
    return this.minuteAt + second * 1000 + millis;
  }
}

/** The number of three decimal digits at `at`, NaN when any is not one. */
function threeDigits(buf: Buffer, at: number): number {
  const hundreds = buf[at]! - 48;
  return hundreds >= 0 && hundreds <= 9 ? hundreds * 100 + twoDigits(buf, at + 1) : NaN;
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
