import type { Decimal } from "../money.js";
import type { Credits, Scale } from "./credits.js";

/**
 * A budget and its alert levels in credits, the rule's one statement of them, read by the cycle's spend and by
 * the budget's check and room (rules.ts). Spend is counted in credits (whole units of the scale), so a budget of
 * `amount` is passed once spend exceeds floor(amount x 10^digits), and `percent` of it is reached once spend
 * is at least ceil(amount x percent / 100 x 10^digits). Worked out once a budget, scale and percent: a budget's
 * every charge asks (a gateway log past its credits, a row a charge).
 */
export function budgetCredits(scale: Scale, budget: Decimal): Credits {
  return levelOf(scale, budget, WHOLE, () => BigInt(budget.mul(`1e${scale.digits}`).floor().toFixed()));
}

/** The least credits spent at which `percent` of the budget is reached. */
export function alertCredits(scale: Scale, budget: Decimal, percent: number): Credits {
  return levelOf(scale, budget, percent, () => BigInt(budget.mul(percent).div(100).mul(`1e${scale.digits}`).ceil().toFixed()));
}

/** The budget itself among its levels: no alert's percent is negative. */
const WHOLE = -1;

const LEVELS = new WeakMap<Decimal, Map<string, Credits>>();

function levelOf(scale: Scale, budget: Decimal, percent: number, work: () => Credits): Credits {
  let levels = LEVELS.get(budget);
  if (levels === undefined) LEVELS.set(budget, (levels = new Map()));
  const key = `${scale.digits} ${percent}`;
  let level = levels.get(key);
  if (level === undefined) levels.set(key, (level = work()));
  return level;
}
