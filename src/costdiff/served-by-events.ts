import { Decimal } from "../money.js";

type Side = "old" | "new";

/** One meter's lines in a cycle, of one kind and dimension values, under each card. */
interface MeterLines<G> {
  /** Events by component: an event is on its meter's line or a component's, most on every one, so the meter's are the most of any. */
  components: { old: Map<string, number>; new: Map<string, number> };
  grains: Set<G>;
}

/** A meter's own line, beside its components'. */
const OWN = "";

/**
 * A meter's grains (its lines by component) gathered by cycle, kind and dimension values. Where the two cards price a
 * meter by different components (a new card splits cached input tokens out of input tokens, which the old one prices
 * whole), one component's grain is no longer the same rows under both: the uncached tokens were read as fewer tokens
 * served, and the cached ones' price as events one card alone serves. A price cut of 9.68% on the events both cards
 * serve read as a rise of 0.83% (newcomer72b M1). There, what both serve is judged per event, across the components.
 */
export class MeterGroups<G> {
  private readonly groups = new Map<string, MeterLines<G>>();

  add(key: string, side: Side, line: { component: string | undefined; events: number }, grain: G): void {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { components: { old: new Map(), new: new Map() }, grains: new Set() };
      this.groups.set(key, group);
    }
    const components = group.components[side];
    const component = line.component ?? OWN;
    components.set(component, (components.get(component) ?? 0) + line.events);
    group.grains.add(grain);
  }

  /**
   * The grains of each meter the cards price by different components, both serving some of its events, with what both
   * serve under each card: the fewer events at each card's price an event on the meter, shared out among the grains by
   * their amounts under that card. Every other grain is judged on its own, by the caller.
   */
  split(amountOf: (grain: G, side: Side) => Decimal): Map<G, { old: Decimal; new: Decimal }> {
    const shares = new Map<G, { old: Decimal; new: Decimal }>();
    for (const group of this.groups.values()) {
      const { components } = group;
      const events = { old: Math.max(0, ...components.old.values()), new: Math.max(0, ...components.new.values()) };
      if (events.old === 0 || events.new === 0 || sameKeys(components.old, components.new)) continue;
      const both = Math.min(events.old, events.new);
      const part = (side: Side) => new Decimal(both).div(events[side]);
      const [old, now] = [part("old"), part("new")];
      for (const grain of group.grains) shares.set(grain, { old: amountOf(grain, "old").mul(old), new: amountOf(grain, "new").mul(now) });
    }
    return shares;
  }
}

function sameKeys(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a.keys()) if (!b.has(x)) return false;
  return true;
}
