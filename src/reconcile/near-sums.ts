import { ZERO, type Decimal } from "../money.js";
import type { Calendar, Instant } from "../time.js";

/** The flow events a cut moves on one line: how many, and their quantity and amount summed. */
export interface MovedSums {
  quantity: Decimal;
  amount: Decimal;
  events: number;
}

/**
 * One line key's events near one boundary, summed between the cuts: `buckets[i]` is a span between two cuts the
 * events fell in (in time order, each once), and the sums are running sums through it.
 */
interface KeySums {
  buckets: number[];
  quantity: Decimal[];
  amount: Decimal[];
  events: number[];
}

/**
 * The flow events near the cycle boundaries a bill might cut elsewhere, summed per line key between the cuts the
 * hypotheses put there. Every hypothesis moves the events between the boundary and its own cut, so sums between
 * consecutive cuts (every hypothesis's, and the boundary's own) add up to what any of them moves, exactly. Each event
 * was kept until stop 47, two Decimals and an object: a gateway month of 3.1M rows kept 350,000 of them, 14 hours
 * either side of each boundary, and its reconcile peaked at 430 MB for them (newcomer36; docs/performance.md,
 * near47). A key now holds a sum for each span it has events in: at most one for each cut, however many rows come.
 */
export class NearSums {
  /** Per boundary (the index of the cycle it starts), the cuts' offsets from it in milliseconds, ascending, 0 among them. */
  private readonly cuts = new Map<number, number[]>();
  private readonly sums = new Map<number, Map<string, KeySums>>();

  constructor(private readonly calendar: Calendar, shifts: readonly ReadonlyMap<number, number>[]) {
    for (const byBoundary of shifts) {
      for (const [b, delta] of byBoundary) {
        let cuts = this.cuts.get(b);
        if (cuts === undefined) this.cuts.set(b, (cuts = [0]));
        if (!cuts.includes(delta)) cuts.push(delta);
      }
    }
    for (const cuts of this.cuts.values()) cuts.sort((a, b) => a - b);
  }

  /** The boundaries at which some cut would move the event at `at`: within the first and last cut around it. */
  near(at: Instant, cycle: number): number[] {
    return [cycle, cycle + 1].filter((b) => this.bucket(b, at) >= 0);
  }

  /** Add an event of a line key near boundary `b`; events of a key come in time order. */
  add(b: number, key: string, event: { at: Instant; quantity: Decimal; amount: Decimal }): void {
    const bucket = this.bucket(b, event.at);
    if (bucket < 0) return;
    let byKey = this.sums.get(b);
    if (byKey === undefined) this.sums.set(b, (byKey = new Map()));
    let sums = byKey.get(key);
    if (sums === undefined) byKey.set(key, (sums = { buckets: [], quantity: [], amount: [], events: [] }));
    const last = sums.buckets.length - 1;
    if (last >= 0 && sums.buckets[last]! > bucket) throw new Error(`near events of ${key} out of time order at ${event.at}`);
    if (last >= 0 && sums.buckets[last] === bucket) {
      sums.quantity[last] = sums.quantity[last]!.plus(event.quantity);
      sums.amount[last] = sums.amount[last]!.plus(event.amount);
      sums.events[last]!++;
      return;
    }
    sums.buckets.push(bucket);
    sums.quantity.push(last < 0 ? event.quantity : sums.quantity[last]!.plus(event.quantity));
    sums.amount.push(last < 0 ? event.amount : sums.amount[last]!.plus(event.amount));
    sums.events.push((last < 0 ? 0 : sums.events[last]!) + 1);
  }

  /** Each line key's events between boundary `b` and the cut `delta` from it (one of the cuts given), where there are any. */
  *moved(b: number, delta: number): Generator<[string, MovedSums]> {
    const cuts = this.cuts.get(b);
    const [from, to] = [cuts?.indexOf(Math.min(0, delta)) ?? -1, cuts?.indexOf(Math.max(0, delta)) ?? -1];
    if (from < 0 || to < 0) throw new Error(`no cut at ${delta} ms from boundary ${b}`);
    for (const [key, sums] of this.sums.get(b) ?? []) {
      const lo = firstAtOrAfter(sums.buckets, from), hi = firstAtOrAfter(sums.buckets, to);
      if (hi === lo) continue;
      const before = (values: Decimal[]) => (lo === 0 ? ZERO : values[lo - 1]!);
      yield [key, {
        quantity: sums.quantity[hi - 1]!.minus(before(sums.quantity)),
        amount: sums.amount[hi - 1]!.minus(before(sums.amount)),
        events: sums.events[hi - 1]! - (lo === 0 ? 0 : sums.events[lo - 1]!),
      }];
    }
  }

  /** The span between cuts `at` falls in around boundary `b` (span i runs from cut i to cut i + 1), or -1 outside them. */
  private bucket(b: number, at: Instant): number {
    const cuts = this.cuts.get(b);
    if (cuts === undefined) return -1;
    const offset = at - this.calendar.start(b);
    if (offset < cuts[0]! || offset >= cuts.at(-1)!) return -1;
    return firstAtOrAfter(cuts, offset + 1) - 1;
  }
}

/** The index of the first of `sorted` (ascending) at or after `value`. */
function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
