import type { Instant } from "../time.js";

/**
 * The usage rows before the first cycle that the setup says to leave out (ReplaySetup.beforeFirstCycle): a gateway's
 * month exported in UTC starts hours before a western account's local month, and those rows belong to the statement
 * before (newcomer, stop 53). Counted, with the first and last instant, for the note that says they were left out.
 */
export class RowsBefore {
  private rows = 0;
  private first: Instant = Infinity;
  private last: Instant = -Infinity;

  add(at: Instant): void {
    this.rows++;
    if (at < this.first) this.first = at;
    if (at > this.last) this.last = at;
  }

  result(): { rows: number; first: Instant; last: Instant } | undefined {
    return this.rows === 0 ? undefined : { rows: this.rows, first: this.first, last: this.last };
  }
}
