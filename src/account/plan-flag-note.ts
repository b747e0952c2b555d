import { shown } from "../errors.js";
import type { AccountFile, AccountFlags } from "./account.js";

/**
 * The note for `--plan` over an account file whose entries under `accounts:` name plans of their own: the flag is the
 * plan of the accounts that name none, and those that do stay on theirs. A plan comparison run as `--plan free`, then
 * `--plan pro`, mixed plans without a word (newcomer62b M3: two of three teams stayed on Pro).
 */
export function planFlagNote(account: AccountFile | undefined, flags: AccountFlags): string | undefined {
  const asked = flags.plan;
  if (account === undefined || asked === undefined) return undefined;
  const own = [...(account.doc.accounts ?? [])].filter(([, t]) => t.plan !== undefined && t.plan !== asked).map(([id, t]) => `${id}: ${t.plan}`);
  if (own.length === 0) return undefined;
  const listed = own.length <= SHOWN ? own.join(", ") : `${own.slice(0, SHOWN).join(", ")} and ${(own.length - SHOWN).toLocaleString("en-US")} more`;
  const accounts = own.length === 1 ? "1 account under accounts: names its own plan and stays on it" : `${own.length.toLocaleString("en-US")} accounts under accounts: name their own plans and stay on them`;
  return `burnrate: note: --plan ${shown(asked)} is the plan of the accounts that name none of their own; ${accounts} (${listed}): to price every account on one plan, leave plan: out of their entries\n`;
}

const SHOWN = 5;
