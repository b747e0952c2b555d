import { usersIn } from "./expand.js";
import type { Population } from "./types.js";

/** A run of cycles a user of a `billing: per_user` population is present in: from its first to the one after its last. */
interface Span {
  from: number;
  to: number;
}

/**
 * The cycles a user is subscribed in, as an account file says them: undefined where the user is there in every cycle;
 * else the cycle its subscription first ends at (0, the anchor, for a user who joins later), and each later start
 * with the cycle it ends at again. The simulation replays each user so, and `--emit-usage` writes it so: a user who
 * joins in the third cycle was billed the two before it (red63 H1), and given their credits (red63d H1).
 */
export interface Subscription {
  end: number;
  restarts: Span[];
  /** The cycle the user first joins at, where after the anchor: its plan's one-time credits are granted there. */
  joins: number | undefined;
}

export function subscriptionOf(population: Population, user: number, cycles: number): Subscription | undefined {
  const spans: Span[] = [];
  for (let i = 0; i < cycles; i++) {
    if (user >= usersIn(population, i)) continue;
    const last = spans.at(-1);
    if (last !== undefined && last.to === i) last.to = i + 1;
    else spans.push({ from: i, to: i + 1 });
  }
  const first = spans[0];
  if (first === undefined || (spans.length === 1 && first.from === 0 && first.to === cycles)) return undefined;
  const [opening, ...restarts] = first.from === 0 ? spans : [{ from: 0, to: 0 }, ...spans];
  return { end: opening!.to, restarts, joins: first.from > 0 ? first.from : undefined };
}
