import { Decimal, formatExact, roundToStep } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { Bill } from "./types.js";

/** A cent of a currency, as invoices round money. */
const CENT = new Decimal("0.01");

/** What a line's explanation needs of it: both sides' amounts, whether it is in money, how many bill rows it sums. */
interface ComparedLine {
  money: boolean;
  bill?: { amount: Decimal; rows: number } | undefined;
  computed?: { amount: Decimal } | undefined;
}

/**
 * A bill in the card's currency that does not say so: no currency cell on any usage row, no `currency:` in its mapping,
 * and every usage line compared is the usage's amount in that currency at the card's credit price (to the cent, or
 * less than a cent a row where the line sums several). Each such line that differs is given why, and the way on: a
 * dollar invoice read as cents showed ten rate drifts, "the card may be out of date", each 100 times off, while the
 * plan fee on the same file was read in dollars and agreed (newcomer, stop 37). The lines, by id, with their text;
 * none where any usage line does not fit, or none differs.
 */
export function unsaidCurrency<L extends ComparedLine>(bill: Pick<Bill, "charges" | "layout">, lines: ReadonlyMap<string, L>, card: RateCard, versionOf: (line: L) => RateCard = () => card): Map<string, string> {
  const out = new Map<string, string>();
  const usage = bill.charges.filter((c) => !c.money);
  if (usage.length === 0 || usage.some((c) => c.currencyUnstated !== true)) return out;
  // Each line at the credit price of the version in force in its cycle, as the statement charges its credits (period-price.ts).
  const priceOf = (l: L) => versionOf(l).creditPrice;
  const compared = [...lines].filter(([, l]) => !l.money && l.bill !== undefined && l.computed !== undefined && !(l.bill.amount.isZero() && l.computed.amount.isZero()));
  if (compared.some(([, l]) => { const p = priceOf(l); return p === undefined || p.isZero() || p.eq(1); })) return out;
  const fits = (l: L) => {
    const price = priceOf(l)!;
    const money = l.computed!.amount.mul(price);
    const billed = l.bill!.amount;
    if (billed.eq(money)) return true;
    if (l.bill!.rows > 1) return billed.minus(money).abs().lt(CENT.mul(l.bill!.rows));
    return roundToStep(money, CENT, "half-even").eq(billed) || roundToStep(money, CENT, "half-up").eq(billed);
  };
  if (compared.length === 0 || !compared.every(([, l]) => fits(l))) return out;
  if (!compared.some(([, l]) => !l.bill!.amount.isZero() && !l.bill!.amount.eq(l.computed!.amount))) return out;
  const currency = card.currency;
  const column = bill.layout === "focus" ? "BillingCurrency" : "currency";
  for (const [id, l] of compared) {
    if (l.bill!.amount.eq(l.computed!.amount)) continue;
    const price = priceOf(l)!;
    const money = l.computed!.amount.mul(price);
    out.set(id, `the bill's ${formatExact(l.bill!.amount)} is the usage's ${formatExact(l.computed!.amount)} ${card.unit} in ${currency} at the card's credit price of ${formatExact(price)} (${formatExact(money)}${l.bill!.amount.eq(money) ? "" : ", to the cent"}), as every usage line of this bill is: its amounts are ${currency}, read as ${card.unit} because the bill does not say what they are in; currency: ${currency} in the bill mapping (or a ${column} column) reads them so`);
  }
  return out;
}

/**
 * The mirror of unsaidCurrency: a bill in the card's unit throughout that does not say so, its plan fee and overage
 * rows read as money (newcomer50 F6: a bill in cents, its usage lines agreeing to the cent, showed the plan fee's
 * 50000 cents as "50000 USD ... the card may be out of date", and the overage likewise). Where no row says what it is
 * in, a usage line agrees as it is in the unit, and every money line that differs is the computed money in the unit at
 * the credit price, each such line is given why, and the key that reads the whole bill so.
 */
export function unsaidUnit<L extends ComparedLine>(bill: Pick<Bill, "charges">, lines: ReadonlyMap<string, L>, card: RateCard, versionOf: (line: L) => RateCard = () => card): Map<string, string> {
  const out = new Map<string, string>();
  if (bill.charges.length === 0 || bill.charges.some((c) => c.currencyUnstated !== true)) return out;
  const both = [...lines].filter(([, l]) => l.bill !== undefined && l.computed !== undefined && !(l.bill.amount.isZero() && l.computed.amount.isZero()));
  if (!both.some(([, l]) => !l.money && l.bill!.amount.eq(l.computed!.amount))) return out;
  const differing = both.filter(([, l]) => l.money && !l.bill!.amount.eq(l.computed!.amount));
  const inUnit = (l: L) => {
    const price = versionOf(l).creditPrice;
    return price === undefined || price.isZero() || price.eq(1) ? undefined : { price, units: l.computed!.amount.div(price) };
  };
  if (differing.length === 0 || !differing.every(([, l]) => inUnit(l)?.units.eq(l.bill!.amount) === true)) return out;
  for (const [id, l] of differing) {
    const { price } = inUnit(l)!;
    out.set(id, `the bill's ${formatExact(l.bill!.amount)} is the ${formatExact(l.computed!.amount)} ${card.currency} computed, in ${card.unit} at the card's credit price of ${formatExact(price)}, as the bill's usage lines are in ${card.unit}: its money rows are read as ${card.currency} because the bill does not say what they are in; currency: ${card.unit} in the bill mapping reads every row in ${card.unit}`);
  }
  return out;
}
