import type { Decimal } from "../money.js";
import type { Plan } from "../ratecard/types.js";
import type { AccountTerms } from "./types.js";

/** An account on a plan with nothing else agreed: the plan's allowance, no overage billing, no budgets, limits or subscription top-ups. */
export function planTerms(plan: Plan, allowance: Decimal = plan.included): AccountTerms {
  return { plan, allowance, overage: false, budgets: new Map(), dailyLimits: new Map(), lowBalance: undefined, recurringGrants: [] };
}
