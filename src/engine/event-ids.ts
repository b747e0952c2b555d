/**
 * The event_id rule, in one place: a row whose id was seen on an earlier row
 * is a repeat, counted as a duplicate and never priced; a row without an id is
 * never one. "Earlier" is the replay's order: time, then the canonical order
 * of one instant's events. The replay applies the rule; reconcile applies it
 * again, in that order, to learn which bill lines the repeats belong to.
 */
export class SeenEventIds {
  private readonly ids = new Set<string>();

  /** Whether `eventId` was seen before; if not, it is now. */
  repeats(eventId: string | undefined): boolean {
    if (eventId === undefined) return false;
    if (this.ids.has(eventId)) return true;
    this.ids.add(eventId);
    return false;
  }
}
