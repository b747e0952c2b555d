import { formatExact, ZERO, type Decimal } from "../../money.js";
import { duplicateEventsJson } from "../shared/duplicate-events.js";
import { computedQuantity, meterName, needsAttention, summarize, type Direction } from "../../reconcile/summary.js";
import type { AlignedLine, Difference, InvoiceTotal, MovedByCut, ReconciledLine, Reconciliation } from "../../reconcile/types.js";
import { formatInstant } from "../../time.js";
import { MappedArray } from "../shared/json-chunks.js";

const exact = (v: Decimal | undefined) => (v === undefined ? null : formatExact(v));

/** Which way a difference goes: the bill above usage is an overcharge, whatever explains it; none for a line as billed at the bill's cut. */
export const direction = (d: Difference) => (d.delta.gt(0) ? "overcharged" : d.delta.lt(0) ? "undercharged" : null);

/** What every line carries, agreeing or not: where it is and both sides' figures. */
function sides(line: AlignedLine, cycleStart: number, units: Units) {
  const d = { line };
  return {
    cycle: formatInstant(cycleStart),
    ...(line.account === undefined ? {} : { account: line.account }),
    meter: meterName(d),
    meters: line.meters,
    activity: line.activity,
    dimensions: line.dimensions,
    bill_quantity: exact(line.bill?.quantity),
    bill_amount: exact(line.bill?.amount),
    computed_quantity: exact(computedQuantity(d)),
    computed_amount: exact(line.computed?.amount),
    computed_events: line.computed?.events ?? 0,
    // As the CSV's unit column: the card's unit, or its currency on a fee or overage line (newcomer, stop 38: "credits" where the sheet said cents).
    unit: line.money ? units.currency : units.unit,
    ...(line.moved === undefined ? {} : { moved: movedJson(line.moved) }),
  };
}

/** What a found boundary's cut moves on a line, with the line at the account's own cycles: nothing of the statement is lost. */
function movedJson(m: MovedByCut) {
  return {
    quantity: formatExact(m.quantity),
    amount: formatExact(m.amount),
    events_in: m.into,
    events_out: m.outOf,
    account_computed_quantity: exact(m.accountCycles?.quantity),
    account_computed_amount: exact(m.accountCycles?.amount),
  };
}

/** The names of what amounts count: the card's unit, and its currency. */
interface Units {
  unit: string;
  currency: string;
}

function differenceJson(d: Difference, status: ReconciledLine["status"], units: Units) {
  return {
    ...sides(d.line, d.cycleStart, units),
    delta: formatExact(d.delta),
    status,
    direction: direction(d),
    class: d.class,
    explanation: d.explanation,
    within_tolerance: d.withinTolerance,
    attention: needsAttention(d),
    ...(d.prices ? { bill_unit_price: formatExact(d.prices.bill), card_unit_price: formatExact(d.prices.card) } : {}),
    bill_rows: d.line.bill?.rows ?? 0,
    bill_line: d.line.bill?.origin.line ?? null,
  };
}

/** A line of the sign-off sheet: an agreeing line has no class, direction or explanation, perhaps a note. */
function lineJson(l: ReconciledLine, units: Units) {
  if (l.difference) return { ...differenceJson(l.difference, l.status, units), note: null };
  return {
    ...sides(l.line, l.cycleStart, units),
    delta: formatExact(l.delta),
    status: l.status,
    direction: null,
    // Agreeing once the usage is re-cut at the bill's periods: the boundary is the reason it needed re-cutting.
    class: l.recut ? "boundary_shift" : null,
    explanation: null,
    within_tolerance: true,
    attention: false,
    bill_rows: l.line.bill?.rows ?? 0,
    bill_line: l.line.bill?.origin.line ?? null,
    note: l.note ?? null,
  };
}

/** Why a bill is compared at its own periods. */
function recutText(recut: NonNullable<Reconciliation["recut"]>): string {
  const whose = recut.accounts === undefined ? "the account's" : `those of ${recut.accounts}`;
  const others = recut.accounts === undefined ? "" : "; the other accounts' compared at their own cycles";
  return `the bill's cycles start at ${formatInstant(recut.billStart)}, ${whose} at ${formatInstant(recut.accountStart)}: usage re-cut at the bill's periods (charged as the account's cycles have it, summed by the bill's)${others}`;
}

const directionJson = (d: Direction) => ({ differences: d.count, amount: formatExact(d.amount), money: formatExact(d.money) });

/** The credits given on usage lines (in the card's unit) or on fee and overage lines (in its currency). */
export function sumCredits(r: Reconciliation, money: boolean): Decimal {
  return r.credits.filter((c) => c.money === money).reduce((t, c) => t.plus(c.amount), ZERO);
}

