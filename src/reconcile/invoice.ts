import type { BillLayout } from "../bill/mapping.js";
import type { BillCharge, IgnoredRow } from "../bill/types.js";
import { ZERO, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { Calendar } from "../time.js";
import { sumOf, type PlacedCharge } from "./align.js";
import type { AlignedLine, CreditRow, InvoiceTotal } from "./types.js";

/** The groups' credit rows at their cycles, in the bill's order. */
export function creditRows(parts: readonly { calendar: Calendar; credits: readonly PlacedCharge[] }[]): CreditRow[] {
  const rows = parts.flatMap((p) => p.credits.map((c) => ({
    cycleStart: p.calendar.start(c.cycle),
    account: c.account,
    activity: c.activity,
    meters: c.meters,
    dimensions: c.dimensions,
    money: c.money,
    amount: c.amount,
    origin: c.origin,
  })));
  return rows.sort((a, b) => a.origin.line - b.origin.line);
}

/**
 * What burnrate computes for a group's compared lines in the card's currency: a line in money as it is, a usage line's
 * credits at the credit price of the version in force in its cycle; undefined where one has none. A usage line the bill
 * does not list is no money on it: credits a plan's allowance covers cost nothing, and those past it are billed as
 * overage, a money line. Counted at the credit price, an invoice of fees and pay-as-you-go read 89 USD short where it
 * was 0.34 over (newcomer56 H1); the line itself is still told, missing on the bill.
 */
export function inCurrency(lines: readonly AlignedLine[], priceOf: (line: AlignedLine) => Decimal | undefined): Decimal | undefined {
  let total = ZERO;
  for (const line of lines) {
    const amount = line.computed?.amount;
    if (amount === undefined) continue;
    if (line.money) {
      total = total.plus(amount);
      continue;
    }
    if (line.bill === undefined) continue;
    const price = priceOf(line);
    if (price === undefined) return undefined;
    total = total.plus(amount.mul(price));
  }
  return total;
}

/**
 * The bill's total as billed, every row of it (compared, ignored, credits), and what burnrate computes for the compared
 * rows: the figure a finance analyst signs the invoice against, which the report gave only in the card's unit and in
 * parts (newcomer, stop 38: 69.45 USD was nowhere). In the card's unit where every row and line is in it; else in its
 * currency, rows in the unit turned into it at the credit price of their period. None for a ledger, which moves credits
 * and is no invoice, nor where a row or a line has no price in the currency (a card without a credit price).
 */
export function invoiceTotal(input: {
  card: RateCard;
  layout: BillLayout;
  charges: readonly BillCharge[];
  credits: readonly BillCharge[];
  ignored: readonly IgnoredRow[];
  /** The compared lines' computed amounts: in the card's unit (money lines apart), and each group's in its currency. */
  computed: { units: Decimal; money: boolean; inCurrency: readonly (Decimal | undefined)[] };
}): InvoiceTotal | undefined {
  if (input.layout === "ledger") return undefined;
  const rows = [...input.charges, ...input.credits, ...input.ignored];
  const total = (of: readonly { amount: Decimal; inCurrency?: Decimal }[], inUnit: boolean) => (inUnit ? sumOf(of.map((r) => r.amount)) : of.some((r) => r.inCurrency === undefined) ? undefined : sumOf(of.map((r) => r.inCurrency!)));
  const inUnit = !input.computed.money && !rows.some((r) => r.billedInCurrency === true);
  const [compared, ignored, credits] = [total(input.charges, inUnit), total(input.ignored, inUnit), total(input.credits, inUnit)];
  const computed = inUnit ? input.computed.units : input.computed.inCurrency.some((c) => c === undefined) ? undefined : sumOf(input.computed.inCurrency.map((c) => c!));
  if (compared === undefined || ignored === undefined || credits === undefined || computed === undefined) return undefined;
  return { currency: inUnit ? input.card.unit : input.card.currency, compared, ignored, credits, computed, converted: !inUnit && rows.some((r) => r.billedInCurrency !== true) };
}
