/** A card's head: one category, one pool of the policy, an included grant, plan `pro` (with `plan` after its label), and the rest after it. */
export function cardHead(pool: string, plan: string, rest: string): string {
  return `provider: rt
version: "a"
effective: "2026-11-01"
unit: credits
currency: USD
credit_price: "0.01"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c1: { label: C1 }
pools:
  ${pool}
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
plans:
  pro: { label: Pro, ${plan} }
${rest}`;
}
