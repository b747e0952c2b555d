import type { Statement } from "../engine/types.js";

/**
 * The note for a log whose rows repeat many earlier rows' event ids from another file: a retry or two is a gateway's
 * daily fare and is counted once in silence (the statement lists it), but a day exported twice, once under another
 * name, is a broken export (newcomer50 F7: 49,513 repeats, a third of a day, with exit 0 and nothing on stderr, while
 * late rows and skipped rows each had a note). Said where the repeats are at least REPEATS_NOTED and one in a hundred
 * of the rows read, and most of them are one file's rows repeating another's: retries within a file, however many,
 * are not (red50b #2: a log of 2% retries was asked whether it was exported twice). Judged on every repeat, by the
 * pair of files (DuplicateList), not on the first ones listed, which a month's retries fill before a copy of a later
 * day comes (newcomer51 #4: 72,974 repeats of a day given twice, beside 42,421 retries, in silence).
 */
export function repeatsNote(statement: Statement): string | undefined {
  const { read, duplicates } = statement.events;
  if (duplicates < REPEATS_NOTED || duplicates * SHARE < read) return undefined;
  const pairs = statement.duplicateEvents?.byFiles ?? [];
  const most = pairs.filter((p) => p.repeat !== p.first).reduce<(typeof pairs)[number] | undefined>((a, b) => (a === undefined || b.duplicates > a.duplicates ? b : a), undefined);
  if (most === undefined || most.duplicates * 2 < duplicates) return undefined;
  const count = (n: number) => n.toLocaleString("en-US");
  const share = ((100 * duplicates) / read).toFixed(1);
  const all = most.duplicates === duplicates ? "all" : count(most.duplicates);
  return `burnrate: note: ${count(duplicates)} rows (${share}% of the ${count(read)} read) repeat an earlier row's event_id and are counted once, not priced again (the statement's duplicate event ids); ${all} of them are rows of ${most.repeat} repeating rows of ${most.first}: a file or a day exported twice?\n`;
}

/** Repeats are noted from this many, and from one in SHARE of the rows read. */
const REPEATS_NOTED = 1000;
const SHARE = 100;
