import { Decimal, ONE, ZERO } from "../money.js";

type Side = "old" | "new";

/** One meter's lines in a cycle, of one kind and dimension values, under each card. */
interface MeterLines<G> {
  /** Events and quantity by component, under each card. */
  components: { old: Map<string, Size>; new: Map<string, Size> };
  grains: Set<G>;
}

interface Size {
  events: number;
  quantity: Decimal;
  amount: Decimal;
}

/** A meter's own line, beside its components'. */
const OWN = "";

/**
 * A meter's grains (its lines by component) gathered by cycle, kind and dimension values. Where a card prices a meter by
 * more components than the other (the new card splits cached input tokens out of input tokens, which the old one prices
 * whole), one component's grain is no longer the same rows under both: the uncached tokens were read as fewer tokens
 * served, and the cached ones' price as events one card alone serves. A price cut of 9.68% on the events both cards
 * serve read as a rise of 0.83% (newcomer72b M1). There, what both serve is judged by all the meter's tokens, which a
 * count split into parts keeps: the fewer tokens at each card's price a token, across the components. Per event, a
 * large call one card refused made a cut of 9% read as a rise of 80% (red72a H1).
 */
export class MeterGroups<G> {
  private readonly groups = new Map<string, MeterLines<G>>();

  add(key: string, side: Side, line: { component: string | undefined; events: number; quantity: Decimal; amount: Decimal }, grain: G): void {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { components: { old: new Map(), new: new Map() }, grains: new Set() };
      this.groups.set(key, group);
    }
    const components = group.components[side];
    const component = line.component ?? OWN;
    const had = components.get(component);
    components.set(component, { events: (had?.events ?? 0) + line.events, quantity: (had?.quantity ?? ZERO).plus(line.quantity), amount: (had?.amount ?? ZERO).plus(line.amount) });
    group.grains.add(grain);
  }

  /**
   * The grains of each meter one card prices by more components than the other, both serving some of its events, with
   * what both serve under each card, shared out among the grains by their amounts under that card: all of them where both
   * serve as many events; else the fewer tokens (every component's quantity summed) at each card's price a token. A meter
   * priced on its own quantity beside its components (not at 0), or by components each card has and the other lacks, is
   * judged grain by grain, by the caller, as before: its quantities are not one measure.
   */
  split(amountOf: (grain: G, side: Side) => Decimal): Map<G, { old: Decimal; new: Decimal }> {
    const shares = new Map<G, { old: Decimal; new: Decimal }>();
    for (const group of this.groups.values()) {
      const ratios = servedRatios(group.components);
      if (ratios === undefined) continue;
      for (const grain of group.grains) shares.set(grain, { old: share(amountOf(grain, "old"), ratios.old), new: share(amountOf(grain, "new"), ratios.new) });
    }
    return shares;
  }
}

/** The share of each card's amount on the meter that both cards serve, where the group is judged as one (split). */
function servedRatios(components: MeterLines<unknown>["components"]): { old: Decimal; new: Decimal } | undefined {
  const { old, new: now } = components;
  if (old.size === 0 || now.size === 0 || sameKeys(old, now)) return undefined;
  const events = (sizes: Map<string, Size>) => Math.max(0, ...[...sizes.values()].map((s) => s.events));
  if (events(old) === 0 || events(now) === 0) return undefined;
  if (events(old) === events(now)) return { old: ONE, new: ONE };
  // The meter's own line counts requests, not tokens: left out of the measure where it costs nothing under both cards (a
  // token-priced meter's price of 0), else the quantities are not one measure.
  const own = [old.get(OWN), now.get(OWN)];
  if (own.some((s) => s !== undefined && !s.amount.isZero())) return undefined;
  const priced = (sizes: Map<string, Size>) => [...sizes.keys()].filter((k) => k !== OWN);
  const [fewer, more] = priced(old).length < priced(now).length ? [priced(old), priced(now)] : [priced(now), priced(old)];
  if (!fewer.every((k) => more.includes(k))) return undefined;
  const tokens = (sizes: Map<string, Size>) => [...sizes].reduce((sum, [k, s]) => (k === OWN ? sum : sum.plus(s.quantity.abs())), ZERO);
  const [o, n] = [tokens(old), tokens(now)];
  if (o.isZero() || n.isZero()) return undefined;
  const both = Decimal.min(o, n);
  return { old: both.div(o), new: both.div(n) };
}

/** An amount's share, to the places of the amount and six more: an estimate of what both serve, not a charge (red72a M2: 13.333... to 60 places). */
function share(amount: Decimal, ratio: Decimal): Decimal {
  return ratio.eq(ONE) ? amount : amount.mul(ratio).toDecimalPlaces(amount.decimalPlaces() + 6);
}

function sameKeys(a: ReadonlyMap<string, Size>, b: ReadonlyMap<string, Size>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a.keys()) if (!b.has(x)) return false;
  return true;
}
