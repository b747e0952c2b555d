import type { Statement } from "../engine/types.js";

/**
 * The note for a log whose rows repeat many earlier rows' event ids: a retry or two is a gateway's daily fare and is
 * counted once in silence (the statement lists it), but a day exported twice, once under another name, is a broken
 * export (newcomer50 F7: 49,513 repeats, a third of a day, with exit 0 and nothing on stderr, while late rows and
 * skipped rows each had a note). Said where the repeats are at least REPEATS_NOTED and one in a hundred of the rows
 * read, with the pair of files most of the listed repeats are in.
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
  const count = (n: number) => n.toLocaleString("en-US");
  const where =
    most === undefined || most.count * 2 < listed.length
      ? ""
      : `; ${most.count === listed.length ? "all" : count(most.count)} of the ${count(listed.length)} listed are rows of ${most.repeat} repeating ${most.repeat === most.first ? "rows before them in it" : `rows of ${most.first}`}`;
  const share = ((100 * duplicates) / read).toFixed(1);
  return `burnrate: note: ${count(duplicates)} rows (${share}% of the ${count(read)} read) repeat an earlier row's event_id and are counted once, not priced again (duplicate_events in the JSON statement)${where}: a file or a day exported twice?\n`;
}

/** Repeats are noted from this many, and from one in SHARE of the rows read. */
const REPEATS_NOTED = 1000;
const SHARE = 100;
