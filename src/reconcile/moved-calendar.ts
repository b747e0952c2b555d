import type { Statement } from "../engine/types.js";
import { Calendar, type Instant } from "../time.js";

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
export function movedCalendar(statement: Statement, calendar: Calendar): Calendar | undefined {
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
