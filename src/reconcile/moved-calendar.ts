import { cycleOfPeriod } from "../bill/period.js";
import type { DeclaredCut } from "../bill/mapping.js";
import type { BillCharge } from "../bill/types.js";
import type { Statement } from "../engine/types.js";
import { UserError } from "../errors.js";
import { Calendar, type Instant } from "../time.js";
import { calendarAtCut, offAnchorCalendar } from "./recut.js";

/**
 * An account's cycles after an upgrade that started a new cycle (`upgrade: new_cycle`): the calendar's up to the
 * upgrade, then monthly from the upgrade's instant, numbered on. A provider bills such an account at its own cycle
 * starts (Nov 1, Nov 16, Dec 16 for an upgrade on Nov 16), and those periods are the replay's cycles as they are.
 */
class MovedCalendar extends Calendar {
  constructor(
    private readonly before: Calendar,
    /** The number of the first cycle on the moved calendar. */
    private readonly from: number,
    private readonly after: Calendar,
  ) {
    super(before.start(0), before.zone);
  }

  override start(n: number): Instant {
    return n < this.from ? this.before.start(n) : this.after.start(n - this.from);
  }

  override indexOf(at: Instant): number {
    return at < this.after.start(0) ? this.before.indexOf(at) : this.from + this.after.indexOf(at);
  }
}

/**
 * The replay's cycles as one calendar, when every account that left `calendar` left it at the same cycle and
 * instant, and the accounts that did not have no cycle past that one: undefined when no account moved, or
 * accounts moved apart (no one calendar is all of theirs).
 */
function movedCalendar(statement: Statement, calendar: Calendar): Calendar | undefined {
  let move: { index: number; at: Instant } | undefined;
  for (const a of statement.accounts) {
    if (!a.cycles.some((c) => c.lines.length > 0)) continue;
    const first = a.cycles.find((c) => c.start !== calendar.start(c.index));
    if (first === undefined) continue;
    if (move !== undefined && (move.index !== first.index || move.at !== first.start)) return undefined;
    move = { index: first.index, at: first.start };
  }
  if (move === undefined) return undefined;
  const moved = new MovedCalendar(calendar, move.index, new Calendar(move.at, calendar.zone));
  // An account the file lists with no usage charged nothing to compare: its cycles are the calendar's, and say nothing.
  const used = statement.accounts.filter((a) => a.cycles.some((c) => c.lines.length > 0));
  const fits = used.every((a) => a.cycles.every((c) => c.start === moved.start(c.index) && c.end === moved.start(c.index + 1)));
  return fits ? moved : undefined;
}

/** Where an account's cycles left the calendar, the earliest: a cycle that does not start or end where the calendar's of its number does. */
function movedCycles(statement: Pick<Statement, "accounts">, calendar: Calendar): Instant | undefined {
  let moved: Instant | undefined;
  for (const a of statement.accounts) {
    for (const c of a.cycles) {
      const at = c.start !== calendar.start(c.index) ? c.start : c.end !== calendar.start(c.index + 1) ? c.end : undefined;
      if (at !== undefined && (moved === undefined || at < moved)) moved = at;
    }
  }
  return moved;
}

/** Whether every charge's period is a cycle of `calendar`. */
function cutAt(charges: readonly BillCharge[], calendar: Calendar): boolean {
  return charges.every((c) => {
    try {
      cycleOfPeriod(c.period, calendar, c.periodCell);
      return true;
    } catch (e) {
      if (e instanceof UserError) return false;
      throw e;
    }
  });
}

/** The calendar a bill's rows are compared at: the account's cycles, or the bill's own periods (`bills`, the usage re-cut there). */
export interface BillCut {
  calendar: Calendar;
  /** The bill's own calendar where the usage is re-cut at it. */
  bills: Calendar | undefined;
  /** Where the accounts' cycles left the calendar, if they did. */
  moved: Instant | undefined;
}

/**
 * How a bill's rows of the statement's accounts are compared. A bill cut at other days than the accounts' cycles is
 * compared at its own periods: the usage is re-cut there. So is a bill of accounts whose cycles moved (an upgrade that
 * starts a new cycle) by the calendar's months. A bill cut at the moved cycles' own starts (and not also at the
 * calendar's) is those cycles, compared as they are, with nothing re-cut.
 */
export function billCut(charges: readonly BillCharge[], statement: Statement, own: Calendar, cut: DeclaredCut): BillCut {
  const moved = movedCycles(statement, own);
  const movedOnes = moved === undefined ? undefined : movedCalendar(statement, own);
  if (movedOnes !== undefined && cutAt(charges, movedOnes) && !cutAt(charges, own)) return { calendar: movedOnes, bills: undefined, moved };
  const bills = billCalendar(charges, own, { moved: moved !== undefined, movedOnes, cut });
  return { calendar: bills ?? own, bills, moved };
}

/**
 * The bill's own calendar when it is not the account's (its periods start on another day, or the account's cycles
 * moved). A period that is no cycle start of either is refused naming the account's cycle starts as the replay has
 * them: the moved ones when an upgrade moved them, where the calendar's would mislead.
 */
function billCalendar(charges: readonly BillCharge[], own: Calendar, { moved, movedOnes, cut }: { moved: boolean; movedOnes: Calendar | undefined; cut: DeclaredCut }): Calendar | undefined {
  try {
    return offAnchorCalendar(charges, own, cut) ?? (moved ? calendarAtCut(own, cut) : undefined);
  } catch (e) {
    if (!(e instanceof UserError) || movedOnes === undefined) throw e;
    for (const c of charges) cycleOfPeriod(c.period, movedOnes, c.periodCell);
    throw e;
  }
}

/** The accounts of a bill that names them whose cycles are alike, with the replay of those accounts alone. */
export interface AccountGroup {
  accounts: ReadonlySet<string>;
  statement: Statement;
}

/**
 * A bill that names accounts, its accounts by their cycles: those on the calendar together, and those an upgrade
 * moved (`upgrade: new_cycle`) by where their cycles start. Each group's rows are compared at its own cycles, so that
 * one account's upgrade mid-month no longer re-cuts the whole fleet's bill at calendar months, failing the fee of every
 * account whose cycles are the bill's months, nor refuses the moved account's own cycle starts (red team, stop 37).
 * Accounts the usage does not name are on the calendar. Groups come in the order the bill first names them.
 */
export function accountGroups(named: readonly string[], statement: Statement, own: Calendar): AccountGroup[] {
  const groups = new Map<string, Set<string>>();
  // Looked up, not searched: each of 20,000 named accounts searched the statement's 20,000 (red68).
  const byName = new Map(statement.accounts.map((a) => [a.account, a]));
  for (const account of named) {
    const cycles = byName.get(account)?.cycles ?? [];
    const key = JSON.stringify(cycles.filter((c) => c.start !== own.start(c.index) || c.end !== own.start(c.index + 1)).map((c) => [c.index, c.start]));
    const group = groups.get(key) ?? new Set<string>();
    groups.set(key, group.add(account));
  }
  return [...groups.values()].map((accounts) => ({ accounts, statement: { ...statement, accounts: statement.accounts.filter((a) => accounts.has(a.account)) } }));
}
