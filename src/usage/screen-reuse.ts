import type { IdScreen } from "../engine/event-ids.js";
import { readColumnsFor } from "./card-columns.js";
import { screenEventIds, type ScreenOptions } from "./id-screen.js";
import { statesOf } from "./unchanged-files.js";

/**
 * The event ids' first pass of a log read more than once in a run, kept by its files (the same array however the
 * input is copied): reconcile reads one log up to four times (its replay, its scan of repeats and boundary events, a
 * replay rounding each event, a boundary's), diff once a card, and each read the whole log's ids again (1.5 s a pass
 * on a gateway's month of quoted JSON, newcomer57 M1). The pass depends on the files' bytes, their mappings (the same
 * input's) and the columns the cards read (a JSON Lines record's fields): it is kept only while each file has the size
 * and time of change it had when it was read, and for the same columns; a file written again is read again.
 */
const screened = new WeakMap<readonly string[], { states: string; columns: string; screen: IdScreen | undefined }>();

export async function screenOnce(files: readonly string[], options: ScreenOptions): Promise<IdScreen | undefined> {
  const states = statesOf(files);
  if (states === undefined) return screenEventIds(files, options);
  const columns = [...readColumnsFor(options.card, options.alsoReadBy).names].sort().join(",");
  const kept = screened.get(files);
  if (kept !== undefined && kept.states === states && kept.columns === columns) return kept.screen;
  const screen = await screenEventIds(files, options);
  screened.set(files, { states, columns, screen });
  return screen;
}
