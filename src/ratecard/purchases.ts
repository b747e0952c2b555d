import type { Plan } from "./types.js";

/** The grant kind Fliplet's cards buy extra credits as (SPEC 6 account vocabulary). */
export const TOPUP = "topup";

/**
 * The grant kinds a plan sells credits as, by the words the cards use: Fliplet's
 * top-ups, Floopy's purchases, the app builder's packs, Flikly's add-ons: what a
 * plan's `topups:` allows or forbids. Other kinds are not sold by the plan: given
 * (GIVEN_KINDS), or bought otherwise (Flowly's bonus credits, "when they're on sale").
 */
export const PURCHASE_KINDS: readonly string[] = [TOPUP, "purchase", "pack", "addon"];

/**
 * The kinds a customer can buy, in the order a simulation looks for the card's: those a plan sells, then Flowly's bonus
 * credits, "purchased separately as one-time purchases" whatever the plan (newcomer65b H1: simulate said Flowly sold
 * nothing more, and named no plan for a scenario Pro covers with bonus credits).
 */
export const BOUGHT_KINDS: readonly string[] = [...PURCHASE_KINDS, "bonus"];

/**
 * The grant kinds a plan gives, which cost nothing beyond its price. Every other kind was paid
 * for, unless the card says `paid: false` of it (a promotion): sold by the plan (PURCHASE_KINDS), a
 * subscription's top-up (Floopy's), or credits bought on sale (Flowly's bonus): its credits count as
 * bought in a cycle's money (isPaidGrant, cycle-money.ts). A card refuses `paid:` on these (load.ts).
 */
export const GIVEN_KINDS: ReadonlySet<string> = new Set(["included", "onetime"]);

/**
 * Whether a plan sells credits of a grant kind: a plan with `topups: false`
 * (Fliplet Free: "Top-ups are available on every paid plan") sells none of the
 * kinds bought. The one statement of the rule: the engine refuses a purchase
 * made while such a plan is in force, and a simulation buys nothing then.
 */
export function sells(plan: Plan, kind: string): boolean {
  return plan.topups || !PURCHASE_KINDS.includes(kind);
}
