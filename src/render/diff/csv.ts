import { delta, deltaPercent, refusalsMoved } from "../../costdiff/compare.js";
import type { CostDiff } from "../../costdiff/diff.js";
import { formatExact } from "../../money.js";
import { formatInstant } from "../../time.js";
import { csvText, NumberCell } from "../shared/csv.js";

/** One row per cycle, account and meter: the `changes[]` of the JSON, for a spreadsheet, with what moved refusals explain. */
export function diffCsv(d: CostDiff, options: { bom?: boolean } = {}): string {
  return csvText(
    ["cycle", "cycle_end", "account", "meter", "old", "new", "delta", "delta_percent", "old_refused", "new_refused", "cause"],
    d.comparison.rows.map((r) => {
      const p = deltaPercent(r);
      const moved = refusalsMoved(r);
      return [formatInstant(r.start), formatInstant(r.end), r.account, r.meter, new NumberCell(formatExact(r.old)), new NumberCell(formatExact(r.new)), new NumberCell(formatExact(delta(r))), new NumberCell(p === undefined ? "" : formatExact(p)),
        r.oldRefused, r.newRefused, moved === undefined ? "" : `credits_ran_out_${moved}`];
    }),
    options,
  );
}
