import type { AccountSettings } from "../account/account.js";
import type { AccountChange, AccountTerms, GrantPurchase } from "../engine/types.js";
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
