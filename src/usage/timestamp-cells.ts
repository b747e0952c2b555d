import { createReadStream, statSync } from "node:fs";
import { openContent } from "./content.js";
import type { ColumnMapping } from "./mapping.js";

/**
 * A CSV file's timestamp cells, read again after the run for a note (field15-dated-days.ts, naive-times.ts): each
 * data row's cell, trimmed, with its line and whether it is the first row's, until `visit` says to stop. Nothing for
 * a pipe (a FIFO, `<(...)`: opened again it would wait for a writer that never comes), a file of another format, or
 * a header without the timestamp column. Only the timestamp cell of a line is cut out of it.
 */
export async function timestampCells(file: string, mapping: ColumnMapping, visit: (cell: string, line: number, first: boolean) => boolean): Promise<void> {
  if (!statSync(file).isFile()) return;
  const content = await openContent(createReadStream(file, { highWaterMark: 1 << 16 }));
  try {
    if (content.format !== "csv") return;
    let column = -1;
    let line = 0;
    let rows = 0;
    let rest = "";
    const take = (text: string): boolean => {
      line++;
      if (text === "") return true;
      if (column < 0) {
        const header = text.split(",").map((cell) => cell.replace(/^\uFEFF/, "").trim());
        column = header.indexOf(mapping.columns.timestamp ?? mapping.alternatives?.timestamp?.find((name) => header.includes(name)) ?? "timestamp");
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
