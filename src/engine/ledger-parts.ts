import type { Decimal } from "../money.js";
import type { Scale } from "./credits.js";
import type { PriceBook, PricedEvent } from "./pricing.js";
import type { LedgerPart } from "./types.js";
import type { ShapePart } from "./replay-state.js";

/**
 * What a charge's components came to, for a ledger that asks (LedgerSink.parts): each component's quantity and credits,
 * as the statement's component lines sum them, the charge's own line the rest. Reconcile re-cuts a bill's periods from
 * the ledger, and a token-priced row's entry gave only its requests and its credits: every input and output token line
 * of a correct bill was "missing in usage" (newcomer63b H1). A component of no quantity has no line, as in the statement.
 */
export function ledgerParts(charge: { priced: PricedEvent | undefined; parts: readonly ShapePart[] | undefined; components: Readonly<Record<string, Decimal>> | undefined }, book: PriceBook, scale: Scale): LedgerPart[] {
  const out: LedgerPart[] = [];
  for (const p of charge.priced?.extras ?? []) {
    if (p.component !== undefined && !p.quantity.isZero()) out.push({ component: p.component, quantity: p.quantity, unitPrice: p.unit.value, amount: p.amount });
  }
  for (const part of charge.parts ?? []) {
    const quantity = charge.components?.[part.name];
    if (quantity === undefined || quantity.isZero()) continue;
    out.push({ component: part.name, quantity, unitPrice: part.unit.value, amount: scale.decimal(scale.product(book.quantity(quantity), part.unit.exact)) });
  }
  return out;
}
