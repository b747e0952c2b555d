import type { JsonSchema } from "../yaml/codec.js";
import { duplicateEvents, usageEvents } from "./statement.js";
import { array, cardIdentity, contract, count, decimalString, instant, nullable, object, str, stringMap } from "./json-schema.js";
import { DIFFERENCE_CLASSES, LINE_STATUSES } from "../reconcile/types.js";

/** Properties present on some differences only: the account (bills naming accounts) and both unit prices (rate drift). */
function withOptional(base: JsonSchema, optional: Record<string, JsonSchema>): JsonSchema {
  return { ...base, properties: { ...(base.properties as Record<string, JsonSchema>), ...optional } };
}

const sides = {
  cycle: instant("the start of the cycle the line belongs to"),
  meter: nullable(str("the meter key, or null when the bill's activity covers several meters")),
  meters: array(str(), "every meter the line covers"),
  activity: str("the bill's wording for the line"),
  dimensions: stringMap(str(), "the dimensions the bill carries"),
  bill_quantity: nullable(decimalString()),
  bill_amount: nullable(decimalString()),
  computed_quantity: nullable(decimalString()),
  computed_amount: nullable(decimalString()),
  computed_events: count("events behind the computed line"),
  unit: str("what the line's amounts count, as the CSV's unit column: the card's unit (the top-level unit, such as credits or cents), or its currency (such as USD) on a plan fee or overage line"),
  delta: decimalString("bill amount minus computed amount"),
  status: { enum: [...LINE_STATUSES], description: "agrees (amounts decide), differs, or only on one side" },
  bill_rows: count("bill rows behind the line"),
  bill_line: nullable({ type: "integer", minimum: 1, description: "the bill's line of the first of them" }),
};

const optional = {
  account: str("the account, when the bill names accounts"),
  moved: object({
    quantity: decimalString("the line's quantity at the bill's cut less at the account's cycles"),
    amount: decimalString("the line's amount at the bill's cut less at the account's cycles: from (negative: to) the neighbouring cycles"),
    events_in: count("events the cut moves into the line's cycle"),
    events_out: count("events the cut moves out of it"),
    account_computed_quantity: nullable(decimalString("the line's quantity at the account's own cycles")),
    account_computed_amount: nullable(decimalString("the line's amount at the account's own cycles, as its statement has it")),
  }, "where a boundary shift is found: what the bill's cut moves on the line, whose computed figures are at that cut"),
  bill_unit_price: decimalString("rate drift: the price the bill implies"),
  card_unit_price: decimalString("rate drift: the card's price"),
};

const differenceFields = {
  direction: nullable({ enum: ["overcharged", "undercharged"], description: "overcharged: the bill above usage, whatever explains it; null for a boundary_shift as billed at the bill's cut (delta 0)" }),
  class: { enum: [...DIFFERENCE_CLASSES], description: "the reason found for the difference; a reason is not an acceptance" },
  explanation: str(),
  within_tolerance: { type: "boolean" },
  attention: { type: "boolean", description: "unexplained or over the tolerance: fails the run" },
};

const difference = withOptional(object({ ...sides, ...differenceFields }), optional);

const line = withOptional(object({
  ...sides,
  direction: differenceFields.direction,
  class: nullable({ ...differenceFields.class, description: "the difference's reason; for an agreeing line, boundary_shift when the bill was re-cut, else null" }),
  explanation: nullable(str("why the amounts differ; null when they agree")),
  within_tolerance: differenceFields.within_tolerance,
  attention: differenceFields.attention,
  note: nullable(str("why an agreeing line still looks different, such as a refund billed as a positive quantity")),
}), optional);

const direction = (what: string) => object({ differences: count(), amount: decimalString("credits"), money: decimalString("money, from overage lines") }, what);

