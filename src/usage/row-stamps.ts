import { NeedsFullParser } from "./plain-csv.js";
import { parseInstant, type Zone } from "../time.js";

/**
 * The row scanner's timestamps, read from their bytes: a stamp the same as the
 * last row's is its instant again, a `...Z` stamp of the last one's minute is
 * that minute plus its seconds, and a date is worked out once. Any other form
 * is parsed as text, as the plain reader parses it.
 */
export class StampReader {
  private readonly lastDay = new Uint8Array(10);
  private lastDayAt: number | undefined;
  /** The first 16 bytes of the last Zulu stamp read (through its minute), and that minute's instant. */
  private readonly minute = new Uint8Array(16);
  private minuteAt: number | undefined;
  private readonly lastStamp = new Uint8Array(64);
  private lastStampLength = -1;
  private lastAt = 0;

  constructor(private readonly zone: Zone) {}

  instant(buf: Buffer, from: number, to: number): number {
    const length = to - from;
    if (length === 20 && this.minuteAt !== undefined) {
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
    const at = this.zulu(buf, from, length) ?? this.parsed(ascii(buf, from, to, "a timestamp"));
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
    const parsed = parseInstant(text, this.zone);
    if (!parsed.ok) throw new NeedsFullParser("a timestamp the plain reader must judge");
    return parsed.at;
  }

  /**
   * `2026-10-14T09:30:00Z` read from its bytes, as parseInstant reads the text:
   * the date's midnight (worked out by parseInstant, once a date) plus the time
   * of day. Undefined for any other form, which is read as text.
   */
  private zulu(buf: Buffer, from: number, length: number): number | undefined {
    if (length !== 20 || buf[from + 10] !== 84 || buf[from + 13] !== 58 || buf[from + 16] !== 58 || buf[from + 19] !== 90) return undefined;
    const digit = (i: number) => {
      const d = buf[from + i]! - 48;
      return d >= 0 && d <= 9 ? d : NaN;
    };
    const hour = digit(11) * 10 + digit(12), minute = digit(14) * 10 + digit(15), second = digit(17) * 10 + digit(18);
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return undefined;
    let sameDay = this.lastDayAt !== undefined;
    for (let k = 0; k < 10 && sameDay; k++) sameDay = buf[from + k] === this.lastDay[k];
    if (!sameDay) {
      const day = parseInstant(`${ascii(buf, from, from + 10, "a timestamp")}T00:00:00Z`, this.zone);
      if (!day.ok) return undefined;
      this.lastDay.set(buf.subarray(from, from + 10));
      this.lastDayAt = day.at;
    }
    this.minute.set(buf.subarray(from, from + 16));
    this.minuteAt = this.lastDayAt! + (hour * 60 + minute) * 60_000;
    return this.minuteAt + second * 1000;
  }
}

/** A cell that must be ASCII (a timestamp, a quantity), as text. */
export function ascii(buf: Buffer, from: number, to: number, what: string): string {
  for (let p = from; p < to; p++) if (buf[p]! >= 0x80) throw new NeedsFullParser(`${what} the plain reader must judge`);
  return buf.toString("latin1", from, to);
}
