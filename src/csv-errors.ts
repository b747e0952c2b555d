import { closeSync, openSync, readSync } from "node:fs";
import type { CsvError } from "csv-parse";
import { UserError, shown } from "./errors.js";

/**
 * A csv-parse error as a user error at its line and 1-based column (csv-parse
 * counts fields from 0), shared by every CSV reader so they all report alike.
 */
export function csvParseError(e: CsvError, file: string, maxRecordBytes?: number): UserError {
  const err = e as CsvError & { lines?: number; column?: number };
  const line = err.lines ?? 1;
  // Excel's `sep=,` line is one or two cells, so the header below it is "a row of the wrong width" on line 2.
  if (e.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" && line === 2) {
    const first = firstLineOf(file);
    if (first !== undefined && separatorHint(first.split(","))) return separatorHintError(file, first);
  }
  if (e.code === "CSV_MAX_RECORD_SIZE") return new UserError("row too long", { file, line, column: 1 }, `a row of at most ${maxRecordBytes} bytes`, "a longer row");
  // Standard input cannot be read again to see its first line: a narrow first line above a wider one is most often the hint.
  const hint = file === "-" && line === 2 && /expect [12],/.test(e.message) ? ` (a first line of one or two cells, such as Excel's "sep=," hint, is no header: delete it)` : "";
  return new UserError(`malformed CSV: ${e.message.replace(/^Invalid [^:]*: /, "").split(/[.:]/)[0]}`, { file, line, column: csvColumn(err) }, `RFC 4180 CSV${hint}`, e.code);
}

/**
 * csv-parse gives the 0-based index of the field it was reading, except for a row of
 * the wrong width, where it gives the row's field count: the column then is the first
 * missing field (too few) or the first extra one (too many).
 */
function csvColumn(err: CsvError & { column?: number }): number {
  const column = typeof err.column === "number" ? err.column : 0;
  if (err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
    const expected = /expect (\d+)/.exec(err.message)?.[1];
    if (expected !== undefined && column > Number(expected)) return Number(expected) + 1;
  }
  return column + 1;
}

/**
 * Whether a first row is Excel's separator hint (`sep=,`, `sep=;`), which Excel writes above the header
 * of a CSV it means to open again: no header, and not a row of usage or of a bill.
 */
export function separatorHint(cells: readonly string[]): boolean {
  return /^\uFEFF?sep=.?$/i.test(cells[0]?.trim() ?? "") && cells.slice(1).every((cell) => cell === "") && cells.length <= 2;
}

/** The separator hint refused at its line: what it is and how to remove it (burnrate reads the header from the first line). */
export function separatorHintError(file: string, line: string): UserError {
  const hint = line.replace(/^\uFEFF/, "").trim();
  const other = !/^sep=,?$/i.test(hint);
  return new UserError(
    `the first line is Excel's separator hint ${shown(hint)}, not a header`,
    { file, line: 1, column: 1 },
    `the header on the first line: delete the ${shown(hint)} line (sed -i 1d FILE)${other ? ", and save the file with commas" : ""}, or save the sheet as "CSV UTF-8 (Comma delimited)", which writes none`,
    shown(hint),
  );
}

/** A file's first line, from its first 256 bytes; undefined for standard input or a file that cannot be read again. */
function firstLineOf(file: string): string | undefined {
  if (file === "-") return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(256);
    const read = readSync(fd, head, 0, head.length, 0);
    return head.toString("utf8", 0, read).split(/\r?\n|\r/)[0];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
