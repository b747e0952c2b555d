import type { AccountRun } from "./replay-state.js";

/**
 * An account's lines held in an array up to this many, looked through (a packed array of small integers,
 * four bytes a line); past them in a map. The 2M-row log of 100,000 accounts has about 20 lines an account,
 * 77,643 accounts past 16, and a map of 20 numbers is about 480 bytes, an array of them about 100. A look
 * through is a row's (a component's line, a shape's first row): at 1,024 an account of some hundreds of lines
 * (the app builder's, its apps by tier and component) walked them each row (stop 39).
 */
const LISTED_SLOTS = 64;
/** The room past an account's last line number in its array (`slots`): no line number is negative. */
const NO_LINE_ID = -1;

/**
 * The account's number of the line `lineId`, given the next one at its first charge. The array grows by half
 * again, its room marked NO_LINE_ID: a copy at each new line (one a row, in a log of 100,000 accounts) was
 * garbage that lived until the account's next row, past the young generation.
 */
export function slotOf(run: AccountRun, lineId: number): number {
  const slots = run.slots;
  if (slots instanceof Map) {
    let slot = slots.get(lineId);
    if (slot === undefined) slots.set(lineId, (slot = slots.size));
    return slot;
  }
  if (slots === undefined) {
    // Room for a few at once: grown one at a time (1, 2, 3, 4, 6), an account's list was copied at each of its first lines.
    run.slots = [lineId, NO_LINE_ID, NO_LINE_ID, NO_LINE_ID];
    return 0;
  }
  const slot = slots.indexOf(lineId);
  if (slot >= 0) return slot;
  const free = slots.indexOf(NO_LINE_ID);
  if (free >= 0) {
    slots[free] = lineId;
    return free;
  }
  if (slots.length < LISTED_SLOTS) {
    const grown = new Array<number>(Math.min(LISTED_SLOTS, Math.max(slots.length + 1, slots.length + (slots.length >> 1))));
    for (let i = 0; i < slots.length; i++) grown[i] = slots[i]!;
    grown[slots.length] = lineId;
    for (let i = slots.length + 1; i < grown.length; i++) grown[i] = NO_LINE_ID;
    run.slots = grown;
    return slots.length;
  }
  run.slots = new Map(slots.map((id, i) => [id, i]));
  return slotOf(run, lineId);
}

