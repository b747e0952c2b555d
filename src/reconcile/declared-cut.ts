import type { DeclaredCut } from "../bill/mapping.js";
import type { Calendar, Instant } from "../time.js";
import type { Hypothesis } from "./boundary.js";

const DAY = 86_400_000;

/**
 * Whether a found boundary shift cuts the bill's cycles where the bill mapping's `cut:` says the provider does (00:00
 * UTC where unsaid): at every boundary of the bill's cycles, the cut is the declared time in the declared zone nearest
 * the account's own cycle start. Only then does the shift pass as billed; any other is a hypothesis the search fitted
 * to the bill, and a double bill fits one as well as a provider's habit does (red team, stop 38).
 */
export function atDeclaredCut(h: Hypothesis, calendar: Calendar, boundaries: readonly number[], cut: DeclaredCut): boolean {
  return boundaries.every((b) => {
    const start = calendar.start(b);
    return declaredNear(start, calendar, cut) === start + (h.shifts.get(b) ?? 0);
  });
}

/** The declared cut nearest `start`: its time in its zone on the local day of `start` (in the account's zone), or the day before or after. */
function declaredNear(start: Instant, calendar: Calendar, cut: DeclaredCut): Instant | undefined {
  const day = calendar.zone.dateTime(start);
  const wall = Date.UTC(day.year, day.month - 1, day.day, cut.hour, cut.minute);
  let best: Instant | undefined;
  for (const w of [wall - DAY, wall, wall + DAY]) {
    const parsed = cut.zone.fromLocal(w);
    if (parsed.ok && (best === undefined || Math.abs(parsed.at - start) < Math.abs(best - start))) best = parsed.at;
  }
  return best;
}
