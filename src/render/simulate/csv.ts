import { formatExact, formatFixed } from "../../money.js";
import type { Simulation } from "../../scenario/simulate.js";
import { Calendar, formatInstant } from "../../time.js";
import { csvText, NumberCell, type Cell } from "../shared/csv.js";

/** One row per plan and cycle, for a spreadsheet that compares plans month by month. */
export function simulationCsv(sim: Simulation, options: { bom?: boolean } = {}): string {
  // "covers" is with the top-ups the plan buys; the run-out, grace and refusals are without them, as their names say, but for the refusals that remain with them.
  const header = ["plan", "rank", "covers", "covers_without_topups", "cycle_start", "cycle_end", "allowance", "total", "percent_of_allowance", "runs_out_at", "grace_used", "rejected_events_without_topups", "topup_needed", "overage", "money", "rejected_events_with_topups", "scenario", "asked", "part_kind", "part", "cycle_plan", "unpriced_credits", "past_zero_billed"];
  const rows: Cell[][] = [];
  for (const p of sim.plans) {
    const rank = sim.ranking.indexOf(p);
    for (const c of p.cycles) {
      rows.push([
        p.plan.key,
        rank < 0 ? "" : rank + 1,
        p.covers ? "yes" : "no",
        p.without.covers ? "yes" : "no",
        formatInstant(c.start),
        formatInstant(c.end),
        new NumberCell(formatExact(c.allowance)),
        new NumberCell(formatExact(c.total)),
        new NumberCell(c.allowance.isZero() ? "" : formatFixed(c.total.mul(100).div(c.allowance), 2)),
        c.runsOutAt === undefined ? "" : formatInstant(c.runsOutAt),
        // As JSON's: not what an overage pool bills past zero, which is in past_zero_billed (its money in `overage`).
        new NumberCell(formatExact(c.graceUsed.minus(c.pastZeroBilled))),
        c.rejected.reduce((n, r) => n + r.events, 0),
        new NumberCell(formatExact(c.topupNeeded)),
        new NumberCell(formatExact(c.overage)),
        new NumberCell(formatExact(c.money)),
        // Added last, so that no earlier column moves: what stays refused with top-ups, and the scenario's own account
        // (its changes) apart from the same plan compared plain.
        c.rejectedBuying.reduce((n, r) => n + r.events, 0),
        p.own ? "yes" : "no",
        new NumberCell(c.asked === undefined ? "" : formatExact(c.asked)),
        "",
        "",
        // Last, so that no earlier column moves: the plan in force for the cycle, where `plan` names the row's series
        // (the scenario's first plan, its changes and all): a pivot by plan read a Free plan at Pro's fee (newcomer58a M2).
        c.plan.key,
        // Last, so that no earlier column moves: the credits the cycle buys that the card gives no price for, which
        // `money` leaves out (new67 M2: a plan read "covers yes, money 10" that needed 7,410 bonus credits of no price).
        new NumberCell(p.purchase !== undefined && p.purchase.price === undefined ? formatExact(c.topupNeeded) : "0"),
        // Last, so that no earlier column moves: without top-ups, the credits an overage pool bills past zero, as JSON's
        // past_zero_billed; grace_used held them until stop 71 (red71c L6: the CSV had them nowhere once it did not).
        new NumberCell(formatExact(c.pastZeroBilled)),
      ]);
    }
  }
  // What each part of the scenario comes to (JSON parts[]), a row a part and cycle after the plans' rows, named in the
  // last two columns: total is its credits, money those at the credit price. A sum over the plans leaves them out.
  // Each part's cycles are the scenario's (an upgrade that starts a new cycle moves the account's own, not these: red58b F6).
  const own = sim.plans[0]!;
  const calendar = new Calendar(sim.scenario.start, sim.scenario.zone);
  for (const part of sim.parts) {
    part.cycles.forEach((credits, i) => {
      const [start, end] = [calendar.start(i), calendar.start(i + 1)];
      const money = part.cycleMoney?.[i];
      rows.push([own.plan.key, "", "", "", formatInstant(start), formatInstant(end), "", new NumberCell(formatExact(credits)), "", "", "", "", "", "", new NumberCell(money === undefined ? "" : formatExact(money)), "", "yes", "", part.kind, part.name, part.plans[i]!.key, "", ""]);
    });
  }
  return csvText(header, rows, options);
}
