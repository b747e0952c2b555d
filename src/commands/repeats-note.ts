import type { Statement } from "../engine/types.js";

/**
 * The note for a log whose rows repeat many earlier rows' event ids from another file: a retry or two is a gateway's
 * daily fare and is counted once in silence (the statement lists it), but a day exported twice, once under another
 * name, is a broken export (newcomer50 F7: 49,513 repeats, a third of a day, with exit 0 and nothing on stderr, while
 * late rows and skipped rows each had a note). Said where the repeats are at least REPEATS_NOTED and one in a hundred
 * of the rows read, and most of those listed are one file's rows repeating another's: retries within a file, however
 * many, are not (red50b #2: a log of 2% retries was asked whether it was exported twice). The list holds the first
 * repeats in the replay's order (LISTED_DUPLICATES), so a re-export after that many retries goes unsaid.
 */
export function repeatsNote(statement: Statement): string | undefined {
  const { read, duplicates } = statement.events;
  if (duplicates < REPEATS_NOTED || duplicates * SHARE < read) return undefined;
  const listed = statement.duplicateEvents?.listed ?? [];
  const pairs = new Map<string, { repeat: string; first: string; count: number }>();
  for (const { repeat, first } of listed) {
    const key = `${repeat.file}\0${first.file}`;
    const pair = pairs.get(key) ?? pairs.set(key, { repeat: repeat.file, first: first.file, count: 0 }).get(key)!;
    pair.count++;
  }
  const most = [...pairs.values()].reduce<{ repeat: string; first: string; count: number } | undefined>((a, b) => (a === undefined || b.count > a.count ? b : a), undefined);
  if (most === undefined || most.repeat === most.first || most.count * 2 < listed.length) return undefined;
  const count = (n: number) => n.toLocaleString("en-US");
  const share = ((100 * duplicates) / read).toFixed(1);
  const all = most.count === listed.length ? "all" : count(most.count);
  return `burnrate: note: ${count(duplicates)} rows (${share}% of the ${count(read)} read) repeat an earlier row's event_id and are counted once, not priced again (the statement's duplicate event ids); ${all} of the ${count(listed.length)} listed are rows of ${most.repeat} repeating rows of ${most.first}: a file or a day exported twice?\n`;
}

/** Repeats are noted from this many, and from one in SHARE of the rows read. */
const REPEATS_NOTED = 1000;
const SHARE = 100;
