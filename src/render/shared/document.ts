import type { ChalkInstance } from "chalk";
import Table from "cli-table3";
import { markdownText, visible } from "./escape.js";
import { plainTable, type PlainTable } from "./plain-table.js";

/**
 * A report as a list of blocks, written once and rendered either for a
 * terminal or as Markdown, so the two views cannot disagree. Every text in a
 * block may hold values from the data: each view escapes them (control
 * characters on a terminal, table syntax and HTML in Markdown), so a fact that
 * spans several lines is given as a list of lines, never with "\n" inside.
 */
export type Block =
  | { kind: "heading"; level: 1 | 2; text: string }
  | { kind: "facts"; rows: readonly (readonly [string, FactValue])[] }
  | {
      kind: "table";
      title?: string;
      head: readonly string[];
      align: readonly ("left" | "right")[];
      rows: readonly (readonly string[])[];
      emphasis?: readonly number[];
      /** Widest a column may be on a terminal before its text wraps (long dimension lists). */
      maxWidths?: readonly (number | null)[];
      /**
       * The same rows in a shorter form (a run-out instant without the year its row's start gives),
       * drawn on a terminal only when the rows as they are fit its width no other way than by
       * wrapping a cell: a date split from its time reads worse than a date without its year.
       */
      tight?: readonly (readonly string[])[];
    }
  | { kind: "note"; text: string };

/** A fact's value: one line, or several shown one under the other. */
export type FactValue = string | readonly string[];

function factLines(value: FactValue): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/** Tables fit this many columns, or the terminal's width when it is wider. */
const TABLE_WIDTH = 100;

/** The width tables may take: the terminal's columns when it is wider, else TABLE_WIDTH. */
export function terminalWidth(terminal: { columns: number } | undefined): number {
  return terminal === undefined ? TABLE_WIDTH : Math.max(TABLE_WIDTH, terminal.columns);
}

/** `lineWidth`, when given, is what every table and fact is wrapped to fit (at spaces; a word longer than a line, after a slash or cut). */
export function toTerminal(blocks: Iterable<Block>, color: ChalkInstance, lineWidth?: number): string {
  return [...terminalChunks(blocks, color, lineWidth)].join("");
}

/** toTerminal in pieces, block by block as they come: a statement of many accounts is never one string. */
export function* terminalChunks(blocks: Iterable<Block>, color: ChalkInstance, lineWidth?: number): Generator<string> {
  let next = "";
  for (const b of blocks) {
    const out = terminalLines(b, color, lineWidth);
    if (out.length === 0) continue;
    yield next + out.join("\n");
    next = "\n";
  }
  yield "\n";
}

function terminalLines(b: Block, color: ChalkInstance, lineWidth: number | undefined): string[] {
  const out: string[] = [];
  switch (b.kind) {
    case "heading":
      out.push(b.level === 1 ? color.bold(visible(b.text)) : `\n${color.bold.underline(visible(b.text))}`);
      break;
    case "facts": {
      const width = Math.max(...b.rows.map(([k]) => visible(k).length));
      const room = lineWidth === undefined ? undefined : lineWidth - width - 4;
      for (const [k, v] of b.rows) out.push(`  ${color.dim(visible(k).padEnd(width))}  ${factLines(v).map(visible).flatMap((l) => wrapWords(l, room)).join(`\n  ${" ".repeat(width)}  `)}`);
      break;
    }
    case "table": {
      if (b.title) out.push(`  ${color.bold(visible(b.title))}`);
      out.push(drawTable(b, color, TABLE_ROWS, lineWidth));
      break;
    }
    case "note":
      out.push(...wrapWords(visible(b.text), lineWidth === undefined ? undefined : lineWidth - 2).map((l) => `  ${color.yellow(l)}`));
      break;
  }
  return out;
}

/**
 * A line broken at spaces into lines of at most `room` characters. A word longer than the room (a
 * usage or scenario file's path, deep in a clone) is broken after a slash where it can, else cut.
 */
