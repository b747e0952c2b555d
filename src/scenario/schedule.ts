import type { Instant, Zone } from "../time.js";

/** When a scheduled activity happens, read from a short English phrase (`every: weekday at 09:00`). */
export type Schedule =
  /** Every so many minutes of elapsed time, counted from each cycle's start. */
  | { kind: "interval"; minutes: number }
  /** At a local time of day on every day, on weekdays (Monday to Friday), or on one day of the week (1 = Monday). */
  | { kind: "daily"; days: "all" | "weekdays" | number; hour: number; minute: number }
  /** Once per billing cycle, on its Nth local day (clamped to the cycle's last day). */
  | { kind: "cycle"; day: number; hour: number; minute: number };

export const SCHEDULE_GRAMMAR =
  "minute, hour, N minutes, N hours, hourly; day, weekday or a weekday name (monday...), each with an optional 'at H:MM' on the 24-hour clock (at 9:00, at 17:30); cycle, optionally 'cycle on day N at H:MM'";

// The hour as a clock shows it, with or without its leading zero: `at 9:00` is `at 09:00`.
const TIME = "(?: at ([01]?\\d|2[0-3]):([0-5]\\d))?";
const INTERVAL = /^(?:(\d{1,5}) )?(minute|minutes|hour|hours)$/;
// A weekday name reads either way, `monday` or `mondays`, as `weekday` and `weekdays` do.
const DAYS = new RegExp(`^(day|daily|weekdays?|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?)${TIME}$`);
const CYCLE = new RegExp(`^cycle(?: on day ([1-9]|[12]\\d|3[01]))?${TIME}$`);
export const SCHEDULE_PATTERN = new RegExp(`${INTERVAL.source}|^hourly$|${DAYS.source}|${CYCLE.source}`);

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
/** A month of minutes: a longer interval would never fire twice in a cycle, which `cycle` says better. */
const MAX_MINUTES = 31 * 24 * 60;

export function parseSchedule(text: string): Schedule | undefined {
  const phrase = text.trim().toLowerCase().replace(/\s+/g, " ").replace(/^every /, "");
  if (phrase === "hourly") return { kind: "interval", minutes: 60 };
  const interval = INTERVAL.exec(phrase);
  if (interval) {
    const count = interval[1] === undefined ? 1 : Number(interval[1]);
    const minutes = count * (interval[2]!.startsWith("hour") ? 60 : 1);
    return count >= 1 && minutes <= MAX_MINUTES ? { kind: "interval", minutes } : undefined;
  }
  const days = DAYS.exec(phrase);
  if (days) {
    const word = days[1]!;
    const time = { hour: Number(days[2] ?? 0), minute: Number(days[3] ?? 0) };
    if (word === "day" || word === "daily") return { kind: "daily", days: "all", ...time };
    if (word.startsWith("weekday")) return { kind: "daily", days: "weekdays", ...time };
    return { kind: "daily", days: WEEKDAYS.indexOf(word.replace(/s$/, "")) + 1, ...time };
  }
  const cycle = CYCLE.exec(phrase);
  if (cycle) return { kind: "cycle", day: Number(cycle[1] ?? 1), hour: Number(cycle[2] ?? 0), minute: Number(cycle[3] ?? 0) };
  return undefined;
}

/** Every instant of a schedule inside the cycle [start, end), in time order. */
export function occurrences(schedule: Schedule, start: Instant, end: Instant, zone: Zone): Instant[] {
  const out: Instant[] = [];
  switch (schedule.kind) {
    case "interval": {
      const step = schedule.minutes * 60_000;
      for (let at = start; at < end; at += step) out.push(at);
      return out;
    }
    case "daily": {
      const first = zone.dateTime(start).startOf("day");
      for (let d = 0; ; d++) {
        const day = first.plus({ days: d });
        if (day.toMillis() >= end) return out;
        const matches = schedule.days === "all" || (schedule.days === "weekdays" ? day.weekday <= 5 : day.weekday === schedule.days);
        const at = day.set({ hour: schedule.hour, minute: schedule.minute }).toMillis();
        if (matches && at >= start && at < end) out.push(at);
      }
    }
    case "cycle": {
      const first = zone.dateTime(start).startOf("day");
      const lastDay = zone.dateTime(end - 1).startOf("day");
      let day = first.plus({ days: schedule.day - 1 });
      if (day > lastDay) day = lastDay;
      const at = day.set({ hour: schedule.hour, minute: schedule.minute }).toMillis();
      if (at >= start && at < end) out.push(at);
      return out;
    }
  }
}
