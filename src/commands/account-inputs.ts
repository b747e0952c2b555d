import { accountWarnings, cardPathOf, resolveAccount, type AccountSettings } from "../account/account.js";
import { loadAccount, loadCardFor, type ReplayInputOptions } from "../inputs.js";
import type { RateCard } from "../ratecard/types.js";

/** What a replaying command takes from its account file and card: the card, the settings, the file's warnings to say, and the card it names (an input of the run). */
export interface AccountInputs {
  card: RateCard;
  settings: AccountSettings;
  warnings: string[];
  accountCard: string | undefined;
}

/**
 * The account file read and let go. Its YAML nodes are kept only to locate its values, and a command holding the
 * file through the replay kept them alive: 100 MB of nodes for a file naming 100,000 accounts, walked by the
 * collector all run long (docs/performance.md, names52).
 */
export function accountInputs(options: ReplayInputOptions): AccountInputs {
  const account = loadAccount(options.account);
  const card = loadCardFor(options.card, account);
  const settings = resolveAccount(card, account, options);
  return { card, settings, warnings: accountWarnings(account, options, card, settings), accountCard: account === undefined ? undefined : cardPathOf(account) };
}
