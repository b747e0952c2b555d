/**
 * The bytes that mean something to the readers of CSV as bytes (the row
 * scanner, row-scanner.ts, and the event ids' first pass, id-lines.ts), and
 * the tests both make of a stretch of bytes before reading its lines.
 */

export const COMMA = 44;
export const NEWLINE = 10;
const QUOTE = 34;
export const CR = 13;

/** A line longer than the readers take (MAX_RECORD_BYTES in read.ts) is theirs to report. */
export const MAX_LINE = 1 << 20;

/**
 * Whether `bytes` hold a quote or a carriage return, which only csv-parse
 * reads: looked for natively over the whole stretch, so that the loops over a
 * line's bytes need not test for them.
 */
export function quoteOrCr(bytes: Buffer): boolean {
  return bytes.indexOf(QUOTE) >= 0 || bytes.indexOf(CR) >= 0;
}

/**
 * Whether `bytes` hold a quote, or a carriage return that does not end a line (before its newline; the last
 * byte may be one, whose newline is the next stretch's first): a Windows export's CRLF lines are the row
 * scanner's, anything else with a CR csv-parse's.
 */
export function quoteOrStrayCr(bytes: Buffer): boolean {
  if (bytes.indexOf(QUOTE) >= 0) return true;
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
