import { DateTime } from "luxon";
import { UserError, shown, type Location } from "../errors.js";
import { formatInstant, type Calendar } from "../time.js";
import type { BillPeriod } from "./types.js";

/** The index of the cycle a bill row belongs to; a canonical period must name a cycle's start exactly. */
export function cycleOfPeriod(period: BillPeriod, calendar: Calendar, where: Location): number {
  const zone = calendar.zone;
  const nearby = (index: number) => {
    const from = Math.max(0, index - 1);
    return [from, from + 1, from + 2].map((i) => zone.localDate(calendar.start(i))).join(", ");
  };
  switch (period.kind) {
    case "within": {
      const index = calendar.indexOf(period.at);
      if (index < 0) throw new UserError("transaction before the first cycle", where, `an instant on or after ${formatInstant(calendar.start(0))}`, formatInstant(period.at));
      return index;
    }
    case "start-instant": {
      const index = calendar.indexOf(period.at);
      if (index < 0 || calendar.start(index) !== period.at) {
        throw new UserError("period is not a cycle start", where, `a cycle start such as ${formatInstant(calendar.start(Math.max(index, 0)))}`, formatInstant(period.at));
      }
      const end = calendar.start(index + 1);
      if (period.endAt !== undefined && period.endAt !== end) {
        throw new UserError("period range is not a cycle", where, `the cycle ${formatInstant(period.at)}/${formatInstant(end)}`, shown(period.text ?? formatInstant(period.endAt)));
      }
      if (period.charge && (period.charge.at < period.at || period.charge.at >= end)) {
        throw new UserError("charge period outside its billing period", period.charge.cell, `an instant in ${formatInstant(period.at)}/${formatInstant(end)}`, formatInstant(period.charge.at));
      }
      return index;
    }
    case "start-date": {
      // The cycle that holds the end of that local day starts on it, or the date is not a cycle's first day.
      const dayEnd = DateTime.fromISO(period.date, { zone: zone.name }).endOf("day").toMillis();
      const index = calendar.indexOf(dayEnd);
      if (index < 0 || zone.localDate(calendar.start(index)) !== period.date) {
        throw new UserError("period is not a cycle start", where, `a cycle's first day in ${zone.name} (${nearby(Math.max(index, 0))})`, shown(period.text ?? period.date));
      }
      if (period.end) checkEnd(period.end, calendar, index, where, period.text ?? period.date);
      return index;
    }
  }
}

/** A month or date range names the cycle's end too: a range that covers part of a cycle, or more, is not one. */
function checkEnd(end: { date: string; exclusive: boolean }, calendar: Calendar, index: number, where: Location, text: string): void {
  const next = calendar.start(index + 1);
  const nextDay = calendar.zone.localDate(next);
  const lastDay = calendar.zone.localDate(next - 1);
  if (end.date === nextDay || (!end.exclusive && end.date === lastDay)) return;
  const first = calendar.zone.localDate(calendar.start(index));
  throw new UserError("period range is not a cycle", where, `the cycle ${first} to ${lastDay} in ${calendar.zone.name}`, shown(text));
}
