import type { AccountSettings } from "../account/account.js";
import type { Statement } from "../engine/types.js";
import { rowShare } from "../render/shared/numbers.js";

/**
 * The note for a last cycle that a few rows past the month's end made: a month-end export nearly always holds a
 * retry or two past midnight, and the statement then runs a cycle further, billing every account that cycle's plan
 * fee and recurring grants (newcomer, stop 44: one retry at 00:00:01 on December 1 gave 300 accounts a December and
 * doubled the money). Said where the last cycle's rows are under a hundredth of the usage's and the run was not
 * asked to reach it (--through, through:) nor to show some cycles (--cycle); the statement is as the card prices it.
 * Read from the replay's counts (Statement.lastUsage), not from the accounts' cycles, which a statement of 100,000
 * accounts makes as it writes them.
 */
export function spilloverNote(statement: Statement, settings: AccountSettings, asked: { cycle: string | undefined }): string | undefined {
  const usage = statement.lastUsage;
  if (asked.cycle !== undefined || settings.through !== undefined || usage === undefined || usage.index < 1) return undefined;
  const all = statement.events.read;
  if (usage.rows * SHARE >= all) return undefined;
  const { first, before, last } = usage.starts;
  const date = (at: number) => settings.zone.localDate(at);
  const shown = first === before ? date(first) : `${date(first)}..${date(before)}`;
  const rows = usage.rows === 1 ? "1 row of the usage falls" : `${usage.rows.toLocaleString("en-US")} rows of the usage fall`;
  // A creator shown its rewards only is billed no fee (newcomer62 L1: 7 accounts said billed, one of them on no plan).
  const accounts = statement.accounts.filter((a) => a.rewardsOnly !== true).length;
  if (accounts === 0) return undefined;
  const billed = accounts === statement.accounts.length ? (accounts === 1 ? "its account is" : `each of its ${accounts.toLocaleString("en-US")} accounts is`) : `each of its ${accounts.toLocaleString("en-US")} accounts on a plan is`;
  return `burnrate: note: ${rows} in the cycle from ${date(last)} (${rowShare(usage.rows, all)} of the usage), the statement's last: ${billed} billed that cycle's plan fee and recurring grants; if those rows belong to the cycle before, leave them out of the usage, or show the cycles before it alone with --cycle ${shown}\n`;
}

/** The last cycle's rows are noted where they are under 1 / SHARE of the usage's. */
const SHARE = 100;
