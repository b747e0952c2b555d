import type { CostDiff } from "../../costdiff/diff.js";
import { delta, type Totals } from "../../costdiff/compare.js";
import { gatePercent, inCredits, type MoneyChange } from "../../costdiff/money.js";
import { formatFixed, type Decimal } from "../../money.js";
import { minorDigits } from "../../ratecard/cycle-money.js";
import { credits } from "../shared/numbers.js";

/**
 * The decimals an amount of credits is shown with at most, unless a figure of the row is so small that they would show
 * it with one significant digit or none: then as many as give it SIGNIFICANT. A row of 12.3456789 is rounded to 4
 * decimals; one of 0.000012 → 0.000016 is shown whole, where it read 0.0000 → 0.0000, +0.0000 (+33.33%) while the
 * gate failed (red team, stop 38). The JSON and CSV are exact.
 */
const MAX_DIGITS = 4;
const SIGNIFICANT = 4;

/** The decimals a figure below 0.001 needs for SIGNIFICANT digits (8 for 0.000012); 0 for the others, which MAX_DIGITS shows. */
const significantDigits = (v: Decimal): number => (v.isZero() || v.e > -MAX_DIGITS ? 0 : SIGNIFICANT - 1 - v.e);

/** How the diff's reports write its figures: credits, money, changes and percentages, cycles by their local date. */
export class Figures {
  /** The run's percentage limits (--fail-over, the per-meter gates', --fail-over-line): a share is shown on its side of each. */
  private readonly limits: readonly Decimal[];

  constructor(private readonly d: CostDiff) {
    this.limits = [
      ...(d.failOver === undefined ? [] : [d.failOver.percent]),
      ...d.gates.filter((g) => !g.flag.endsWith("-amount")).map((g) => g.limit),
      ...(d.failOverLine === undefined ? [] : [d.failOverLine.percent]),
    ];
  }

  /**
   * The decimals that show each value given exactly, up to MAX_DIGITS, and at least the card's display precision: the
   * figures of one row (old, new, change) agree with its percentage, where rounded to the display they did not
   * (newcomer, stop 38: 57 → 61.8 shown as 57 → 62, "+5 (+8.42%)", from which a reviewer computes +8.77%).
   */
  digits(...values: Decimal[]): number {
    const limit = Math.max(MAX_DIGITS, ...values.map(significantDigits));
    return Math.max(this.d.card.precision.display, Math.min(limit, Math.max(...values.map((v) => v.decimalPlaces()))));
  }

  /** The decimals of a row: its old and new amounts and its change, which may need more than either (1.00001 → 1.00002). */
  rowDigits(t: Totals): number {
    return this.digits(t.old, t.new, delta(t));
  }

  amount(value: Decimal, digits = this.digits(value)): string {
    return credits(value, digits, this.d.card.precision.rounding);
  }

  signed(value: Decimal, digits = this.digits(value)): string {
    return `${value.gt(0) ? "+" : ""}${this.amount(value, digits)}`;
  }

  /** A row's old and new amounts and its change, all to the decimals of the most exact of them. */
  row(t: Totals): [string, string, string] {
    const n = this.rowDigits(t);
    return [this.amount(t.old, n), this.amount(t.new, n), this.change(t)];
  }

  /** `OLD to NEW`, or `OLD → NEW`, to the decimals of the more exact. */
  fromTo(t: Totals, between = " to "): string {
    const n = this.rowDigits(t);
    return `${this.amount(t.old, n)}${between}${this.amount(t.new, n)}`;
  }

  /** A change's share of its old amount, or of `percentOf`: to 2 places, or to as many as say on which side of the run's limits it is (gatePercent). */
  share(t: Totals & { percentOf?: Decimal }): Decimal | undefined {
    return gatePercent(t, this.limits);
  }

  /** A share as the reports write it: signed, to at least 2 places. */
  shareText(share: Decimal): string {
    return `${share.gt(0) ? "+" : ""}${formatFixed(share, Math.max(2, share.decimalPlaces()))}%`;
  }

  percent(t: Totals): string {
    const p = this.share({ old: t.old, new: t.new });
    return p === undefined ? "new" : this.shareText(p);
  }

  change(t: Totals): string {
    const d = delta(t);
    return d.isZero() ? "0" : `${this.signed(d, this.rowDigits(t))} (${this.percent(t)})`;
  }

  cycle(start: number): string {
    return this.d.zone.localDate(start);
  }

  /** An amount of money, to the currency's minor unit (34.00 USD), or to the decimals given. */
  money(value: Decimal, digits = minorDigits(this.d.money.currency)): string {
    return credits(value, digits);
  }

  /**
   * The decimals of a row of money: the currency's minor unit, more where a part is finer (an overage of 0.002 USD a
   * request), as `digits` gives credits, so a change of a tenth of a cent does not read +0.00.
   */
  moneyDigits(t: Totals): number {
    const values = [t.old, t.new, delta(t)];
    const limit = Math.max(MAX_DIGITS, ...values.map(significantDigits));
    return Math.max(minorDigits(this.d.money.currency), Math.min(limit, Math.max(...values.map((v) => v.decimalPlaces()))));
  }

  /** `OLD to NEW` in money, to the decimals of the more exact (moneyDigits). */
  moneyFromTo(t: Totals, between = " to "): string {
    const n = this.moneyDigits(t);
    return `${this.money(t.old, n)}${between}${this.money(t.new, n)}`;
  }

  /** A money change, as `change` gives a credit one. */
  moneyChange(t: Totals): string {
    const d = delta(t);
    return d.isZero() ? "0" : `${d.gt(0) ? "+" : ""}${this.money(d, this.moneyDigits(t))} (${this.percent(t)})`;
  }

  /** Paid credits drawn: the change, and its share of the credits the base card charged, as the gates judge it. */
  paidChange(t: Totals & { percentOf: Decimal }): string {
    const d = delta(t);
    if (d.isZero()) return "0";
    const p = this.share(t);
    return `${this.signed(d, this.rowDigits(t))}${p === undefined ? "" : ` (${this.shareText(p)} of ${this.amount(t.percentOf)} ${this.d.card.unit})`}`;
  }

  /** One money item's figure: money to the cent, credits drawn from paid grants as credits. */
  item(m: MoneyChange, value: Decimal): string {
    return inCredits(m.item) ? this.amount(value, this.rowDigits(m)) : this.money(value, this.moneyDigits(m));
  }
}
