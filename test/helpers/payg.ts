/**
 * A pay-as-you-go card (newcomer56): Solo, 12 USD a month with 1,500 credits; a call costs 100 credits; credits past
 * zero are billed at 0.01 USD (when_exhausted: overage); a pack's credits, bought, never expire.
 */
export const PAYG_CARD = `provider: payg
version: "1"
unit: credits
currency: USD
credit_price: "0.01"
categories: { c: { label: Calls } }
pools: { p: { label: P, when_exhausted: overage } }
grant_kinds: { included: { priority: 1, expires: cycle_end }, pack: { priority: 2, expires: never } }
plans:
  solo: { label: Solo, included: 1500, price: 12 }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: p, price: "100" }
`;

/** A card of one `call` meter in one pool, in credits and USD: its provider, the pool's policy, its one plan (a YAML line) and the call's price. */
export function callCard(c: { provider: string; policy: string; plan: string; price: string }): string {
  return `provider: ${c.provider}
version: "1"
unit: credits
currency: USD
categories: { c: { label: Calls } }
pools: { p: { label: P, when_exhausted: ${c.policy} } }
grant_kinds: { included: { priority: 1, expires: cycle_end } }
plans:
  ${c.plan}
meters:
  call: { description: a call, aggregation: flow, category: c, pool: p, price: "${c.price}" }
`;
}
