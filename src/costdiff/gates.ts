import type { Decimal } from "../money.js";
import { delta, pastPercent, type CostRow, type Totals } from "./compare.js";
import { inCredits, type MoneyChange } from "./money.js";

/** The per-meter gates of `burnrate diff`: by how much one meter may move, in one cycle and account. */
export const GATE_FLAGS = ["--fail-over-meter", "--fail-over-amount", "--fail-under-meter", "--fail-under-amount"] as const;
export type GateFlag = (typeof GATE_FLAGS)[number];

export interface GateLimit {
  flag: GateFlag;
  /** A percentage for the -meter gates, credits for the -amount ones; 0 or more. */
  limit: Decimal;
}

export interface GateResult extends GateLimit {
  /** The cycle, account and meter rows past the limit, largest change first. */
  tripped: CostRow[];
  /** The cycle and account money items (and paid credits drawn) past the limit, largest change first. */
  money: MoneyChange[];
}

/**
 * Whether one row is past a gate. A rise is past `--fail-over-meter PCT` when
 * it is more than PCT percent of the old amount, and a rise from 0 always is
 * (no percentage is large enough); a fall to 0 is -100%.
 */
function past(row: Totals & { percentOf?: Decimal }, gate: GateLimit, amountLimit: { limit: Decimal | undefined } = { limit: gate.limit }): boolean {
  const change = delta(row);
  const rising = gate.flag.startsWith("--fail-over");
  if (rising ? !change.gt(0) : !change.lt(0)) return false;
  // No limit where money has no rate to credits: any change in the gate's direction trips it (fail closed).
  if (gate.flag.endsWith("-amount")) return amountLimit.limit === undefined || change.abs().gt(amountLimit.limit);
  return pastPercent(row, gate.limit);
}

/**
 * The gates over the meters, and over each account's cycle money and paid credits drawn. An -amount gate's
 * limit is in credits: a money item's is those credits at its cycle's credit price (MoneyChange.creditPrice, the
 * version the cycle ended on, where versions are given), else the card's (`creditPrice`), so `--fail-over-amount
 * 100` on a card of cents at 0.01 USD stops a rise of more than 1 USD; a card with no credit_price gives no rate
 * to read credits in money, and any money change in the gate's direction trips it (fail closed).
 */
const rank = (m: MoneyChange) => (m.item === "total" ? 1 : inCredits(m.item) ? 2 : 0);

export function checkGates(rows: readonly CostRow[], money: readonly MoneyChange[], gates: readonly GateLimit[], creditPrice: Decimal | undefined): GateResult[] {
  const largest = (a: Totals, b: Totals) => delta(b).abs().comparedTo(delta(a).abs());
  return gates.map((gate) => ({
    ...gate,
    tripped: rows.filter((r) => past(r, gate)).sort(largest),
    // A part before the money total, which sums the parts, and the money before the credits drawn: the largest named is the part that moved.
    // A limit object, not an optional argument: an argument left undefined (no credit price) took the default, the
    // credits' limit, and read a dollar as a credit (red team, stop 36: +80 USD passed --fail-over-amount 100).
    // An item with a side unknown (credits bought at no credit_price) has no change to judge: it is not measured (diff.ts).
    money: money.filter((m) => m.unpriced === undefined && past(m, gate, { limit: inCredits(m.item) ? gate.limit : (m.creditPrice ?? creditPrice)?.mul(gate.limit) })).sort((a, b) => rank(a) - rank(b) || largest(a, b)),
  }));
}
