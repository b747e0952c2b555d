import { getHeapStatistics, setFlagsFromString, type HeapInfo } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * The old generation collected when it has grown by a step past what the last
 * collection left, not at V8's own limit. Left to itself, V8 lets the heap grow
 * to two to four times its live size between full collections, and most of that
 * growth is dead: rows' short-lived objects promoted by the young collections.
 * On the 2M-row bench log that is 270 to 330 MB of peak RSS against about 240
 * with this watch (docs/performance.md, Memory). It needs no flag on node's
 * command line, so `node bin/burnrate` and the bin alike get it: `--expose-gc`
 * (a documented node option) is set here, before any context asks for `gc`.
 */
/**
 * At least 32 MB: on the 2M-row log the live heap grows from about 20 to 80 MB
 * (shapes, items, lines), and a 16 MB step made eleven full collections of it
 * on the main thread where this makes seven, at the same peak RSS (the peak is
 * the batches' and the worker's, not this step's: docs/performance.md).
 */
const STEP_BYTES = 32 << 20;
/**
 * Above the step, a share of the live heap's objects: a larger heap is collected less often, so a
 * collection's cost (marking them) stays a small part of the run. Not of the memory outside the
 * heap, which a collection does not walk: at 50M rows that memory (the reorder queue's day of
 * rows and the batches, 24 to 45 MB) made the step 39 to 46 MB, against 32 to 34 at 10M rows.
 */
const STEP_SHARE = 0.3;
/**
 * And at most 48 MB: a heap of some hundreds of MB of live state (a log of 100,000 accounts holds each one's
 * run, open cycle and wallet: 260 to 300 MB) grew by 80 to 90 MB between collections at 30%, and V8's old
 * generation kept the room, about as much again of peak RSS. A collection of such a heap takes a second or so,
 * and comes about twice as often at this bound; a heap below 160 MB of live objects is collected as before.
 */
const STEP_MAX_BYTES = 48 << 20;
const EVERY_MS = 100;

/**
 * Starts the watch; returns its check, for a long step that gives the event loop no turn to call it between its
 * parts (diff's comparison of two statements, account by account: 300 MB of peak RSS grew to 560 in it).
 */
export function watchHeap(): () => void {
  setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as () => void;
  let floor = getHeapStatistics();
  const check = () => {
    if (held(getHeapStatistics()) <= held(floor) + Math.max(STEP_BYTES, Math.min(floor.used_heap_size * STEP_SHARE, STEP_MAX_BYTES))) return;
    collect();
    floor = getHeapStatistics();
  };
  // Checked between batches of the replay: a timer, unref'd so it never keeps the process alive.
  setInterval(check, EVERY_MS).unref();
  return check;
}

/**
 * The heap and the memory its objects hold outside it (ArrayBuffers: the batches of rows that come
 * from the scanner's worker, copied): a buffer is freed only when a collection finds it dead, and the
 * heap alone grows too little between batches for its garbage to be collected in time.
 */
function held(stats: HeapInfo): number {
  return stats.used_heap_size + stats.external_memory;
}
