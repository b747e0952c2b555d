/**
 * The bytes that mean something to the readers of CSV as bytes (the row
 * scanner, row-scanner.ts, and the event ids' first pass, id-lines.ts), and
 * the tests both make of a stretch of bytes before reading its lines.
 */

export const COMMA = 44;
export const NEWLINE = 10;
const QUOTE = 34;
const CR = 13;

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

/** The end of the line from `from` (its newline) within `[from, to)`, or -1 when it goes on past `to`. */
export function lineEnd(buf: Buffer, from: number, to: number): number {
  const at = buf.indexOf(NEWLINE, from);
  return at >= 0 && at < to ? at : -1;
}
