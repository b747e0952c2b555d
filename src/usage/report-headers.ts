/** The CSV reports burnrate writes, known by their headers: passed over in a usage folder, and named where one is read as usage. */

/**
 * The headers of the CSV reports burnrate writes (src/render: statement and its --ledger, simulate, diff,
 * reconcile), cells joined by NUL: the columns each always has, the ones a run adds (a component, an account,
 * versions, changes) and a statement's or reconciliation's dimension columns between them. A CSV report
 * written into the usage folder (`-o exports/november.csv`) is passed over quietly, as a JSON one is, where it
 * was read as usage and refused for want of a timestamp, failing the next month's run.
 */
const cells = (names: string) => names.split(" ").join("\0");
const DIMENSIONS = "(?:\0[^\0]*)*";
const CSV_REPORTS: readonly RegExp[] = [
  // The money columns are the statement's since stop 38, subscription_end since stop 37; a report written before has neither.
  new RegExp(`^${cells("account plan cycle_start cycle_end meter")}(?:\0component)?\0${cells("kind category pool")}${DIMENSIONS}\0${cells("quantity unit_price amount")}(?:\0version)?(?:\0${cells("change_at change from to granted removed applies_at")})?(?:\0subscription_end)?(?:\0${cells("money_item money currency")})?$`),
  new RegExp(`^${cells("at account type meter grant dimensions quantity amount uncovered balance")}$`),
  // The asked column is simulate's since stop 37, part_kind and part since stop 38, cycle_plan since stop 58, unpriced_credits since
  // stop 67; a report written before has none.
  new RegExp(`^${cells("plan rank covers covers_without_topups cycle_start cycle_end allowance total percent_of_allowance runs_out_at grace_used rejected_events_without_topups topup_needed overage money rejected_events_with_topups scenario")}(?:\0asked(?:\0part_kind\0part(?:\0cycle_plan(?:\0unpriced_credits(?:\0past_zero_billed)?)?)?)?)?$`),
  // The money and unit columns are diff's since stop 36; a diff report written before them has neither.
  new RegExp(`^${cells("cycle cycle_end account meter old new delta delta_percent old_refused new_refused cause line gate")}(?:\0money(?:\0unit)?)?$`),
  // The unit column is the sign-off sheet's since stop 36; a sheet written before it has none.
  new RegExp(`^cycle(?:\0account)?\0meter${DIMENSIONS}\0${cells("status direction class")}(?:\0unit)?\0${cells("bill_quantity bill_amount computed_quantity computed_amount computed_events delta within_tolerance attention explanation")}$`),
];

/** The reports' first cells, unquoted: a usage header is not parsed as CSV to be told apart. */
export const REPORT_START = /^(?:account,plan,|at,account,|plan,rank,|cycle,)/;

/** Whether a CSV header's cells are those of a report burnrate writes, exactly. */
export function isReportHeader(names: readonly string[]): boolean {
  const joined = names.join("\0");
  return CSV_REPORTS.some((report) => report.test(joined));
}
