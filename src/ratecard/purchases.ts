import type { Plan } from "./types.js";

/** The grant kind Fliplet's cards buy extra credits as (SPEC 6 account vocabulary). */
export const TOPUP = "topup";

/**
 * The grant kinds a customer buys credits as, by the words the cards use: Fliplet's
 * top-ups, Floopy's purchases, the app builder's packs, Flikly's add-ons. Other
 * kinds (included, one-time, bonus, promotions) are given, not sold.
 */
export const PURCHASE_KINDS: readonly string[] = [TOPUP, "purchase", "pack", "addon"];

/**
 * Whether a plan sells credits of a grant kind: a plan with `topups: false`
 * (Fliplet Free: "Top-ups are available on every paid plan") sells none of the
 * kinds bought. The one statement of the rule: the engine refuses a purchase
 * made while such a plan is in force, and a simulation buys nothing then.
 */
export function sells(plan: Plan, kind: string): boolean {
  return plan.topups || !PURCHASE_KINDS.includes(kind);
}
