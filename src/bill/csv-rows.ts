import { parse, CsvError } from "csv-parse/sync";
import { csvParseError } from "../csv-errors.js";
import { UserError, shown } from "../errors.js";
import { BILL_LIMIT, readText } from "../inputs.js";

interface CsvRow {
  cells: string[];
  /** The file line the record ends on, as csv-parse counts it. */
  line: number;
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

/** A whole small CSV (a bill), UTF-8 checked, with errors at their line and column. */
export function readCsvTable(file: string): CsvTable {
  const text = readText(file, { limit: BILL_LIMIT, kind: "a bill CSV" });
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (e) {
    if (e instanceof CsvError) throw csvParseError(e, file);
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
