import { cardPathOf, type AccountFile } from "../account/account.js";
import type { ReplayInputOptions } from "../inputs.js";
import { besideMappings, runInputs, type RunInput } from "../output.js";

/**
 * What a replaying command (statement, diff, reconcile) reads: the card, the
 * account and the card it names, the usage and its mappings. An output may land
 * on none of them.
 */
export function replayRunInputs(options: ReplayInputOptions, account: AccountFile | undefined, more: Record<string, string | readonly string[] | undefined> = {}): RunInput[] {
  return runInputs({
    "--card": options.card,
    "--account": options.account,
    "account's card:": account === undefined ? undefined : cardPathOf(account),
    "--usage": options.usage,
    "--mapping": options.mapping,
    "usage mapping": besideMappings(options.usage),
    ...more,
  });
}
