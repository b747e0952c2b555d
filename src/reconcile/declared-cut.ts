import type { DeclaredCut } from "../bill/mapping.js";
import type { Calendar } from "../time.js";
import type { Hypothesis } from "./boundary.js";

/**
 * Whether a found boundary shift cuts the bill's cycles where the bill mapping's `cut:` says the provider does (00:00
 * UTC where unsaid): at every boundary of the bill's cycles, the cut is the declared time in the declared zone on the
 * day the account's own cycle starts. Only then does the shift pass as billed; any other is a hypothesis the search fitted
 * to the bill, and a double bill fits one as well as a provider's habit does (red team, stop 38).
 */
export function atDeclaredCut(h: Hypothesis, calendar: Calendar, boundaries: readonly number[], cut: DeclaredCut): boolean {
  return boundaries.every((b) => {
    const shift = declaredShift(b, calendar, cut);
    return shift !== undefined && shift === (h.shifts.get(b) ?? 0);
  });
}

/**
 * The declared cut as a hypothesis of its own, where the search's zones and fixed offsets have none at it: a provider's
 * zone the search does not try, whose offset from the account's changes between boundaries (America/Sao_Paulo against
 * New York's daylight saving time), was dropped without a word, and the bill compared at the account's cycles (red
 * team, red34). Undefined where the declared cut is the account's own, or a hypothesis tried is at it.
 */
export function declaredHypothesis(tried: readonly Hypothesis[], calendar: Calendar, boundaries: readonly number[], cut: DeclaredCut): Hypothesis | undefined {
  if (tried.some((h) => atDeclaredCut(h, calendar, boundaries, cut))) return undefined;
  const shifts = new Map<number, number>();
  for (const b of boundaries) {
    const shift = declaredShift(b, calendar, cut);
    if (shift === undefined) return undefined;
    if (shift !== 0) shifts.set(b, shift);
  }
  if (shifts.size === 0) return undefined;
  const ours = calendar.zone;
  const first = ours.dateTime(calendar.start(boundaries[0]!)).toFormat("HH:mm");
  return { label: `the bill cuts cycles at ${cut.text}, as the bill mapping declares, not ${first} ${ours.name}`, cut: cut.text, shifts };
}

/**
 * The declared cut at boundary `b`, from the account's cycle start: its time in its zone on the local day that cycle
 * starts, as a provider's month starts on its own first day, and as the search cuts in another zone (`hypotheses`). The
 * cut nearest the cycle start was taken before: for zones 12 hours or more apart that was the day before (an Auckland
 * account's bill at UTC months needed attention: red team, red34).
 */
function declaredShift(b: number, calendar: Calendar, cut: DeclaredCut): number | undefined {
  const start = calendar.start(b);
  const day = calendar.zone.dateTime(start);
  const parsed = cut.zone.fromLocal(Date.UTC(day.year, day.month - 1, day.day, cut.hour, cut.minute));
  return parsed.ok ? parsed.at - start : undefined;
}
