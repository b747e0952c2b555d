import { parse, CsvError } from "csv-parse/sync";
import { UserError, shown } from "../errors.js";
import { readText } from "../inputs.js";

export interface CsvRow {
  cells: string[];
  /** The file line the record ends on, as csv-parse counts it. */
  line: number;
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

/**
 * The 1-based column of a csv-parse error. csv-parse gives the 0-based index of the field it was
 * reading, except for a row of the wrong length, where it gives the row's field count: the column
 * then is the first missing field (too few) or the first extra one (too many).
 */
function csvErrorColumn(err: CsvError & { column?: number }): number {
  const column = typeof err.column === "number" ? err.column : 0;
  if (err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
    const expected = /expect (\d+)/.exec(err.message)?.[1];
    return expected !== undefined && column > Number(expected) ? Number(expected) + 1 : column + 1;
  }
  return column + 1;
}

/** A whole small CSV (a bill), UTF-8 checked, with errors at their line and column. */
export function readCsvTable(file: string): CsvTable {
  const text = readText(file);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (e) {
    if (e instanceof CsvError) {
      const err = e as CsvError & { lines?: number; column?: number };
      throw new UserError(`malformed CSV: ${e.message.replace(/^Invalid [^:]*: /, "").split(/[.:]/)[0]}`, { file, line: err.lines ?? 1, column: csvErrorColumn(err) }, "RFC 4180 CSV", e.code);
    }
    throw e;
  }
  const [head, ...rest] = records;
  if (!head) throw new UserError("empty file", { file, line: 1, column: 1 }, "a header row", "nothing");
  const seen = new Map<string, number>();
  head.record.forEach((name, i) => {
    if (name.trim() === "") throw new UserError("empty column name in header", { file, line: head.info.lines, column: i + 1 }, "a column name", "nothing");
    const first = seen.get(name);
    if (first !== undefined) throw new UserError(`duplicate column ${shown(name)}`, { file, line: head.info.lines, column: i + 1 }, "each column named once", `also column ${first + 1}`);
    seen.set(name, i);
  });
  return { header: head.record, rows: rest.map((r) => ({ cells: r.record, line: r.info.lines })) };
}
