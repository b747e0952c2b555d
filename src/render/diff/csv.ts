import { delta, deltaPercent, lineName, refusalsMoved, type Totals } from "../../costdiff/compare.js";
import type { CostDiff } from "../../costdiff/diff.js";
import { inCredits, unknownSide, type MoneyChange } from "../../costdiff/money.js";
import { formatExact } from "../../money.js";
import { formatInstant } from "../../time.js";
import { csvRows, csvText, NumberCell, type Cell } from "../shared/csv.js";

const figures = (t: Totals) => {
  const p = deltaPercent(t);
  return [new NumberCell(formatExact(t.old)), new NumberCell(formatExact(t.new)), new NumberCell(formatExact(delta(t))), new NumberCell(p === undefined ? "" : formatExact(p))];
};

/**
 * A money item's figures: a side with credits bought at no credit_price left out of it is empty, as is its change and
 * percentage (the statement's `total: null`), and `cause` says which (`unpriced_credits_base`, `_new`, `_both`).
 */
function moneyFigures(m: MoneyChange): { cells: NumberCell[]; cause: string } {
  const side = unknownSide(m);
  if (side === undefined) return { cells: figures(m), cause: "" };
  const known = (s: "old" | "new") => new NumberCell(side === s || side === "both" ? "" : formatExact(m[s]));
  return { cells: [known("old"), known("new"), new NumberCell(""), new NumberCell("")], cause: `unpriced_credits_${side === "old" ? "base" : side}` };
}

/** Rows of each list written at a time: a diff of 10,000 accounts' 180,000 rows made them all, and their text, at once (749 MB against its JSON's 505). */
const PIECE = 4096;

/**
 * One row per cycle, account and meter (the `changes[]` of the JSON), with what
 * moved refusals explain; then one row per priced line over the whole usage (the
 * JSON's `lines[]`), named in `line`, with no cycle or account, and
 * `fail_over_line` in `gate` when it is past `--fail-over-line`; then one row per money item of each account's
 * cycle (the JSON's `money.changes[]`), named in `money`, in the card's currency (`paid_credits_drawn` in credits), as
 * each row's `unit` says. Written a piece at a time.
 */
export function* diffCsv(d: CostDiff, options: { bom?: boolean } = {}): Generator<string> {
  const tripped = new Set(d.failOverLine?.tripped ?? []);
  // `unit` says what each row's figures count: the card's unit, or its currency on a money row, so that a sheet summed
  // by unit adds no dollars to credits (red team, stop 36).
  yield csvText(["cycle", "cycle_end", "account", "meter", "old", "new", "delta", "delta_percent", "old_refused", "new_refused", "cause", "line", "gate", "money", "unit"], [], options);
  yield* inPieces(d.comparison.rows, (r) => {
    const moved = refusalsMoved(r);
    return [formatInstant(r.start), formatInstant(r.end), r.account, r.meter, ...figures(r), r.oldRefused, r.newRefused, moved === undefined ? "" : `credits_ran_out_${moved}`, "", "", "", d.card.unit];
  });
  yield* inPieces(d.comparison.lines, (l) => ["", "", "", l.meter, ...figures(l), "", "", "", lineName(l), tripped.has(l) ? "fail_over_line" : "", "", d.card.unit]);
  yield* inPieces(d.money.changes, (m) => {
    const { cells, cause } = moneyFigures(m);
    return [formatInstant(m.start), formatInstant(m.end), m.account, "", ...cells, "", "", cause, "", "", m.item, inCredits(m.item) ? d.card.unit : d.money.currency];
  });
}

function* inPieces<T>(items: readonly T[], row: (item: T) => Cell[]): Generator<string> {
  for (let i = 0; i < items.length; i += PIECE) yield csvRows(items.slice(i, i + PIECE).map(row));
}
