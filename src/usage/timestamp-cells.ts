import { createReadStream, statSync } from "node:fs";
import { openContent } from "./content.js";
import { MAX_LINE } from "./csv-bytes.js";
import { jsonLineRecords } from "./json-lines.js";
import type { ColumnMapping } from "./mapping.js";
import { parquetRecords, type ObjectNotes } from "./objects.js";
import type { PlainRecord } from "./plain-csv.js";

/** A cell visited: its text, trimmed, its line (a Parquet file's row), and whether it is the first row's; false stops the reading. */
type Visit = (cell: string, line: number, first: boolean) => boolean;

/**
 * A usage file's timestamp cells, read again after the run for a note (field15-dated-days.ts, naive-times.ts): each
 * data row's cell, trimmed, with its line and whether it is the first row's, until `visit` says to stop. Nothing for
 * a pipe (a FIFO, `<(...)`: opened again it would wait for a writer that never comes), a file no reader reads, or a
 * header without the timestamp column. A CSV line has only its timestamp cell cut out of it; JSON Lines and Parquet
 * rows are the plain reader's records (newcomer, stop 41: a JSON Lines export's times without an offset were read in
 * the account's zone with no note, where the same rows as CSV had one).
 */
export async function timestampCells(file: string, mapping: ColumnMapping, visit: Visit): Promise<void> {
  if (!statSync(file).isFile()) return;
  const content = await openContent(createReadStream(file, { highWaterMark: 1 << 16 }));
  try {
    if (content.format === "jsonl") return await recordCells(jsonLineRecords(content.chunks, { file, mapping, notes: UNTOLD }, MAX_LINE), mapping, visit);
    // Parquet is read from its footer back, by path: not through a gzip.
    if (content.format === "parquet" && !content.compressed) return await recordCells(parquetRecords(file, { file, mapping, notes: UNTOLD }), mapping, visit);
    if (content.format !== "csv") return;
    let column = -1;
    let line = 0;
    let rows = 0;
    let rest = "";
    const take = (text: string): boolean => {
      line++;
      if (text === "") return true;
      if (column < 0) {
        column = timestampColumn(text.split(",").map((cell) => cell.replace(/^\uFEFF/, "").trim()), mapping);
        return column >= 0;
      }
      return visit(cellAt(text, column).trim(), line, rows++ === 0);
    };
    for await (const chunk of content.chunks) {
      const lines = (rest + chunk.toString("utf8")).split(/\r?\n/);
      rest = lines.pop()!;
      for (const text of lines) if (!take(text)) return;
    }
    if (rest !== "") take(rest);
  } finally {
    content.close();
  }
}

/** The header's timestamp column: the mapping's, else the first of a layout's alternatives there, else `timestamp`; -1 for none. */
function timestampColumn(header: readonly string[], mapping: ColumnMapping): number {
  return header.indexOf(mapping.columns.timestamp ?? mapping.alternatives?.timestamp?.find((name) => header.includes(name)) ?? "timestamp");
}

/** The timestamp cells of a file's records, the header the first of them. */
async function recordCells(batches: AsyncIterable<PlainRecord[]>, mapping: ColumnMapping, visit: Visit): Promise<void> {
  let column: number | undefined;
  let rows = 0;
  for await (const batch of batches) {
    for (const { record, line } of batch) {
      if (column === undefined) {
        column = timestampColumn(record, mapping);
        if (column < 0) return;
      } else if (!visit((record[column] ?? "").trim(), line, rows++ === 0)) return;
    }
  }
}

/** The run was told what the readers note of a file as they read it: read again, it is told nothing. */
const UNTOLD: ObjectNotes = { unquantified: () => {}, morePages: () => {}, uncounted: () => {} };

/** A line's cell at `column`, found by its commas, without splitting the rest of the line; a quoted cell unquoted. */
function cellAt(text: string, column: number): string {
  if (text.includes('"')) return quotedCellAt(text, column);
  let from = 0;
  for (let c = 0; c < column; c++) {
    const comma = text.indexOf(",", from);
    if (comma < 0) return "";
    from = comma + 1;
  }
  const end = text.indexOf(",", from);
  return end < 0 ? text.slice(from) : text.slice(from, end);
}

/** A line's cell at `column` where the line has quotes: a quoted cell's commas are its own, and its "" a quote (red team, stop 40). */
function quotedCellAt(text: string, column: number): string {
  let cell = "";
  let c = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      if (c === column) return cell;
      c++;
      cell = "";
    } else cell += ch;
  }
  return c === column ? cell : "";
}
