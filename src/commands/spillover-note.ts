import type { AccountSettings } from "../account/account.js";
import type { CycleStatement, Statement } from "../engine/types.js";

/**
 * The note for a last cycle that a few rows past the month's end made: a month-end export nearly always holds a
 * retry or two past midnight, and the statement then runs a cycle further, billing every account that cycle's plan
 * fee and recurring grants (newcomer, stop 44: one retry at 00:00:01 on December 1 gave 300 accounts a December and
 * doubled the money). Said where the last cycle's events are under a hundredth of the usage's and the run was not
 * asked to reach it (--through, through:) nor to show some cycles (--cycle); the statement is as the card prices it.
 */
export function spilloverNote(statement: Statement, settings: AccountSettings, asked: { cycle: string | undefined }): string | undefined {
  if (asked.cycle !== undefined || settings.through !== undefined) return undefined;
  const last = Math.max(-1, ...statement.accounts.flatMap((a) => a.cycles.map((c) => c.index)));
  if (last < 1) return undefined;
  let all = 0;
  let past = 0;
  let accounts = 0;
  const starts = { first: Infinity, before: -Infinity, last: Infinity };
  for (const account of statement.accounts) {
    for (const cycle of account.cycles) {
      const events = usageEvents(cycle);
      all += events;
      starts.first = Math.min(starts.first, cycle.start);
      if (cycle.index === last - 1) starts.before = Math.max(starts.before, cycle.start);
      if (cycle.index !== last) continue;
      past += events;
      accounts++;
      starts.last = Math.min(starts.last, cycle.start);
    }
  }
  if (past === 0 || past * SHARE >= all || starts.before === -Infinity) return undefined;
  const date = (at: number) => settings.zone.localDate(at);
  const shown = starts.first === starts.before ? date(starts.first) : `${date(starts.first)}..${date(starts.before)}`;
  const rows = past === 1 ? "1 event of the usage falls" : `${past.toLocaleString("en-US")} events of the usage fall`;
  const billed = accounts === 1 ? "its account is" : `each of its ${accounts.toLocaleString("en-US")} accounts is`;
  return `burnrate: note: ${rows} in the cycle from ${date(starts.last)} (${percent(past, all)} of the usage), the statement's last: ${billed} billed that cycle's plan fee and recurring grants; if those rows belong to the cycle before, leave them out of the usage, or show the cycles before it alone with --cycle ${shown}\n`;
}

/** The last cycle's events are noted where they are under 1 / SHARE of the usage's. */
const SHARE = 100;

/** A cycle's usage events: its lines of a meter's own quantity (not a component beside it), and those refused. */
function usageEvents(cycle: CycleStatement): number {
  let events = 0;
  for (const line of cycle.lines) if (line.kind === "usage" && line.component === undefined) events += line.events;
  for (const rejection of cycle.rejected) events += rejection.events;
  return events;
}

function percent(part: number, whole: number): string {
  const share = (100 * part) / whole;
  return share < 0.01 ? "under 0.01%" : `${share.toFixed(2)}%`;
}
