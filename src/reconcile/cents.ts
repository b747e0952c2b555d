import { roundToStep, sum, type Decimal } from "../money.js";
import type { BillPart, ComputedSide } from "./types.js";

/** How a line's usage rows given in money were rounded: the cent's step in the card's unit, and how many rows each rounded one. */
export interface CentRounding {
  step: Decimal;
  rows: number;
}

/**
 * Whether a line's usage rows (not its credit, adjustment or tax rows), each given in money and so rounded to a cent
 * of its currency, come from the usage's amount by that rounding. One row is rounded to the nearest cent
 * (half-even or half-up), as a money amount is. Several rows are each rounded on their own (up, down or to the
 * nearest), so together they are less than a cent a row off. A row that is no whole cent was not rounded to one
 * (0.0269 USD), and on a line of one price, a row that gives its quantity is tested on its own: one whose usage is
 * exact at the cent was not rounded at all (300 reads at 0.01 credits, 0.03 USD, billed 0.04). Both passed as the
 * bill "rounding each of its rows to a cent" (red team, stop 36). Undefined where the rows are not every one in money
 * at one step, or that rounding does not explain them.
 */
export function centRounding(parts: readonly BillPart[], computed: ComputedSide): CentRounding | undefined {
  const step = parts[0]?.step;
  if (step === undefined || parts.some((p) => p.step === undefined || !p.step.eq(step))) return undefined;
  if (parts.some((p) => !p.amount.div(step).isInteger())) return undefined;
  const billed = sum(parts.map((p) => p.amount));
  if (parts.length === 1) return nearest(computed.amount, billed, step) ? { step, rows: 1 } : undefined;
  if (!billed.minus(computed.amount).abs().lt(step.mul(parts.length))) return undefined;
  const price = computed.unitPrice;
  // Only where the line is its quantity at one price (no allowance or tier inside it) is a row's own usage its quantity at that price.
  if (price !== undefined && computed.quantity.mul(price).eq(computed.amount)) {
    for (const part of parts) {
      if (part.quantity === undefined) continue;
      const exact = part.quantity.mul(price).div(step);
      if (!part.amount.div(step).eq(exact.floor()) && !part.amount.div(step).eq(exact.ceil())) return undefined;
    }
  }
  return { step, rows: parts.length };
}

/** Whether `billed` is `exact` rounded to the nearest `step` (half-even or half-up): how an amount in money is taken to be rounded. */
export function nearest(exact: Decimal, billed: Decimal, step: Decimal): string | undefined {
  return (["half-even", "half-up"] as const).find((mode) => roundToStep(exact, step, mode).eq(billed));
}
