import type { AccountSettings } from "../account/account.js";
import { planTerms } from "../engine/terms.js";
import type { AccountChange, AccountTerms, GrantPurchase } from "../engine/types.js";
import type { Plan } from "../ratecard/types.js";
import { versionInstants } from "../ratecard/versions.js";
import { Calendar } from "../time.js";
import { ACCOUNT } from "./expand.js";
import type { Scenario } from "./types.js";

/** The account a scenario replays: the scenario's own (its changes by default), or one paying user's (`name`). */
export function simulationSettings(scenario: Scenario, account: { name?: string; terms: AccountTerms; purchases: GrantPurchase[]; changes?: AccountChange[] }): AccountSettings {
  const calendar = new Calendar(scenario.start, scenario.zone);
  const name = account.name ?? ACCOUNT;
  return {
    name,
    zone: scenario.zone,
    anchor: scenario.start,
    terms: account.terms,
    accounts: new Map([[name, account.terms]]),
    purchases: account.purchases,
    subscriptionEnd: undefined,
    through: calendar.start(scenario.cycles - 1),
    renewalMonths: 1,
    changes: account.changes ?? scenario.changes,
    versions: versionInstants(scenario.card, scenario.zone),
  };
}

/**
 * The terms an account of the scenario is on, the one rule simulate's plans, its per-user accounts and a `burnrate
 * test` scenario case all price by: the plan, with the scenario's negotiated allowance on its own account (`own`),
 * and the scenario's overage billing and daily limits on every account, as an emitted account file gives them to
 * every account of the statement. A scenario case built its terms from the plan alone (red team, stop 38: the
 * agency's daily limit and Floopy's overage left out, 4,999 credits where simulate gives 4,410).
 */
export function scenarioTerms(scenario: Scenario, plan: Plan, own: boolean): AccountTerms {
  const allowance = own && scenario.allowance !== undefined ? scenario.allowance : plan.included;
  return { ...planTerms(plan, allowance), overage: scenario.overage, dailyLimits: scenario.dailyLimits };
}
