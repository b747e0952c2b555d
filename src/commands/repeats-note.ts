import type { Statement } from "../engine/types.js";
import { formatLocation, shown } from "../errors.js";
import { NO_VALUE } from "../usage/header-check.js";

/**
 * The note for a log whose rows repeat many earlier rows' event ids from another file: a retry or two is a gateway's
 * daily fare and is counted once in silence (the statement lists it), but a day exported twice, once under another
 * name, is a broken export (newcomer50 F7: 49,513 repeats, a third of a day, with exit 0 and nothing on stderr, while
 * late rows and skipped rows each had a note). Said where the repeats are at least REPEATS_NOTED and one in a hundred
 * of the rows read, and most of them are one file's rows repeating another's: retries within a file, however many,
 * are not (red50b #2: a log of 2% retries was asked whether it was exported twice), up to a tenth of the rows. Judged on every repeat, by the
 * pair of files (DuplicateList), not on the first ones listed, which a month's retries fill before a copy of a later
 * day comes (newcomer51 #4: 72,974 repeats of a day given twice, beside 42,421 retries, in silence).
 */
export function repeatsNote(statement: Statement): string | undefined {
  const { read, duplicates } = statement.events;
  if (duplicates < REPEATS_NOTED || duplicates * SHARE < read) return undefined;
  const pairs = statement.duplicateEvents?.byFiles ?? [];
  const most = pairs.filter((p) => p.repeat !== p.first).reduce<(typeof pairs)[number] | undefined>((a, b) => (a === undefined || b.duplicates > a.duplicates ? b : a), undefined);
  const count = (n: number) => n.toLocaleString("en-US");
  const share = ((100 * duplicates) / read).toFixed(1);
  const counted = `${count(duplicates)} rows (${share}% of the ${count(read)} read) repeat an earlier row's event_id and are counted once, not priced again (the statement's duplicate event ids)`;
  if (most === undefined || most.duplicates * 2 < duplicates) {
    // Within a file, a tenth of its rows is no gateway's retries: a week copied four times with its ids to make a month
    // was priced as one week, exit 0, nothing said (newcomer62b M1).
    return duplicates * RETRIES_AT_MOST < read ? undefined : `burnrate: note: ${counted}; more than retries are: rows copied with their ids, or ids a source reuses?\n`;
  }
  const all = most.duplicates === duplicates ? "all" : count(most.duplicates);
  return `burnrate: note: ${counted}; ${all} of them are rows of ${most.repeat} repeating rows of ${most.first}: a file or a day exported twice?\n`;
}

/** Repeats are noted from this many, and from one in SHARE of the rows read; within files, from one in RETRIES_AT_MOST. */
const REPEATS_NOTED = 1000;
const SHARE = 100;
const RETRIES_AT_MOST = 10;

/**
 * A warning for each event id a database's NULL written as text (`NULL`, `\N`, `N/A`, ...) that rows repeat: read as
 * one event and its retries, every row after the first was dropped (red71e M1: a request_id column NULL on 20 of 30
 * rows billed 11 images of 30, exit 0, nothing said). Counted among the repeats the statement lists.
 */
export function noValueIdWarnings(statement: Pick<Statement, "duplicateEvents">): string[] {
  const listed = statement.duplicateEvents?.listed ?? [];
  const byId = new Map<string, { rows: number; first: (typeof listed)[number] }>();
  for (const d of listed) {
    if (!NO_VALUE.test(d.eventId.trim())) continue;
    const seen = byId.get(d.eventId);
    if (seen === undefined) byId.set(d.eventId, { rows: 1, first: d });
    else seen.rows++;
  }
  const more = (statement.duplicateEvents?.omitted ?? 0) > 0;
  return [...byId].map(([id, { rows, first }]) => `burnrate: warning: ${more ? "at least " : ""}${rows.toLocaleString("en-US")} row${rows === 1 ? "" : "s"} repeat${rows === 1 ? "s" : ""} the event id ${shown(id)} (the first at ${formatLocation(first.repeat)}, of ${formatLocation(first.first)}) and ${rows === 1 ? "is" : "are"} dropped as retries: ${shown(id)} is most often a database's NULL written as text, no event id; where those rows have none, export them with the cell empty, or map the event id from a column that always holds one\n`);
}
