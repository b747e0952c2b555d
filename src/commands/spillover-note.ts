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
  const { first, before, last } = usage.starts;
  // A day or three of the next month left among a month's files (newcomer63 M3: a December day, 3.2% of the rows,
  // billed 1,500 customers a December fee, 27,930 USD made 55,850, with no note): rows past a hundredth of the usage's
  // are noted too where they all fall in the head of the last cycle and are a small part of the usage.
  // Against the cycles before it: a batch that runs on each month's 1st and 2nd has a last cycle like the others (red63d L1).
  const head = usage.latest - last < (usage.end - last) / HEAD && usage.rows * PART * usage.index < all - usage.rows;
  if (usage.rows * SHARE >= all && !head) return undefined;
  const date = (at: number) => settings.zone.localDate(at);
  const shown = first === before ? date(first) : `${date(first)}..${date(before)}`;
  const rows = usage.rows === 1 ? "1 row of the usage falls" : `${usage.rows.toLocaleString("en-US")} rows of the usage fall`;
  // A creator shown its rewards only is billed no fee (newcomer62 L1: 7 accounts said billed, one of them on no plan),
  // nor an account whose subscription ended by the cycle's start (red62e F2).
  const ended = endedBy(settings, last);
  const accounts = statement.accounts.filter((a) => a.rewardsOnly !== true && !ended(a.account)).length;
  if (accounts === 0) return undefined;
  const billed = accounts === statement.accounts.length ? (accounts === 1 ? "its account is" : `each of its ${accounts.toLocaleString("en-US")} accounts is`) : accounts === 1 ? `1 of its ${statement.accounts.length.toLocaleString("en-US")} accounts, on a plan, is` : `each of its ${accounts.toLocaleString("en-US")} accounts on a plan is`;
  const days = Math.max(1, Math.ceil((usage.latest - last) / DAY));
  const within = usage.rows * SHARE >= all ? `, all within its first ${days === 1 ? "day" : `${days} days`}` : "";
  return `burnrate: note: ${rows} in the cycle from ${date(last)} (${rowShare(usage.rows, all)} of the usage${within}), the statement's last: ${billed} billed that cycle's plan fee and recurring grants; ${within === "" ? "if those rows belong to the cycle before" : "if they are the next month's, left among this one's files"}, leave them out of the usage, or show the cycles before it alone with --cycle ${shown}\n`;
}

/**
 * The last cycle's rows are noted where they are under 1 / SHARE of the usage's, or under 1 / PART of a cycle's before
 * it, on average, and all in its first 1 / HEAD.
 */
const SHARE = 100;
const PART = 3;
const HEAD = 10;
const DAY = 86_400_000;

/** Whether an account's subscription ended at or before `at`: its last `subscription_end` change's end, else its terms'. */
function endedBy(settings: AccountSettings, at: number): (account: string) => boolean {
  const ends = new Map<string, { at: number; end: number }>();
  for (const c of settings.changes) {
    if (c.change.kind !== "subscription_end") continue;
    const sofar = ends.get(c.account);
    if (sofar === undefined || c.at >= sofar.at) ends.set(c.account, { at: c.at, end: c.change.end });
  }
  return (account) => {
    const end = ends.get(account)?.end ?? settings.subscriptionEnd ?? (settings.accounts.get(account) ?? settings.terms).subscriptionEnd;
    return end !== undefined && end <= at;
  };
}