export const reconcileSchema: JsonSchema = withOptional(contract("reconcile", "burnrate reconcile --format json", {
  card: cardIdentity,
  unit: str(),
  timezone: str(),
  bill: object({ file: str(), layout: str(), dimensions: array(str()) }),
  cycles: array(object({ start: instant(), end: instant() }), "the cycles the bill covers"),
  tolerance: object({ absolute: decimalString(), percent: decimalString() }),
  boundary: nullable(object({
    class: { const: "boundary_shift" },
    account_cycle_start: instant("where the account's cycles start"),
    bill_cycle_start: instant("where the bill's cycles start"),
    explanation: str(),
  }, "a bill whose cycles start on another day than the account's: usage re-cut at the bill's periods")),
  boundary_shifts: array(withOptional(object({
    explanation: str("where the bill cuts its cycles, and the account's"),
    moved_amount: decimalString("the usage the bill's cut moves into the compared cycles from their neighbours (negative: out of them), in the card's unit"),
    moved_money: decimalString("the same on plan fee and overage lines, in the card's currency"),
    account_computed_total: decimalString("the compared lines' usage at the account's own cycles, in the card's unit: computed_total less moved_amount"),
    explained_lines: count("lines the cut explains (class boundary_shift)"),
    rule: { enum: ["pass", "fail"], description: "how a line the cut explains is judged: the bill mapping's boundary_shift: (pass, the default: by what is left at the cut; fail: by its whole gap at the account's cycles), and fail where the cut found is not the declared one" },
    cut: str("the cut found, as the bill mapping's cut: would declare it (\"00:00 America/Los_Angeles\")"),
    declared_cut: str("the bill mapping's cut: (00:00 UTC where it has none): the one cut at which a found shift passes"),
    at_declared_cut: { type: "boolean", description: "whether the cut found is the declared one; where not, every line it explains is held as boundary_shift: fail holds it" },
  }), { accounts: str("whose cycles, where the bill's accounts are compared in groups") }), "boundary shifts found (the bill cuts its cycles at another hour or zone): every line of the group is then compared at the bill's cut"),
  status: { enum: ["agrees", "within_tolerance", "attention"] },
  bill_total: decimalString(),
  computed_total: decimalString(),
  delta: decimalString("bill total minus computed total, in credits"),
  money: nullable(object({ currency: str(), bill_total: decimalString(), computed_total: decimalString(), delta: decimalString() }, "overage lines, in money, when the bill or the usage has any")),
  overcharged: direction("differences where the bill is above usage, explained or not, and their sum"),
  undercharged: direction("differences where the bill is below usage, and their sum"),
  explained: object({ differences: count(), amount: decimalString(), money: decimalString() }, "differences with a reason (a class other than unexplained): a reason, not an acceptance; amount in the card's unit, money in its currency (plan fees, overage)"),
  unexplained: object({ differences: count(), amount: decimalString(), money: decimalString() }),
  over_tolerance: count("differences over the tolerance"),
  agreeing_lines: count("lines whose amounts agree (not listed as differences)"),
  differences: array(difference),
  lines: array(line, "every aligned line with its status: the sign-off sheet"),
  outside_bill: array(object({ start: instant(), end: instant(), computed_amount: decimalString() }), "computed cycles the bill does not cover"),
  other_accounts: array(object({ account: str(), computed_amount: decimalString() }), "accounts in the usage the bill does not name"),
  usage_events: usageEvents,
  duplicate_events: duplicateEvents,
  ignored: array(withOptional(object({ cycle: nullable(instant("the start of the cycle the rows' period names; null where it names none")), activity: str(), rows: count(), amount: decimalString(), unit: str("the card's unit, which the amount is read in") }), { account: optional.account }), "bill rows a mapping sets aside, summed by activity, account and cycle"),
  credits: object({
    rule: { enum: ["pass", "fail"], description: "the bill mapping's credits: (pass, the default: listed and totalled; fail: each needs attention)" },
    amount: decimalString("the credits given on usage lines, in the card's unit"),
    money: decimalString("the credits given on plan fee or overage lines, in the card's currency"),
    rows: array(withOptional(object({
      cycle: instant("the start of the cycle the row's period names"),
      meters: array(str(), "the line it was given on"),
      activity: str("the bill's wording"),
      dimensions: stringMap(str()),
      amount: decimalString(),
      unit: str("the card's unit, or its currency on a plan fee or overage line"),
      bill_line: { type: "integer", minimum: 1 },
      attention: { type: "boolean", description: "true where the rule is fail" },
    }), { account: optional.account })),
  }, "the bill's credit rows (charge category Credit): money back, listed and totalled apart from the lines they were given on, which are compared without them"),
  invoice: nullable(object({
    currency: str("the card's currency, or its unit where every row of the bill and every compared line is in it"),
    bill_total: decimalString("every row of the bill: compared, ignored and credits"),
    converted: { type: "boolean", description: "true where rows in the card's unit are turned into its currency at the credit price (usage in credits beside fees in money)" },
    compared: decimalString("the bill's rows compared with the usage"),
    ignored: decimalString("the rows the bill mapping ignores"),
    credits: decimalString("the credit rows"),
    computed_total: decimalString("what burnrate computes for the compared rows, in the currency"),
    delta: decimalString("bill_total minus computed_total"),
    compared_delta: decimalString("compared minus computed_total: the rest of delta is the rows not compared"),
  }, "the bill's total as billed, against what burnrate computes for it; null for a ledger, or where a row or line has no price in the currency")),
  payments: nullable(object({ rows: count(), bill: decimalString(), granted: decimalString() }, "a ledger's payments against the account's grants")),
}), {
  // Only where the files skip days: a report of complete files is as it was (stop 70).
  warnings: array(str("a warning as said on standard error, without its `burnrate: warning: `"), "only where the run gave warnings (a usage account a typo from one the account file names, ...): with --strict the run exits 1 on them"),
  usage_gaps: array(str(), "the days the usage's daily files skip, each series said once (newcomer70 M2): a difference on those days may be usage missing from the log; present only where they skip some"),
  overage_not_compared: object({
    currency: str("the card's currency"),
    computed_total: decimalString("the usage's overage in the bill's cycles and accounts: credits past zero at the credit price, requests past a quota"),
    accounts: array(str(), "the accounts past their allowance or quota, in the statement's order"),
  }, "only where the bill lists usage and no overage line, beside usage past its allowance: a bill of usage in credits lists the credits past the allowance among its usage lines, so the overage in money is not compared (newcomer71b M3)"),
});
