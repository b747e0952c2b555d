import { formatExact, type Decimal } from "../../money.js";
import type { CycleStatement, Statement } from "../../engine/types.js";
import type { RateCard } from "../../ratecard/types.js";
import { formatInstant } from "../../time.js";
import { csvRows, csvText, dimensionColumns, NumberCell, type Cell } from "../shared/csv.js";
import { fileLine } from "../shared/file-line.js";
import { cycleMoney, moneyRounding, unknownTotal } from "./money.js";

/**
 * One row per statement line, one column per dimension name used anywhere, for spreadsheets.
 * The header needs every account's dimension names, so they are read first; the rows are then
 * made and written account by account, never all at once.
 * A cycle's other facts follow its lines as rows of a `kind` of their own, each in columns of its own that only a
 * statement having such rows gets (other statements keep their layout): its changes (`change`), its refused events
 * (`rejected`: meter, reason, events, quantity, first instant and line) and the creator rewards it earned (`reward`:
 * the credits earned from each account, in `quantity`), so that a CSV sent as the statement drops none of what the
 * table says (newcomer, stop 38). Given the card, its money (plan fee, credits bought, overage, rounding, total)
 * comes last, as rows of kind `money`: `amount` stays the credits charged, so a sum of it is never credits plus
 * dollars, nor charges plus refusals or rewards.
 * Every row's `plan` is its cycle's: the plan in force at the cycle's end, whose fee its money rows bill (cycleMoney).
 * It was the account's last plan (red team, stop 38: a 10 USD Basic fee row read as Pro once the account upgraded),
 * which a pipeline grouping money by plan put under the wrong one.
 */
export function* statementCsv(statement: Statement, options: { bom?: boolean; card?: RateCard } = {}): Generator<string> {
  const { card } = options;
  const dims = new Set<string>();
  // Columns that only a timeline or several card versions need are added only then: other statements keep their layout.
  let changes = false;
  // Columns of a change waiting for the cycle's end only where a cancellation took one back or a re-statement left one.
  let waiting = false;
  // A meter priced by components (input and output tokens beside a request) has a line per component, told apart only by this column.
  let components = false;
  // A column of the subscription's end only where it falls in a cycle shown (planBilled says what it did to the cycle).
  let ended = false;
  // Refusal and reward columns only where a cycle refused an event or earned a reward.
  let rejected = false;
  let rewards = false;
  // Money columns only where a cycle has money (a card with a plan price, a credit price or overage): other statements keep their layout.
  let money = false;
  for (const a of statement.accounts) {
    for (const c of a.cycles) {
      if (!money && card !== undefined && cycleMoney(card, c.plan, c) !== undefined) money = true;
      if (c.timeline.length > 0) changes = true;
      if (!waiting && c.timeline.some((t) => t.tookBack !== undefined || t.stillWaits !== undefined)) waiting = true;
      if (c.subscriptionEnd !== undefined) ended = true;
      if (c.rejected.length > 0) rejected = true;
      if (c.rewards.from.length > 0) rewards = true;
      for (const l of c.lines) {
        for (const d of Object.keys(l.dimensions)) dims.add(d);
        if (l.component !== undefined) components = true;
      }
    }
  }
  const dimNames = [...dims].sort();
  const versioned = statement.versions !== undefined;
  const before = ["account", "plan", "cycle_start", "cycle_end", "meter", ...(components ? ["component"] : []), "kind", "category", "pool"];
  const after = [
    "quantity", "unit_price", "amount", ...(versioned ? ["version"] : []), ...(changes ? CHANGE_COLUMNS : []), ...(waiting ? WAITING_COLUMNS : []), ...(ended ? ["subscription_end"] : []),
    ...(rejected ? REJECTED_COLUMNS : []), ...(rewards ? REWARD_COLUMNS : []), ...(money ? MONEY_COLUMNS : []),
  ];
  const header = [...before, ...dimensionColumns(dimNames, [...before, ...after]), ...after];
  yield csvText(header, [], options);
  const noChange = changes ? [...CHANGE_COLUMNS, ...(waiting ? WAITING_COLUMNS : [])].map(() => "") : [];
  const noRejection = rejected ? REJECTED_COLUMNS.map(() => "") : [];
  const noReward = rewards ? REWARD_COLUMNS.map(() => "") : [];
  const noMoney = money ? MONEY_COLUMNS.map(() => "") : [];
  for (const a of statement.accounts) {
    const rows: Cell[][] = [];
    for (const c of a.cycles) {
      // Once a cycle, not twice a row: formatting an instant cost a quarter of a large log's CSV.
      const start = formatInstant(c.start);
      const end = formatInstant(c.end);
      const subscriptionEnd = c.subscriptionEnd === undefined ? "" : formatInstant(c.subscriptionEnd);
      for (const l of c.lines) {
        // Pushed cell by cell: spreading optional parts into a literal cost more than the cells of a large log.
        const row: Cell[] = [a.account, c.plan, start, end, l.meter];
        if (components) row.push(l.component ?? "");
        row.push(l.kind, l.category, l.pool);
        for (const d of dimNames) row.push(l.dimensions[d] ?? "");
        row.push(new NumberCell(formatExact(l.quantity)), new NumberCell(formatExact(l.unitPrice)), new NumberCell(formatExact(l.amount)));
        if (versioned) row.push(l.version ?? "");
        for (const empty of noChange) row.push(empty);
        if (ended) row.push(subscriptionEnd);
        for (const empty of noRejection) row.push(empty);
        for (const empty of noReward) row.push(empty);
        for (const empty of noMoney) row.push(empty);
        rows.push(row);
      }
      // A row of a cycle's other facts: its line columns empty but for the meter and the quantity, its own columns filled.
      const fact = (kind: string, meter: string, quantity: Cell, own: { change?: Cell[]; rejection?: Cell[]; reward?: Cell[]; money?: Cell[] }): Cell[] => [
        a.account, c.plan, start, end, meter, ...(components ? [""] : []), kind, "", "", ...dimNames.map(() => ""), quantity, "", "",
        ...(versioned ? [""] : []), ...(own.change ?? noChange), ...(ended ? [subscriptionEnd] : []),
        ...(own.rejection ?? noRejection), ...(own.reward ?? noReward), ...(own.money ?? noMoney),
      ];
      for (const t of c.timeline) {
        const change: Cell[] = [formatInstant(t.at), t.change, t.from, t.to, new NumberCell(formatExact(t.granted)), new NumberCell(formatExact(t.removed)), t.appliesAt === undefined ? "" : formatInstant(t.appliesAt)];
        if (waiting) {
          const w = t.tookBack ?? t.stillWaits;
          change.push(w?.change ?? "", w?.to ?? "", w === undefined ? "" : formatInstant(w.appliesAt));
        }
        rows.push(fact("change", "", "", { change }));
      }
      for (const r of c.rejected) {
        const rejection = [r.reason, r.events, formatInstant(r.firstAt), r.firstOrigin ? fileLine(r.firstOrigin) : ""];
        rows.push(fact("rejected", r.meter, new NumberCell(formatExact(r.quantity)), { rejection }));
      }
      for (const r of c.rewards.from) rows.push(fact("reward", "", new NumberCell(formatExact(r.amount)), { reward: [r.account] }));
      if (money) {
        // The quantity of a money row is the credits it counts (bought, or bought at no price), as a change row's are empty.
        for (const [item, quantity, value, currency] of moneyRows(card!, c)) rows.push(fact("money", "", quantity, { money: [item, value, currency] }));
      }
    }
    yield csvRows(rows);
  }
}

