import type { CsvError } from "csv-parse";
import { UserError } from "./errors.js";

/**
 * A csv-parse error as a user error at its line and 1-based column (csv-parse
 * counts fields from 0), shared by every CSV reader so they all report alike.
 */
export function csvParseError(e: CsvError, file: string, maxRecordBytes?: number): UserError {
  const err = e as CsvError & { lines?: number; column?: number };
  const line = err.lines ?? 1;
  if (e.code === "CSV_MAX_RECORD_SIZE") return new UserError("row too long", { file, line, column: 1 }, `a row of at most ${maxRecordBytes} bytes`, "a longer row");
  return new UserError(`malformed CSV: ${e.message.replace(/^Invalid [^:]*: /, "").split(/[.:]/)[0]}`, { file, line, column: csvColumn(err) }, "RFC 4180 CSV", e.code);
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