function wrapWords(line: string, room: number | undefined): string[] {
  if (room === undefined || line.length <= room) return [line];
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (word.length > room) {
      // Its pieces go on lines of their own: joined to a neighbour by a space, a path would read as two.
      if (current !== "") out.push(current);
      const split = pieces(word, room);
      out.push(...split.slice(0, -1));
      current = split[split.length - 1]!;
    } else if (current !== "" && current.length + 1 + word.length > room) {
      out.push(current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  return [...out, current];
}

/** A word in pieces of at most `room` characters, each ending after a slash where one falls in it. */
function pieces(word: string, room: number): string[] {
  const out: string[] = [];
  let rest = word;
  while (rest.length > room) {
    const slash = rest.lastIndexOf("/", room - 1);
    const cut = slash > 0 ? slash + 1 : room;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

type TableBlock = Extract<Block, { kind: "table" }>;

/** Rows laid out per cli-table3 table: its layout takes time growing with the square of the rows. */
const TABLE_ROWS = 100;

/**
 * A table block for a terminal. A statement of a large log has tens of thousands
 * of lines, so the rows are drawn in tables of TABLE_ROWS, all with the widths the
 * whole table would have: the tables are borderless, so together they print
 * exactly as one would.
 */
export function drawTable(block: TableBlock, color: ChalkInstance, rowsPerTable = TABLE_ROWS, width?: number): string {
  // A statement of many accounts draws the same small tables over and over (a cycle's credits, its money):
  // laying one out takes cli-table3 a tenth of a millisecond, so each is drawn once while the cache stays small.
  if (block.rows.length > CACHED_ROWS) return layOut(block, color, rowsPerTable, width);
  const key = JSON.stringify([block.head, block.align, block.rows, block.emphasis, block.maxWidths, block.tight, color.level, rowsPerTable, width]);
  let text = DRAWN.get(key);
  if (text === undefined) {
    if (DRAWN.size >= 1024) DRAWN.clear();
    DRAWN.set(key, (text = layOut(block, color, rowsPerTable, width)));
  }
  return text;
}

/** Tables of more rows than this are seldom drawn twice. */
const CACHED_ROWS = 8;
const DRAWN = new Map<string, string>();

function layOut(block: TableBlock, color: ChalkInstance, rowsPerTable: number, width: number | undefined): string {
  const laid = laidOut(block, color, width);
  return plainTable(laid) ?? cliTable(laid, rowsPerTable);
}

/** A table block as both layouts take it: escaped, emphasised, and its widths where the block or the terminal sets them. */
export function laidOut(block: TableBlock, color: ChalkInstance, width: number | undefined): PlainTable {
  // Escaped before colour and layout: widths are measured on what the terminal shows.
  const escaped = (rows: readonly (readonly string[])[]) => rows.map((row) => row.map(visible));
  let b = { ...block, head: block.head.map(visible), rows: escaped(block.rows) };
  if (block.tight !== undefined && width !== undefined && !cellsFit(b, width)) b = { ...b, rows: escaped(block.tight) };
  return {
    head: b.head.map((h) => color.bold(h)),
    rows: b.rows.map((row, i) => (b.emphasis?.includes(i) ? row.map((c) => color.bold(c)) : [...row])),
    align: b.align,
    widths: width !== undefined ? narrowed(b, width) : b.maxWidths ? fitWidths(b) : undefined,
    wrap: b.maxWidths !== undefined || width !== undefined,
  };
}

/** The table as cli-table3 draws it, in tables of `rowsPerTable` rows, each line without its trailing spaces. */
export function cliTable(t: PlainTable, rowsPerTable: number): string {
  const draw = (part: readonly (readonly string[])[], withHead: boolean, colWidths: readonly number[] | undefined) => {
    const table = new Table({
      ...(withHead ? { head: [...t.head] } : {}),
      colAligns: [...t.align],
      ...(colWidths ? { colWidths: [...colWidths] } : {}),
      ...(t.wrap ? { wordWrap: true, wrapOnWordBoundary: true } : {}),
      style: { head: [], border: [], "padding-left": 1, "padding-right": 1, compact: true },
      chars: { top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "", left: " ", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "" },
    });
    table.push(...part.map((row) => [...row]));
    return { text: table.toString(), widths: table.options.colWidths as number[] };
  };
  const parts: (readonly (readonly string[])[])[] = [];
  for (let i = 0; i < t.rows.length; i += rowsPerTable) parts.push(t.rows.slice(i, i + rowsPerTable));
  if (parts.length === 0) parts.push([]);
  let widths = t.widths;
  if (!widths && parts.length > 1) {
    // The widths cli-table3 gives each part on its own; the whole table's are their maximum.
    const natural = parts.map((part, i) => draw(part, i === 0, undefined).widths);
    widths = t.head.map((_, c) => Math.max(...natural.map((w) => w[c] ?? 0)));
  }
  const text = parts.map((part, i) => draw(part, i === 0, widths).text).filter((text) => text !== "").join("\n");
  return text.split("\n").map((l) => l.replace(/\s+$/, "")).join("\n");
}

/** The longest word of a cell: as narrow as it goes when its text wraps at spaces. */
function words(cell: string): number {
  return Math.max(...cell.split(/\s+/).map((w) => w.length));
}

/** Column widths (padding included) with the headings wrapped as far as they go and no cell wrapped. */
function wholeCells(b: TableBlock): number[] {
  return b.head.map((h, i) => Math.max(words(h), ...b.rows.map((r) => (r[i] ?? "").length)) + 2);
}

/** Whether the table fits `width`, with the row's leading space, wrapping no cell. */
function cellsFit(b: TableBlock, width: number): boolean {
  return 1 + wholeCells(b).reduce((a, w) => a + w, 0) <= width;
}

/** Column widths (padding included): the content's own width, capped where the block sets a maximum. */
function fitWidths(b: TableBlock): number[] {
  return b.head.map((h, i) => {
    const natural = Math.max(h.length, ...b.rows.map((r) => (r[i] ?? "").length)) + 2;
    const cap = b.maxWidths?.[i];
    return cap ? Math.min(natural, cap + 2) : natural;
  });
}

/**
 * Column widths (padding included) that fit `width` with the row's leading
 * space, giving up a character at a time from the column with the most room:
 * first by wrapping headings only (down to the widest cell), then cells too
 * (down to the longest word), so a table wider than the terminal wraps its text
 * instead of its lines.
 */
function narrowed(b: TableBlock, width: number): number[] {
  const widths = fitWidths(b);
  const cells = wholeCells(b);
  const floors = b.head.map((h, i) => Math.max(words(h), ...b.rows.map((r) => words(r[i] ?? ""))) + 2);
  let total = 1 + widths.reduce((a, w) => a + w, 0);
  for (const floor of [cells, floors]) {
    while (total > width) {
      let roomiest = -1;
      widths.forEach((w, i) => {
        if (w > floor[i]! && (roomiest < 0 || w - floor[i]! > widths[roomiest]! - floor[roomiest]!)) roomiest = i;
      });
      if (roomiest < 0) break;
      widths[roomiest]!--;
      total--;
    }
  }
  return widths;
}

export function toMarkdown(blocks: Iterable<Block>): string {
  return [...markdownChunks(blocks)].join("");
}

/**
 * toMarkdown in pieces, block by block as they come. The document's trailing
 * blank lines are dropped: a blank line is held until a line follows it.
 */
export function* markdownChunks(blocks: Iterable<Block>): Generator<string> {
  let started = false;
  let held = "";
  for (const b of blocks) {
    let text = "";
    for (const line of markdownLines(b)) {
      if (line === "") {
        held += "\n";
        continue;
      }
      text += `${started ? "\n" : ""}${held}${line}`;
      started = true;
      held = "";
    }
    if (text !== "") yield text;
  }
  yield "\n";
}

function markdownLines(b: Block): string[] {
  const out: string[] = [];
  const cell = markdownText;
  switch (b.kind) {
    case "heading":
      out.push(`${b.level === 1 ? "#" : "##"} ${cell(b.text)}`, "");
      break;
    case "facts":
      // Padding that aligns a terminal's columns means nothing in Markdown.
      for (const [k, v] of b.rows) out.push(`- **${cell(k)}**: ${factLines(v).map((x) => cell(x.trim())).join(", ")}`);
      out.push("");
      break;
    case "table":
      if (b.title) out.push(`**${cell(b.title)}**`, "");
      out.push(`| ${b.head.map(cell).join(" | ")} |`);
      out.push(`|${b.align.map((a) => (a === "right" ? " ---: " : " --- ")).join("|")}|`);
      for (const row of b.rows) out.push(`| ${row.map(cell).join(" | ")} |`);
      out.push("");
      break;
    case "note":
      out.push(`> ${cell(b.text)}`, "");
      break;
  }
  return out;
}
