import type { CostDiff } from "../../costdiff/diff.js";
import { delta, deltaPercent, type Totals } from "../../costdiff/compare.js";
import { gatePercent, inCredits, type MoneyChange } from "../../costdiff/money.js";
import { formatFixed, type Decimal } from "../../money.js";
import { minorDigits } from "../../ratecard/cycle-money.js";
import { credits } from "../shared/numbers.js";

/** The most decimals an amount of credits is shown with: past them, a figure is rounded (the JSON and CSV are exact). */
const MAX_DIGITS = 4;

/** How the diff's reports write its figures: credits, money, changes and percentages, cycles by their local date. */
export class Figures {
  constructor(private readonly d: CostDiff) {}

  /**
   * The decimals that show each value given exactly, up to MAX_DIGITS, and at least the card's display precision: the
   * figures of one row (old, new, change) agree with its percentage, where rounded to the display they did not
   * (newcomer, stop 38: 57 → 61.8 shown as 57 → 62, "+5 (+8.42%)", from which a reviewer computes +8.77%).
   */
  digits(...values: Decimal[]): number {
    return Math.max(this.d.card.precision.display, Math.min(MAX_DIGITS, Math.max(...values.map((v) => v.decimalPlaces()))));
  }

  amount(value: Decimal, digits = this.digits(value)): string {
    return credits(value, digits, this.d.card.precision.rounding);
  }

  signed(value: Decimal, digits = this.digits(value)): string {
    return `${value.gt(0) ? "+" : ""}${this.amount(value, digits)}`;
  }

  /** A row's old and new amounts and its change, all to the decimals of the most exact of them. */
  row(t: Totals): [string, string, string] {
    const n = this.digits(t.old, t.new);
    return [this.amount(t.old, n), this.amount(t.new, n), this.change(t)];
  }

  /** `OLD to NEW`, or `OLD → NEW`, to the decimals of the more exact. */
  fromTo(t: Totals, between = " to "): string {
    const n = this.digits(t.old, t.new);
    return `${this.amount(t.old, n)}${between}${this.amount(t.new, n)}`;
  }

  percent(t: Totals): string {
    const p = deltaPercent(t);
    if (p === undefined) return "new";
    return `${p.gt(0) ? "+" : ""}${formatFixed(p, 2)}%`;
  }

  change(t: Totals): string {
    const d = delta(t);
    return d.isZero() ? "0" : `${this.signed(d, this.digits(t.old, t.new))} (${this.percent(t)})`;
  }

  cycle(start: number): string {
    return this.d.zone.localDate(start);
  }

  /** An amount of money, to the currency's minor unit (34.00 USD). */
  money(value: Decimal): string {
    return credits(value, minorDigits(this.d.money.currency));
  }

  /** A money change, as `change` gives a credit one. */
  moneyChange(t: Totals): string {
    const d = delta(t);
    return d.isZero() ? "0" : `${d.gt(0) ? "+" : ""}${this.money(d)} (${this.percent(t)})`;
  }

  /** Paid credits drawn: the change, and its share of the credits the base card charged, as the gates judge it. */
  paidChange(t: Totals & { percentOf: Decimal }): string {
    const d = delta(t);
    if (d.isZero()) return "0";
    const p = gatePercent(t);
    return `${this.signed(d, this.digits(t.old, t.new))}${p === undefined ? "" : ` (${p.gt(0) ? "+" : ""}${formatFixed(p, 2)}% of ${this.amount(t.percentOf)} ${this.d.card.unit})`}`;
  }

  /** One money item's figure: money to the cent, credits drawn from paid grants as credits. */
  item(m: MoneyChange, value: Decimal): string {
    return inCredits(m.item) ? this.amount(value, this.digits(m.old, m.new)) : this.money(value);
  }
}