function invoiceJson(i: InvoiceTotal) {
  const billed = i.compared.plus(i.ignored).plus(i.credits);
  return {
    currency: i.currency,
    bill_total: formatExact(billed),
    converted: i.converted,
    compared: formatExact(i.compared),
    ignored: formatExact(i.ignored),
    credits: formatExact(i.credits),
    computed_total: formatExact(i.computed),
    delta: formatExact(billed.minus(i.computed)),
    compared_delta: formatExact(i.compared.minus(i.computed)),
  };
}

/** The JSON contract of SPEC 4, `burnrate.reconcile/v1`: every amount and quantity a decimal string, absent ones null. */
export function reconcileJson(r: Reconciliation): object {
  const s = summarize(r);
  const statusOf = new Map(r.lines.map((l) => [l.difference, l.status]));
  const units = { unit: r.unit, currency: r.currency };
  return {
    schema: "burnrate.reconcile/v1",
    card: { provider: r.provider, version: r.version },
    unit: r.unit,
    timezone: r.timezone,
    bill: { file: r.bill.file, layout: r.bill.layout, dimensions: r.bill.dimensions },
    cycles: r.cycles.map((c) => ({ start: formatInstant(c.start), end: formatInstant(c.end) })),
    tolerance: { absolute: formatExact(r.tolerance.absolute), percent: formatExact(r.tolerance.percent) },
    boundary: r.recut ? { class: "boundary_shift", account_cycle_start: formatInstant(r.recut.accountStart), bill_cycle_start: formatInstant(r.recut.billStart), explanation: recutText(r.recut) } : null,
    boundary_shifts: r.shifts.map((f) => ({
      explanation: f.label,
      ...(f.accounts === undefined ? {} : { accounts: f.accounts }),
      moved_amount: formatExact(f.moved),
      moved_money: formatExact(f.movedMoney),
      account_computed_total: formatExact(f.accountTotal),
      explained_lines: f.explained,
      rule: f.rule,
      cut: f.cut.found,
      declared_cut: f.cut.declared,
      at_declared_cut: f.cut.atDeclared,
    })),
    status: s.status,
    ...(r.usageGaps === undefined ? {} : { usage_gaps: r.usageGaps }),
    ...(r.warnings === undefined || r.warnings.length === 0 ? {} : { warnings: r.warnings }),
    bill_total: formatExact(r.billTotal),
    computed_total: formatExact(r.computedTotal),
    delta: formatExact(r.billTotal.minus(r.computedTotal)),
    money: r.money ? { currency: r.money.currency, bill_total: formatExact(r.money.billTotal), computed_total: formatExact(r.money.computedTotal), delta: formatExact(r.money.billTotal.minus(r.money.computedTotal)) } : null,
    ...(r.overageNotCompared === undefined ? {} : { overage_not_compared: { currency: r.currency, computed_total: formatExact(r.overageNotCompared.amount), accounts: r.overageNotCompared.accounts } }),
    overcharged: directionJson(s.overcharged),
    undercharged: directionJson(s.undercharged),
    explained: { differences: s.explained.count, amount: formatExact(s.explained.amount), money: formatExact(s.explained.money) },
    unexplained: { differences: s.unexplained.count, amount: formatExact(s.unexplained.amount), money: formatExact(s.unexplained.money) },
    over_tolerance: s.overTolerance,
    agreeing_lines: r.agreeing,
    // Made an element at a time as they are written (MappedArray): a bill of 96,000 lines made them all at once.
    differences: new MappedArray(r.differences, (d) => differenceJson(d, statusOf.get(d)!, units)),
    lines: new MappedArray(r.lines, (l) => lineJson(l, units)),
    outside_bill: r.outsideBill.map((c) => ({ start: formatInstant(c.start), end: formatInstant(c.end), computed_amount: formatExact(c.amount) })),
    other_accounts: new MappedArray(r.otherAccounts, (a) => ({ account: a.account, computed_amount: formatExact(a.amount) })),
    usage_events: r.replayed.events,
    duplicate_events: duplicateEventsJson(r.replayed),
    ignored: r.ignored.map((i) => ({
      cycle: i.cycleStart === undefined ? null : formatInstant(i.cycleStart),
      ...(i.account === undefined ? {} : { account: i.account }),
      activity: i.activity,
      rows: i.rows,
      amount: formatExact(i.amount),
      unit: r.unit,
    })),
    credits: {
      rule: r.creditRule,
      amount: formatExact(sumCredits(r, false)),
      money: formatExact(sumCredits(r, true)),
      rows: r.credits.map((c) => ({
        cycle: formatInstant(c.cycleStart),
        ...(c.account === undefined ? {} : { account: c.account }),
        meters: c.meters,
        activity: c.activity,
        dimensions: c.dimensions,
        amount: formatExact(c.amount),
        unit: c.money ? units.currency : units.unit,
        bill_line: c.origin.line,
        attention: r.creditRule === "fail",
      })),
    },
    invoice: r.invoice ? invoiceJson(r.invoice) : null,
    payments: r.payments ? { rows: r.payments.rows, bill: formatExact(r.payments.bill), granted: formatExact(r.payments.granted) } : null,
  };
}
