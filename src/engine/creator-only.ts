import { ZERO } from "../money.js";
import { GIVEN_KINDS } from "../ratecard/purchases.js";
import type { AccountStatement } from "./types.js";

/**
 * An account's statement, as a creator only where a reward alone made it: the account file does not name it and it
 * has no usage, refusal or purchase of its own. Its rewards are shown; it has no subscription in the file, so each
 * cycle is one the plan did not run in (`subscriptionEnd` at its start: no fee, no included credits, as planBilled
 * reads it in the statement, reconcile and diff), where the top-level plan's fee was billed to a customer no one
 * named (red team, stop 38: two invented 20 USD subscriptions beside one customer's).
 */
export function creatorOnly(statement: AccountStatement, { madeByReward, own }: { madeByReward: boolean; own: boolean }): AccountStatement {
  if (!madeByReward) return statement;
  const cycles = statement.cycles;
  if (own) return { account: statement.account, plan: statement.plan, cycles };
  // No purchase names it: the plan's grants are not its own, nor is a grant granted in its cycles, a recurring grant of
  // the terms it is not on (red61b F3). Given by the plan, not whether paid: a promo given free is the terms' all the same.
  return {
    account: statement.account,
    plan: statement.plan,
    rewardsOnly: true,
    // On no plan, no version's allowance reached it either: a switch's resize made in its run is not shown (red62c F2).
    // Nor are the credits those grants bought, by version (boughtIn), which a cycle's money counts where versions are given.
    cycles: cycles.map(({ boughtIn: _terms, ...c }) => ({ ...c, allowance: ZERO, allowanceUsed: ZERO, grants: c.grants.filter((g) => !GIVEN_KINDS.has(g.kind) && g.granted.isZero()), subscriptionEnd: c.start, timeline: [], plans: [] })),
  };
}
