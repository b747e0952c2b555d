import { toMarkdown, type Block } from "../shared/document.js";

type TableBlock = Extract<Block, { kind: "table" }>;

/**
 * The most characters a pull-request comment is written in. GitHub refuses a comment of more than 65,536, and the
 * workflow's step then fails with no comment posted (newcomer63 M1: 1,500 customers made a comment of 308,150, its
 * folded tables whole); some room is left for what a workflow writes around it.
 */
export const COMMENT_CHARACTERS = 60_000;

/** Rows each table of a comment keeps, tried in turn until the comment fits COMMENT_CHARACTERS. */
export const COMMENT_ROWS = [50, 20, 5] as const;

/**
 * A table of a comment as Markdown, with at most `cap` of its rows and its Total row, then a line saying how many
 * more the JSON holds (`what` names them).
 */
export function cappedTable(block: TableBlock, cap: number, what: string): string[] {
  const total = block.rows.at(-1)?.[0] === "Total" ? block.rows.length - 1 : -1;
  const body = total < 0 ? block.rows.length : total;
  if (body <= cap) return [toMarkdown([block]).trimEnd(), ""];
  const keep = <T>(rows: readonly T[]): T[] => [...rows.slice(0, cap), ...(total < 0 ? [] : [rows[total]!])];
  const emphasis = block.emphasis?.flatMap((i) => (i < cap ? [i] : i === total ? [cap] : []));
  const capped: TableBlock = { ...block, rows: keep(block.rows), emphasis, tight: block.tight === undefined ? undefined : keep(block.tight) };
  return [toMarkdown([capped]).trimEnd(), "", `_${(body - cap).toLocaleString("en-US")} more ${what} in \`burnrate diff --format json\`._`, ""];
}
