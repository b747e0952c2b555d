import { delta, type Totals } from "../../costdiff/compare.js";
import type { CostDiff } from "../../costdiff/diff.js";
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
export function cappedTable(block: TableBlock, cap: number, what: readonly [one: string, more: string]): string[] {
  const total = block.rows.at(-1)?.[0] === "Total" ? block.rows.length - 1 : -1;
  const body = total < 0 ? block.rows.length : total;
  if (body <= cap) return [toMarkdown([block]).trimEnd(), ""];
  const keep = <T>(rows: readonly T[]): T[] => [...rows.slice(0, cap), ...(total < 0 ? [] : [rows[total]!])];
  const emphasis = block.emphasis?.flatMap((i) => (i < cap ? [i] : i === total ? [cap] : []));
  const capped: TableBlock = { ...block, rows: keep(block.rows), emphasis, tight: block.tight === undefined ? undefined : keep(block.tight) };
  const left = body - cap;
  return [toMarkdown([capped]).trimEnd(), "", `_${left.toLocaleString("en-US")} more ${left === 1 ? what[0] : what[1]} in \`burnrate diff --format json\`._`, ""];
}

/**
 * The diff with its rows in order of the largest change first, for a comment that keeps the first of each table: in
 * the account and cycle order a table has, the customer a change hit hardest was cut from a comment of 1,501 accounts
 * (red63b M2). Refusals of no known worth first, as the gates take them to be past any limit.
 */
export function largestFirst(d: CostDiff): CostDiff {
  const size = (t: Totals) => delta(t).abs();
  const by = <T extends Totals>(rows: readonly T[], unknown: (row: T) => boolean = () => false): T[] => [...rows].sort((a, b) => Number(unknown(b)) - Number(unknown(a)) || size(b).cmp(size(a)));
  const { comparison, money } = d;
  return {
    ...d,
    comparison: { ...comparison, rows: by(comparison.rows), refused: by(comparison.refused, (r) => !r.priced), cycles: by(comparison.cycles), lines: by(comparison.lines) },
    money: { ...money, changes: by(money.changes, (m) => m.unpriced !== undefined) },
  };
}

/** The last resort where even the tables' first rows make too long a comment: the text cut, and said to be. */
export function cutToFit(text: string): string {
  if (text.length <= COMMENT_CHARACTERS) return text;
  const cut = "\n\n_Cut to fit a pull-request comment: `burnrate diff --format json` has it whole._\n";
  // At a line's end, a folded block closed, and the notice outside it, where a reader sees it (red63d L2).
  const room = COMMENT_CHARACTERS - cut.length - "\n\n</details>".length;
  const kept = text.slice(0, Math.max(0, text.lastIndexOf("\n", room)));
  const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  return `${kept}${open > 0 ? "\n\n</details>" : ""}${cut}`;
}
