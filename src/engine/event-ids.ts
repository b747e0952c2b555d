import type { Location } from "../errors.js";

/** The most repeats a statement lists one by one; beyond it they are counted (events.duplicates) but not kept, so memory stays bounded. */
export const LISTED_DUPLICATES = 10_000;

const LINES_PER_FILE = 2 ** 32;

/** A repeated event_id and where its first and repeated rows are. */
export interface DuplicateEvent {
  eventId: string;
  meter: string;
  first: Location;
  repeat: Location;
}

/**
 * The event_id rule, in one place: a row whose id was seen on an earlier row
 * is a repeat, counted as a duplicate and never priced; a row without an id is
 * never one. "Earlier" is the replay's order: time, then the canonical order
 * of one instant's events. The replay applies the rule; reconcile applies it
 * again, in that order, to learn which bill lines the repeats belong to.
 *
 * Each id keeps where it was first seen as one number (the file's index among
 * the files seen, and the line), so a repeat can name both rows for the cost
 * of the set the rule needs anyway.
 */
export class SeenEventIds {
  private readonly ids = new Map<string, number>();
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();

  /** Whether `eventId` was seen before; if not, it is now. */
  repeats(eventId: string | undefined): boolean {
    return this.firstSeen(eventId, undefined) !== undefined;
  }

  /** Where `eventId` was first seen, when it was; if it was not, it is now, at `origin`. */
  firstSeen(eventId: string | undefined, origin: Location | undefined): Location | undefined {
    if (eventId === undefined) return undefined;
    const first = this.ids.get(eventId);
    if (first !== undefined) return this.locationOf(first);
    this.ids.set(eventId, origin === undefined ? 0 : this.encode(origin));
    return undefined;
  }

  /** Line and file in one safe integer: up to 2^32 lines a file, far beyond any log. */
  private encode(origin: Location): number {
    let fileNumber = this.fileIndex.get(origin.file);
    if (fileNumber === undefined) {
      fileNumber = this.files.length;
      this.files.push(origin.file);
      this.fileIndex.set(origin.file, fileNumber);
    }
    const position = origin.line;
    return fileNumber * LINES_PER_FILE + position;
  }

  private locationOf(position: number): Location {
    const fileNumber = Math.floor(position / LINES_PER_FILE);
    return { file: this.files[fileNumber] ?? "", line: position - fileNumber * LINES_PER_FILE, column: 1 };
  }
}

/** Repeats as a statement lists them: the first LISTED_DUPLICATES, and how many more there were. */
export class DuplicateList {
  private readonly listed: DuplicateEvent[] = [];
  private omitted = 0;

  add(entry: DuplicateEvent): void {
    if (this.listed.length < LISTED_DUPLICATES) this.listed.push(entry);
    else this.omitted++;
  }

  result(): { listed: DuplicateEvent[]; omitted: number } {
    return { listed: this.listed, omitted: this.omitted };
  }
}