const CHANGE_COLUMNS = ["change_at", "change", "from", "to", "granted", "removed", "applies_at"];
/** The change waiting for the cycle's end that a cancel_scheduled row took back, or that a re-statement's row leaves waiting. */
const WAITING_COLUMNS = ["waiting_change", "waiting_to", "waiting_applies_at"];
/** A refusal group's: why, how many events, the first one's instant and FILE:LINE (the table's Rejected columns). */
const REJECTED_COLUMNS = ["reason", "events", "first_at", "first_line"];
/** The account whose use earned the reward (the table's "earned from"). */
const REWARD_COLUMNS = ["earned_from"];
const MONEY_COLUMNS = ["money_item", "money", "currency"];

/**
 * A cycle's money as the table shows it: the plan's fee, credits bought and overage exact, the rounding of the total
 * to the currency's minor unit where it is not zero, then the total. The parts and the rounding add up to the total.
 * Where credits were bought at no price, they add up to `priced_total` instead, an `unpriced_credits` row counts
 * those credits, and the total's money cell says it is unknown: a text a pipeline cannot sum nor invoice as a figure.
 */
function moneyRows(card: RateCard, c: CycleStatement): [string, Cell, Cell, string][] {
  const money = cycleMoney(card, c.plan, c);
  if (money === undefined) return [];
  const cell = (v: Decimal) => new NumberCell(formatExact(v));
  const rows: [string, Cell, Cell, string][] = [["plan", "", cell(money.plan), money.currency]];
  if (money.creditsBought.gt(0)) rows.push(["credits_bought", cell(money.creditsBought), money.bought === undefined ? "" : cell(money.bought), money.currency]);
  if (money.overage.gt(0)) rows.push(["overage", money.overageCredits === undefined ? "" : cell(money.overageCredits), cell(money.overage), money.currency]);
  const rounding = moneyRounding(money);
  if (!rounding.isZero()) rows.push(["rounding", "", cell(rounding), money.currency]);
  if (money.unpriced.gt(0)) {
    rows.push(["unpriced_credits", cell(money.unpriced), "", money.currency], ["priced_total", "", cell(money.total), money.currency], ["total", "", unknownTotal(money), money.currency]);
  } else {
    rows.push(["total", "", cell(money.total), money.currency]);
  }
  return rows;
}
