import { formatExact, type Decimal } from "../../money.js";
import type { CycleStatement, Statement } from "../../engine/types.js";
import type { RateCard } from "../../ratecard/types.js";
import { formatInstant } from "../../time.js";
import { csvRows, csvText, dimensionColumns, NumberCell, type Cell } from "../shared/csv.js";
import { cycleMoney, moneyRounding } from "./money.js";

/**
 * One row per statement line, one column per dimension name used anywhere, for spreadsheets.
 * The header needs every account's dimension names, so they are read first; the rows are then
 * made and written account by account, never all at once.
 * Given the card, each cycle's money (plan fee, credits bought, overage, rounding, total) follows its lines as rows
 * of kind `money`, in columns of their own: `amount` stays credits, so a sum of it is never credits plus dollars.
 */
export function* statementCsv(statement: Statement, options: { bom?: boolean; card?: RateCard } = {}): Generator<string> {
  const { card } = options;
  const dims = new Set<string>();
  // Columns that only a timeline or several card versions need are added only then: other statements keep their layout.
  let changes = false;
  // A meter priced by components (input and output tokens beside a request) has a line per component, told apart only by this column.
  let components = false;
  // A column of the subscription's end only where it falls in a cycle shown (planBilled says what it did to the cycle).
  let ended = false;
  // Money columns only where a cycle has money (a card with a plan price, a credit price or overage): other statements keep their layout.
  let money = false;
  for (const a of statement.accounts) {
    for (const c of a.cycles) {
      if (!money && card !== undefined && cycleMoney(card, c.plan, c) !== undefined) money = true;
      if (c.timeline.length > 0) changes = true;
      if (c.subscriptionEnd !== undefined) ended = true;
      for (const l of c.lines) {
        for (const d of Object.keys(l.dimensions)) dims.add(d);
        if (l.component !== undefined) components = true;
      }
    }
  }
  const dimNames = [...dims].sort();
  const versioned = statement.versions !== undefined;
  const before = ["account", "plan", "cycle_start", "cycle_end", "meter", ...(components ? ["component"] : []), "kind", "category", "pool"];
  const after = ["quantity", "unit_price", "amount", ...(versioned ? ["version"] : []), ...(changes ? ["change_at", "change", "from", "to", "granted", "removed", "applies_at"] : []), ...(ended ? ["subscription_end"] : []), ...(money ? MONEY_COLUMNS : [])];
  const header = [...before, ...dimensionColumns(dimNames, [...before, ...after]), ...after];
  yield csvText(header, [], options);
  const noChange = changes ? ["", "", "", "", "", "", ""] : [];
  for (const a of statement.accounts) {
    const rows: Cell[][] = [];
    for (const c of a.cycles) {
      // Once a cycle, not twice a row: formatting an instant cost a quarter of a large log's CSV.
      const start = formatInstant(c.start);
      const end = formatInstant(c.end);
      const subscriptionEnd = c.subscriptionEnd === undefined ? "" : formatInstant(c.subscriptionEnd);
      for (const l of c.lines) {
        // Pushed cell by cell: spreading optional parts into a literal cost more than the cells of a large log.
        const row: Cell[] = [a.account, a.plan, start, end, l.meter];
        if (components) row.push(l.component ?? "");
        row.push(l.kind, l.category, l.pool);
        for (const d of dimNames) row.push(l.dimensions[d] ?? "");
        row.push(new NumberCell(formatExact(l.quantity)), new NumberCell(formatExact(l.unitPrice)), new NumberCell(formatExact(l.amount)));
        if (versioned) row.push(l.version ?? "");
        for (const empty of noChange) row.push(empty);
        if (ended) row.push(subscriptionEnd);
        if (money) row.push("", "", "");
        rows.push(row);
      }
      // A change is a row of kind "change", its line columns empty.
      for (const t of c.timeline) {
        rows.push([
          a.account, a.plan, start, end, "", ...(components ? [""] : []), "change", "", "", ...dimNames.map(() => ""), "", "", "",
          ...(versioned ? [""] : []),
          formatInstant(t.at), t.change, t.from, t.to, new NumberCell(formatExact(t.granted)), new NumberCell(formatExact(t.removed)), t.appliesAt === undefined ? "" : formatInstant(t.appliesAt),
          ...(ended ? [subscriptionEnd] : []),
          ...(money ? ["", "", ""] : []),
        ]);
      }
      if (money) {
        // The line columns of a money row are empty but for its quantity (the credits bought), as a change row's are.
        const blank = (quantity: Cell): Cell[] => [
          a.account, a.plan, start, end, "", ...(components ? [""] : []), "money", "", "", ...dimNames.map(() => ""), quantity, "", "",
          ...(versioned ? [""] : []), ...noChange, ...(ended ? [subscriptionEnd] : []),
        ];
        for (const [item, quantity, value, currency] of moneyRows(card!, c)) rows.push([...blank(quantity), item, value, currency]);
      }
    }
    yield csvRows(rows);
  }
}

const MONEY_COLUMNS = ["money_item", "money", "currency"];

/**
 * A cycle's money as the table shows it: the plan's fee, credits bought and overage exact, the rounding of the total
 * to the currency's minor unit where it is not zero, then the total. The parts and the rounding add up to the total.
 */
function moneyRows(card: RateCard, c: CycleStatement): [string, Cell, Cell, string][] {
  const money = cycleMoney(card, c.plan, c);
  if (money === undefined) return [];
  const cell = (v: Decimal) => new NumberCell(formatExact(v));
  const rows: [string, Cell, Cell, string][] = [["plan", "", cell(money.plan), money.currency]];
  if (money.creditsBought.gt(0)) rows.push(["credits_bought", cell(money.creditsBought), money.bought === undefined ? "" : cell(money.bought), money.currency]);
  if (money.overage.gt(0)) rows.push(["overage", "", cell(money.overage), money.currency]);
  const rounding = moneyRounding(money);
  if (!rounding.isZero()) rows.push(["rounding", "", cell(rounding), money.currency]);
  rows.push(["total", "", cell(money.total), money.currency]);
  return rows;
}
