import { BYTES } from "../../output.js";
import { jsonString } from "./escape.js";

/**
 * JSON written straight into one reused buffer as UTF-8, for reports of
 * hundreds of MB (a statement of a hundred thousand accounts). Joined as
 * strings, their text was made three times over: pieces and the ropes joining
 * them, the flat copy the encoder asks for, and the bytes; the strings alone
 * were a quarter of the run's garbage. Here the fixed text of a template is
 * bytes made once (`bytes`), and a value's text is copied in as it is read.
 */
export class JsonBytes {
  private buf = Buffer.allocUnsafe(CHUNK + SLACK);
  private at = 0;

  /** Whether a chunk's worth is gathered: the writer gives it out (`take`) at the end of the item it was writing. */
  get full(): boolean {
    return this.at >= CHUNK;
  }

  /** The bytes so far, valid only until the next write: the buffer is written over again. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.at);
    this.at = 0;
    return out;
  }

  /** Where the next byte goes, for `since`. */
  get length(): number {
    return this.at;
  }

  /** A copy of what was written from `mark` on (within one item: `take` starts again at 0), to be written again by `raw`. */
  since(mark: number): Buffer {
    return Buffer.from(this.buf.subarray(mark, this.at));
  }

  /** Fixed text made by `bytes`. */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.at + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let at = this.at;
    // A call to set costs more than a short copy: most pieces are a key and its indent.
    if (n < 32) for (let i = 0; i < n; i++) buf[at++] = bytes[i]!;
    else {
      buf.set(bytes, at);
      at += n;
    }
    this.at = at;
  }

  /** Any JSON text: ASCII copied unit by unit (numbers, instants, keys), anything else encoded. */
  text(text: string): void {
    const n = text.length;
    if (this.at + 3 * n > this.buf.length) this.grow(3 * n);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.at += buf.write(text, this.at, "utf8");
        return;
      }
      buf[at++] = c;
    }
    this.at = at;
  }

  /**
   * A string as jsonString writes it. Most strings of a statement (meters,
   * projects, accounts) are printable ASCII, quoted as they are; any other
   * character, from a quote to a bidirectional mark, is left to jsonString.
   */
  string(text: string): void {
    const n = text.length;
    if (this.at + n + 2 > this.buf.length) this.grow(n + 2);
    const buf = this.buf;
    let at = this.at;
    buf[at++] = 34;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c === 34 || c === 92 || c >= 0x7f) return this.text(jsonString(text));
      buf[at++] = c;
    }
    buf[at++] = 34;
    this.at = at;
  }

  /**
   * A decimal.js value's digits as toFixed() writes them, quoted: no exponent,
   * no trailing zeros after the point. `words` is its `d` (base-10^7 words, the
   * first without leading zeros, not all zero) and `exponent` its `e`, where its
   * first digit stands. Most amounts of a statement are new values (a line's
   * sum): written from their words, no string is made for them.
   */
  decimal(words: readonly number[], exponent: number, negative: boolean): void {
    // The digits, then zeros to the point or from it, a sign, a point and quotes.
    const room = 7 * words.length + Math.abs(exponent) + 5;
    if (this.at + room > this.buf.length) this.grow(room);
    const digits = DIGITS.length < 7 * words.length ? (DIGITS = new Uint8Array(14 * words.length)) : DIGITS;
    let n = 0;
    for (let i = 0; i < words.length; i++) {
      let word = words[i]!;
      const width = i === 0 ? digitsOf(word) : 7;
      for (let k = n + width - 1; k >= n; k--) {
        digits[k] = 48 + (word % 10);
        word = Math.floor(word / 10);
      }
      n += width;
    }
    let significant = n;
    while (significant > 1 && digits[significant - 1] === 48) significant--;
    const buf = this.buf;
    let at = this.at;
    buf[at++] = 34;
    if (negative) buf[at++] = 45;
    const whole = exponent + 1;
    if (whole <= 0) {
      buf[at++] = 48;
      buf[at++] = 46;
      for (let k = whole; k < 0; k++) buf[at++] = 48;
      for (let k = 0; k < significant; k++) buf[at++] = digits[k]!;
    } else {
      for (let k = 0; k < whole; k++) buf[at++] = k < n ? digits[k]! : 48;
      if (significant > whole) {
        buf[at++] = 46;
        for (let k = whole; k < significant; k++) buf[at++] = digits[k]!;
      }
    }
    buf[at++] = 34;
    this.at = at;
  }

  /** `n`, a whole number from 0 to 10^width - 1, in `width` digits with leading zeros. */
  padded(n: number, width: number): void {
    if (this.at + width > this.buf.length) this.grow(width);
    const buf = this.buf;
    for (let k = this.at + width - 1; k >= this.at; k--) {
      buf[k] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at += width;
  }

  /** One ASCII character by its code. */
  byte(code: number): void {
    if (this.at + 1 > this.buf.length) this.grow(1);
    this.buf[this.at++] = code;
  }

  /** Room for `n` more bytes: an item longer than the rest of the buffer (a line of long dimensions) makes it larger. */
  private grow(n: number): void {
    const larger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + n));
    this.buf.copy(larger, 0, 0, this.at);
    this.buf = larger;
  }
}

/** The digits of a decimal being written, reused. */
let DIGITS = new Uint8Array(64);

/** Decimal digits of a word of 0 to 10^7 - 1 (the first word of a nonzero value is not 0). */
function digitsOf(word: number): number {
  return word < 10 ? 1 : word < 100 ? 2 : word < 1000 ? 3 : word < 10000 ? 4 : word < 100000 ? 5 : word < 1000000 ? 6 : 7;
}

/** Bytes a chunk gathers before it is given out: the report file writes in MiBs. */
const CHUNK = 1 << 20;
/** Room past a chunk for the item that fills it, so that a buffer seldom grows. */
const SLACK = 1 << 16;

/** Fixed text of a template, encoded once. */
export function bytes(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

/**
 * A report made as byte chunks (each valid until the next is asked for): a
 * report file writes them as they are, and anything else reads the same
 * report as strings, each chunk decoded (a chunk ends between items, never
 * inside a character).
 */
export function byteOutput(chunks: () => Iterable<Buffer>): Iterable<string> {
  return {
    [BYTES]: chunks,
    *[Symbol.iterator]() {
      for (const chunk of chunks()) yield chunk.toString("utf8");
    },
  } as Iterable<string>;
}
