import { formatLocation, shown } from "../errors.js";
import type { AccountFile } from "./account.js";

/** The keys an entry under `accounts:` holds that the top level holds for the file's own account. */
const ENTRY_KEYS = ["plan", "allowance", "recurring_grants", "overage", "low_balance", "budgets", "daily_limits", "subscription_end", "changes"] as const;

/**
 * The warning for the file's own account's keys written below the last entry of `accounts:`: a key meant for that
 * entry, indented to the top level by a slip, is valid YAML and the own account's (newcomer65 H1: a30's upgrade,
 * written at column 1 under it, made a01 a Super account, 350 USD on the wrong customer, exit 0). Where the key is
 * written above the entries, or each change names its account, the layout says what it means; in a file without an
 * `account:` of its own, the top level is the terms of the accounts the file does not name.
 */
export function keysAfterAccounts(account: AccountFile | undefined, own: string): string | undefined {
  const entries = account?.doc.accounts;
  // A file that writes no account: of its own holds at its top level the terms of the accounts it does not name, and a
  // change there is told by its own note (own61's F1).
  if (account === undefined || account.doc.account === undefined || entries === undefined || entries.size === 0) return undefined;
  const last = [...entries.keys()].at(-1)!;
  const below = account.at(["accounts", last]).line;
  const doc = account.doc;
  const slipped = ENTRY_KEYS.filter((key) => {
    if (doc[key] === undefined || account.at([key]).line <= below) return false;
    // A change that names its account is a change of that account's, wherever it is written.
    return key !== "changes" || (doc.changes ?? []).some((c) => !("account" in c) || c.account === undefined);
  });
  if (slipped.length === 0) return undefined;
  const keys = slipped.map((k) => `${k}:`).join(", ");
  const one = slipped.length === 1;
  return `burnrate: warning: ${formatLocation(account.at([slipped[0]!]))}: ${keys} at the top level, written below the last entry of accounts:, ${shown(last)}, ${one ? "applies" : "apply"} to the file's own account, ${shown(own)}: if ${one ? "it is" : "they are"} meant for ${shown(last)}, indent ${one ? "it" : "them"} under that entry (the file's own keys written above accounts: read without this warning)\n`;
}
