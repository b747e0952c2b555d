import { formatExact, type Decimal } from "../../money.js";
import { computedQuantity, meterName, summarize } from "../../reconcile/summary.js";
import type { Reconciliation } from "../../reconcile/types.js";
import { formatInstant } from "../../time.js";

const exact = (v: Decimal | undefined) => (v === undefined ? null : formatExact(v));

/** The JSON contract of SPEC 4, `burnrate.reconcile/v1`: every amount and quantity a decimal string, absent ones null. */
export function reconcileJson(r: Reconciliation): object {
  const s = summarize(r);
  return {
    schema: "burnrate.reconcile/v1",
    card: { provider: r.provider, version: r.version },
    unit: r.unit,
    timezone: r.timezone,
    bill: { file: r.bill.file, layout: r.bill.layout, dimensions: r.bill.dimensions },
    cycles: r.cycles.map((c) => ({ start: formatInstant(c.start), end: formatInstant(c.end) })),
    tolerance: { absolute: formatExact(r.tolerance.absolute), percent: formatExact(r.tolerance.percent) },
    status: s.status,
    bill_total: formatExact(r.billTotal),
    computed_total: formatExact(r.computedTotal),
    delta: formatExact(r.billTotal.minus(r.computedTotal)),
    explained: { differences: s.explained.count, amount: formatExact(s.explained.amount) },
    unexplained: { differences: s.unexplained.count, amount: formatExact(s.unexplained.amount) },
    over_tolerance: s.overTolerance,
    agreeing_lines: r.agreeing,
    differences: r.differences.map((d) => ({
      cycle: formatInstant(d.cycleStart),
      ...(d.line.account === undefined ? {} : { account: d.line.account }),
      meter: meterName(d),
      meters: d.line.meters,
      activity: d.line.activity,
      dimensions: d.line.dimensions,
      bill_quantity: exact(d.line.bill?.quantity),
      bill_amount: exact(d.line.bill?.amount),
      computed_quantity: exact(computedQuantity(d)),
      computed_amount: exact(d.line.computed?.amount),
      computed_events: d.line.computed?.events ?? 0,
      delta: formatExact(d.delta),
      class: d.class,
      explanation: d.explanation,
      within_tolerance: d.withinTolerance,
      ...(d.prices ? { bill_unit_price: formatExact(d.prices.bill), card_unit_price: formatExact(d.prices.card) } : {}),
      bill_rows: d.line.bill?.rows ?? 0,
      bill_line: d.line.bill?.origin.line ?? null,
    })),
    outside_bill: r.outsideBill.map((c) => ({ start: formatInstant(c.start), end: formatInstant(c.end), computed_amount: formatExact(c.amount) })),
    other_accounts: r.otherAccounts.map((a) => ({ account: a.account, computed_amount: formatExact(a.amount) })),
    ignored: r.ignored.map((i) => ({ activity: i.activity, rows: i.rows, amount: formatExact(i.amount) })),
    payments: r.payments ? { rows: r.payments.rows, bill: formatExact(r.payments.bill), granted: formatExact(r.payments.granted) } : null,
  };
}
