import { delta, type Totals } from "../../costdiff/compare.js";
import type { CostDiff } from "../../costdiff/diff.js";
import { unknownSide, type MoneyChange } from "../../costdiff/money.js";
import { exactGrouped } from "../shared/numbers.js";

/**
 * How the reports say a money figure is unknown: credits bought at no credit_price are left out of it, as the
 * statement leaves them out of its total (`total: null`). Which card, and how many credits: a reader told only
 * "unknown" cannot tell a missing price from a missing purchase (red team, stop 38).
 */
function whyUnknown(unpriced: Totals, unit: string): string {
  const [o, n] = [unpriced.old.gt(0), unpriced.new.gt(0)];
  if (o && n) return `${exactGrouped(unpriced.old)} ${unit} under the base card and ${exactGrouped(unpriced.new)} under the new one bought at no credit_price`;
  return `${exactGrouped(o ? unpriced.old : unpriced.new)} ${unit} bought at no credit_price under the ${o ? "base" : "new"} card`;
}

/** A money item's change where a side is unknown: no figure, and why. */
export const unknownChange = (m: MoneyChange, unit: string): string => `unknown: ${whyUnknown(m.unpriced!, unit)}`;

/** Whether a money item with a side unknown is a line of the report: one side unknown always, both where something differs. */
export const unknownShown = (m: MoneyChange): boolean =>
  unknownSide(m) !== "both" || !delta(m).isZero() || !m.unpriced!.old.eq(m.unpriced!.new);

/** The money total over the usage where some cycle's is unknown: the fact's text. */
export function unknownTotalFact(d: CostDiff): string | undefined {
  const u = d.money.unpricedBought;
  if (d.money.otherCurrency !== undefined || (u.old.isZero() && u.new.isZero())) return undefined;
  return `unknown: ${whyUnknown(u, d.card.unit)}`;
}

/** The summary's sentence where the money total is unknown: which card, and why, so "no money sentence" is not read as no change. */
export function unknownTotalSentence(d: CostDiff): string | undefined {
  const u = d.money.unpricedBought;
  if (d.money.otherCurrency !== undefined || (u.old.isZero() && u.new.isZero())) return undefined;
  return `Money (${d.money.currency}) is not compared: its total is unknown, with ${whyUnknown(u, d.card.unit)}; the plan fees and overage are compared cycle by cycle.`;
}
