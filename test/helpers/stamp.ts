const DAY = 86_400_000;
const days = new Map<number, string>();
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * An instant as the generated logs write it, `2026-11-02T10:00:00Z` (toISOString without ".000";
 * a fraction of a second is kept as toISOString writes it). The day's text is made once: the
 * logs of hundreds of thousands of rows spent more in toISOString than in writing them.
 */
export function stamp(ms: number): string {
  const day = Math.floor(ms / DAY);
  const s = (ms - day * DAY) / 1000;
  if (!Number.isInteger(s)) return new Date(ms).toISOString().replace(".000", "");
  let date = days.get(day);
  if (date === undefined) days.set(day, (date = new Date(day * DAY).toISOString().slice(0, 11)));
  return `${date}${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}Z`;
}
