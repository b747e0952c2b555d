import type { UsageEvent } from "../engine/types.js";

/**
 * Merge per-file event streams by time, ties going to the earlier file: a log
 * split across files (each in time order) streams as one, without sorting.
 */
export async function* mergeByTime(streams: readonly AsyncIterable<UsageEvent>[]): AsyncGenerator<UsageEvent> {
  if (streams.length === 1) {
    yield* streams[0]!;
    return;
  }
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const heads: (UsageEvent | undefined)[] = await Promise.all(iterators.map(async (it) => (await it.next()).value ?? undefined));
  for (;;) {
    let pick = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && (pick < 0 || h.at < heads[pick]!.at)) pick = i;
    }
    if (pick < 0) return;
    yield heads[pick]!;
    const next = await iterators[pick]!.next();
    heads[pick] = next.done ? undefined : next.value;
  }
}
