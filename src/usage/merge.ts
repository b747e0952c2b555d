import type { UsageBatch } from "../engine/rows.js";
import type { UsageEvent } from "../engine/types.js";

/** Events travel in batches: one await per batch rather than one per row. */
export type EventBatches = AsyncIterable<readonly UsageEvent[]>;

/** What a reader gives: batches of events, or of rows. */
export type UsageBatches = AsyncIterable<UsageBatch>;

const BATCH = 1024;

interface Cursor {
  iterator: AsyncIterator<readonly UsageEvent[]>;
  batch: readonly UsageEvent[];
  next: number;
}

async function refill(cursor: Cursor): Promise<boolean> {
  while (cursor.next >= cursor.batch.length) {
    const step = await cursor.iterator.next();
    if (step.done) return false;
    cursor.batch = step.value;
    cursor.next = 0;
  }
  return true;
}

/**
 * Merge per-file event streams by time, ties going to the earlier file: a log
 * split across files (each in time order) streams as one, without sorting.
 */
export async function* mergeByTime(streams: readonly EventBatches[]): AsyncGenerator<readonly UsageEvent[]> {
  if (streams.length === 1) {
    yield* streams[0]!;
    return;
  }
  const cursors: Cursor[] = streams.map((s) => ({ iterator: s[Symbol.asyncIterator](), batch: [], next: 0 }));
  try {
    yield* merged(cursors);
  } finally {
    // A reader that stopped early leaves the streams open: close their files now.
    await Promise.all(cursors.map((c) => c.iterator.return?.()));
  }
}

async function* merged(cursors: Cursor[]): AsyncGenerator<readonly UsageEvent[]> {
  // Each file's first batch read at once; of several refusals (a header each), the first file's is said, whichever came first.
  const first = await Promise.allSettled(cursors.map(refill));
  const refused = first.find((r) => r.status === "rejected");
  if (refused !== undefined) throw refused.reason;
  const live = first.map((r, i) => (r.status === "fulfilled" && r.value ? cursors[i]! : undefined));
  let out: UsageEvent[] = [];
  for (;;) {
    let pick: Cursor | undefined;
    let pickAt = Infinity;
    for (const c of live) {
      if (c !== undefined && c.batch[c.next]!.at < pickAt) {
        pick = c;
        pickAt = c.batch[c.next]!.at;
      }
    }
    if (pick === undefined) break;
    out.push(pick.batch[pick.next++]!);
    if (pick.next >= pick.batch.length && !(await refill(pick))) live[live.indexOf(pick)] = undefined;
    if (out.length >= BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
