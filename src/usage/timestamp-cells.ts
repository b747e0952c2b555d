import { createReadStream, statSync } from "node:fs";
import { openContent } from "./content.js";
import type { ColumnMapping } from "./mapping.js";
import { UNTOLD } from "./objects.js";
import { parquetRecords } from "./parquet-read.js";
import type { PlainRecord } from "./plain-csv.js";

/** A cell visited: its text, trimmed, its line (a Parquet file's row), and whether it is the first row's; false stops the reading. */
type Visit = (cell: string, line: number, first: boolean) => boolean;

/**
 * A usage file's timestamp cells, read again after the run for a note (field15-dated-days.ts, naive-times.ts): each
 * data row's cell, trimmed, with its line and whether it is the first row's, until `visit` says to stop. Nothing for
 * a pipe (a FIFO, `<(...)`: opened again it would wait for a writer that never comes), a file no reader reads, or a
 * header without the timestamp column. A CSV line has only its timestamp cell cut out of it, a JSON line only its
 * timestamp's field read, and a flat Parquet file only its timestamp column (newcomer, stop 41: a JSON Lines
 * export's times without an offset were read in the account's zone with no note, where the same rows as CSV had one).
 * With `within`, a later JSON line that holds none of its texts (dates) is passed over unread: its row's cell could
 * not be one `visit` looks at.
 */
export async function timestampCells(file: string, mapping: ColumnMapping, visit: Visit, within?: () => ReadonlySet<string>): Promise<void> {
  if (!statSync(file).isFile()) return;
  const content = await openContent(createReadStream(file, { highWaterMark: 1 << 16 }));
  try {
    // A row of objects unnested (`rows:`) has its time elsewhere than its line's own fields.
    if (content.format === "jsonl") return mapping.rows === undefined ? await jsonLineCells(content.chunks, mapping, visit, within) : undefined;
    // Parquet is read from its footer back, by path: not through a gzip.
    if (content.format === "parquet" && !content.compressed) return await recordCells(parquetRecords(file, { file, mapping, notes: UNTOLD, only: (header) => header[timestampColumn(header, mapping)] }), mapping, visit);
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

/**
 * A JSON Lines file's timestamp cells: each line's field at the timestamp column the first line has (ObjectRows'
 * header: the mapping's, else a layout's alternative, else `timestamp`), as text. Only that field is read, not the
 * line's record: a field first seen on a later line, which the run's reader takes where the card reads it, is no
 * matter here (red team, stop 41: the record refused it, and the note was lost).
 */
async function jsonLineCells(chunks: AsyncIterable<Buffer>, mapping: ColumnMapping, visit: Visit, within: (() => ReadonlySet<string>) | undefined): Promise<void> {
  const decoder = new TextDecoder();
  let path: string | undefined;
  let dates: string[] | undefined;
  let line = 0;
  let rest = "";
  const take = (text: string): boolean => {
    line++;
    const trimmed = text.trim();
    if (trimmed === "") return true;
    if (path !== undefined && within !== undefined && !(dates ??= [...within()]).some((date) => trimmed.includes(date))) return true;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return false;
    }
    if (value === null || typeof value !== "object") return false;
    const first = path === undefined;
    if (first) {
      const names = [mapping.columns.timestamp, ...(mapping.alternatives?.timestamp ?? []), "timestamp"].filter((name): name is string => name !== undefined);
      path = names.find((name) => fieldAt(value, name) !== undefined);
      // The first line's fields without the mapping's timestamp: the reader refused the file, or its column is another's.
      if (path === undefined || (mapping.columns.timestamp !== undefined && path !== mapping.columns.timestamp)) return false;
    }
    return visit(cellText(fieldAt(value, path!)), line, first);
  };
  for await (const chunk of chunks) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop()!;
    for (const text of lines) if (!take(text)) return;
  }
  if (rest !== "") take(rest);
}

/** A field of a parsed object by its dotted path, as flattening names it: a key of its own, or a path through objects. */
function fieldAt(value: unknown, path: string): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  if (Object.hasOwn(object, path)) return object[path];
  for (let dot = path.indexOf("."); dot > 0; dot = path.indexOf(".", dot + 1)) {
    const head = path.slice(0, dot);
    if (Object.hasOwn(object, head)) {
      const found = fieldAt(object[head], path.slice(dot + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A field's text as a cell holds it; only strings and numbers can be times. */
function cellText(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
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
