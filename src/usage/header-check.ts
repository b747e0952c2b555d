import { closeSync, openSync, readSync, statSync } from "node:fs";
import { constants, gunzipSync } from "node:zlib";
import type { RateCard } from "../ratecard/types.js";
import { readColumnsFor } from "./card-columns.js";
import { readHeader, type RowSample } from "./layout.js";
import { constantHeader } from "./read.js";
import type { ColumnMapping } from "./mapping.js";
import type { OtherAccounts } from "./account-column.js";

export interface HeaderCheck {
  card: RateCard;
  alsoReadBy?: readonly RateCard[];
  mappingFor(file: string): ColumnMapping;
  /** Where standard input's copy is, for `-`. */
  stdinCopy?: string;
  /** The account file's other accounts, if any: a header without an account column is refused (account-column.ts). */
  otherAccounts?: OtherAccounts;
}

/**
 * Every CSV usage file's header checked as the readers check it (readHeader), before any row is read: a column's typo
 * in the header of a month's 13th daily file was refused after twelve days were read, 20 to 70 s into the run
 * (newcomer51 #7). A header of plain cells, within a file's first 64 KiB (inflated, for a gzip), is checked here; any
 * other (a quoted cell, JSON Lines, Parquet, a file that cannot be read) is left to the readers, which say the same.
 * Told to no one: the readers tell what a header tells (a folder mapping's column a file lacks) as they read it.
 */
export function checkHeaders(files: readonly string[], check: HeaderCheck): void {
  const read = readColumnsFor(check.card, check.alsoReadBy, check.otherAccounts);
  for (const file of files) {
    const path = file === "-" ? check.stdinCopy : file;
    const head = path === undefined ? undefined : headOf(path);
    if (head === undefined) continue;
    const mapping = check.mappingFor(file);
    // As the readers read the header: with the mapping's fixed dimensions the card reads as columns after it.
    const constants = [...(mapping.constants ?? [])].filter(([name]) => read.names.has(name)).map(([name]) => name);
    readHeader(constantHeader(head.line.split(","), constants, file), file, mapping, read, undefined, () => blankColumns(head));
  }
}

const HEAD = 64 * 1024;

/**
 * A CSV file's first line as plain cells (no quote, no carriage return but its end), a byte-order mark aside, and the
 * whole lines after it within the head; undefined for any other.
 */
function headOf(path: string): { line: string; rows: () => string[]; whole: boolean } | undefined {
  let bytes: Buffer;
  let fd: number | undefined;
  let whole = false;
  try {
    // A pipe is read once, by the readers: opened here, its rows would be gone (or its writer waited for).
    if (!statSync(path).isFile()) return undefined;
    fd = openSync(path, "r");
    const head = Buffer.alloc(HEAD);
    bytes = head.subarray(0, readSync(fd, head, 0, HEAD, 0));
    whole = bytes.length < HEAD;
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const gzip = bytes;
      // Whole only where the stream ends as a gzip file ends: a cut one's last row may be cut too (red71b L2).
      try {
        bytes = whole ? gunzipSync(gzip) : gunzipSync(gzip, { finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        whole = false;
        bytes = gunzipSync(gzip, { finishFlush: constants.Z_SYNC_FLUSH });
      }
    }
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const end = bytes.indexOf(0x0a);
  if (end <= 0) return undefined;
  let text = bytes.subarray(0, end).toString("utf8");
  if (text.endsWith("\r")) text = text.slice(0, -1);
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  // JSON Lines or a JSON array, Parquet's magic, Excel's `sep=` line, a quoted cell, a lone carriage return, bytes
  // that are not UTF-8 (UTF-16 too): the readers' to judge, each as they do.
  if (text.trim() === "" || /^\s*[{[]/.test(text) || text.startsWith("PAR1") || /^sep=/i.test(text) || /["\r\uFFFD\u0000]/.test(text)) return undefined;
  // A row cut by the head's end is left out: its last cell, empty there, may not be in the file. Split only where a
  // header's error asks (a folder of daily files is checked file by file).
  const last = whole ? bytes.length : bytes.lastIndexOf(0x0a);
  const rows = () => bytes.subarray(end + 1, Math.max(end + 1, last)).toString("utf8").split("\n").map((row) => (row.endsWith("\r") ? row.slice(0, -1) : row)).filter((row) => row !== "");
  return { line: text, rows, whole };
}

/** The texts a database's export writes for no value: as good as an empty cell for telling retries apart (red71b M2). */
export const NO_VALUE = /^(null|\\n|n\/a|na|none|nil|nan|-)$/i;

/**
 * The columns blank on every row of the head (RowSample): none where a row has a quote, whose cells a split at
 * commas would not find, nor where the head has no whole row. A row of another width (one cut short, the file's
 * header again where two logs were joined) is no row of the header's (red71b L2).
 */
function blankColumns(head: { line: string; rows: () => string[]; whole: boolean }): RowSample | undefined {
  const header = head.line.split(",");
  const lines = head.rows();
  const rows = lines.filter((row) => row !== head.line).map((row) => row.split(",")).filter((cells) => cells.length === header.length);
  if (rows.length === 0 || rows.some((cells) => cells.some((cell) => cell.includes('"')))) return undefined;
  const blank = new Map<number, Set<string>>(header.map((_, i) => [i, new Set<string>()]));
  for (const cells of rows) cells.forEach((cell, i) => {
    const texts = blank.get(i);
    if (texts === undefined) return;
    const text = cell.trim();
    if (text === "" || NO_VALUE.test(text)) texts.add(text);
    else blank.delete(i);
  });
  return { rows: rows.length, whole: head.whole && rows.length === lines.length, blank: new Map([...blank].map(([i, texts]) => [i, [...texts]])) };
}
