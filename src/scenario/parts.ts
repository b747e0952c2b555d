import type { CycleStatement, Statement, UsageEvent } from "../engine/types.js";
import { versionsOn } from "../ratecard/versions.js";
import type { Plan } from "../ratecard/types.js";
import type { Location } from "../errors.js";
import { ZERO, type Decimal } from "../money.js";
import type { SimulationProgress } from "../progress/simulation-progress.js";
import { replayEvents } from "../replay/replay-events.js";
import { Calendar } from "../time.js";
import { expand, turning } from "./expand.js";
import { UNLIMITED } from "./purchases.js";
import { scenarioTerms, simulationSettings } from "./settings.js";
import type { Activity, Scenario } from "./types.js";

/**
 * What each part of the scenario comes to: a population (paid by the scenario's account), a schedule, a send, and
 * the inventory together. The output split credits by category and pool only, so "what does the nightly batch
 * cost?" took --emit-usage and a statement (newcomer, stop 38). Each part is priced alone, on the plan in force of each
 * cycle with its credits and request quota unlimited: what its usage asks, served or not, whatever the plan's allowance.
 */
export interface Part {
  kind: "population" | "schedule" | "send" | "inventory";
  name: string;
  /** Where the scenario writes it: the population or item; the first inventory item for the inventory. */
  origin: Location;
  /** Credits per simulated cycle. */
  cycles: Decimal[];
  /** The plan each cycle is priced on: the scenario's account's at the cycle's end. */
  plans: Plan[];
  credits: Decimal;
  /** The credits at the card's credit price (the version's in force at each cycle's start), per cycle and in all; undefined without one. */
  cycleMoney: Decimal[] | undefined;
  money: Decimal | undefined;
  /** The part some of its events are priced with: they raise, lower, publish again or end an item that part made first. */
  pricedWith: string | undefined;
}

/**
 * `planOf` gives the plan in force of each cycle of the scenario's own account (its `changes:` moving it): each part is
 * priced on it, cycle by cycle, as the account is billed. Priced on the first plan alone, the parts of a Creator → Team
 * scenario left out the work Creator's gate refuses, 516 credits against the cycles' 660.10 (newcomer58a M3).
 */
export async function scenarioParts(scenario: Scenario, planOf: (cycle: number) => Plan, progress?: SimulationProgress): Promise<Part[]> {
  const pieces: { kind: Part["kind"]; name: string; origin: Location; items: readonly Activity[] }[] = [];
  for (const p of scenario.populations) {
    // A billing: per_user population's users pay on accounts of their own: the users' own accounts table is theirs.
    if (!p.perUser) pieces.push({ kind: "population", name: p.name, origin: p.origin, items: p.activities });
  }
  for (const t of scenario.timed) if (t.kind !== "inventory") pieces.push({ kind: t.kind, name: t.label, origin: t.origin, items: [t] });
  const inventory = scenario.timed.filter((t) => t.kind === "inventory");
  if (inventory.length > 0) pieces.push({ kind: "inventory", name: "inventory", origin: inventory[0]!.origin, items: inventory });
  if (pieces.length < 2) return [];

  // One replay, each part an account of its own on the same terms: every event is read once, whatever the parts.
  const accountOf = new Map<Location, string>();
  pieces.forEach((piece, i) => {
    for (const item of piece.items) accountOf.set(item.origin, `part ${i}`);
  });
  const calendar = new Calendar(scenario.start, scenario.zone);
  const versions = versionsOn(scenario.card, calendar);
  const cyclePlans = Array.from({ length: scenario.cycles }, (_, index) => planOf(index));
  // One replay a plan the account is on, the plan's terms with its credits and quota unlimited.
  const byPlan = new Map<Plan, Statement>();
  const pricedWith = new Map<string, string>();
  for (const plan of new Set(cyclePlans)) {
    const terms = { ...scenarioTerms(scenario, plan, true), allowance: UNLIMITED, overage: true };
    const onCycle = progress && ((cycle: number) => progress.step(`${plan.label} · parts of the scenario`, cycle, scenario.cycles, "cycle"));
    const holder = itemHolders(scenario);
    const events = function* (): Generator<UsageEvent> {
      for (const e of expand(scenario, calendar, undefined, onCycle)) {
        const own = accountOf.get(e.origin!) ?? e.account;
        const account = holder(e, own);
        if (account !== own) pricedWith.set(own, account);
        yield { ...e, account };
      }
    };
    byPlan.set(plan, await replayEvents(scenario.card, simulationSettings(scenario, { terms, purchases: [], changes: [] }), turning(events(), progress)));
  }
  const prices = Array.from({ length: scenario.cycles }, (_, index) => versions.at(calendar.start(index)).creditPrice);
  const sum = (values: readonly Decimal[]) => values.reduce((a, b) => a.plus(b), ZERO);
  return pieces.map((piece, i) => {
    const cycleOf = (index: number): CycleStatement | undefined => byPlan.get(cyclePlans[index]!)!.accounts.find((a) => a.account === `part ${i}`)?.cycles.find((c) => c.index === index);
    const each = Array.from({ length: scenario.cycles }, (_, index) => cycleOf(index)?.total ?? ZERO);
    const cycleMoney = prices.every((p) => p !== undefined) ? each.map((c, index) => c.mul(prices[index]!)) : undefined;
    const withPart = pricedWith.get(`part ${i}`);
    return { kind: piece.kind, name: piece.name, origin: piece.origin, cycles: each, plans: cyclePlans, credits: sum(each), cycleMoney, money: cycleMoney && sum(cycleMoney), pricedWith: withPart === undefined ? undefined : pieces[Number(withPart.slice(5))]!.name };
  });
}

/**
 * The account of each event in the parts' replay: its part's, but for an event of an item another part made first (one
 * that raises, lowers, publishes or ends it), which goes to that part (red63 M1: storage deleted by a schedule, a
 * channel unpublished by a send, each met an empty account of its own and the scenario was refused, "below zero", "not
 * active"). Items are told by the meter they are of and its key's values; memory grows with the items.
 */
function itemHolders(scenario: Scenario): (e: UsageEvent, own: string) => string {
  const endsOf = new Map<string, { meter: string; key: readonly string[] }>();
  for (const m of scenario.card.meters.values()) {
    if (m.aggregation === "recurring") endsOf.set(m.endedBy, { meter: m.key, key: m.keyBy });
    if (m.aggregation === "gauge") endsOf.set(m.decreasedBy, { meter: m.key, key: m.keyBy });
  }
  const made = new Map<string, string>();
  const itemKey = (meter: string, key: readonly string[], e: UsageEvent) => JSON.stringify([meter, ...key.map((k) => e.dimensions[k] ?? "")]);
  return (e, own) => {
    const meter = scenario.card.meters.get(e.meter);
    if (meter !== undefined && (meter.aggregation === "recurring" || meter.aggregation === "gauge")) {
      // Raised or published again by another part, still the first maker's: its level or its end is one account's (red63c M2).
      const key = itemKey(meter.key, meter.keyBy, e);
      if (!made.has(key)) made.set(key, own);
      return made.get(key)!;
    }
    const ends = endsOf.get(e.meter);
    return ends === undefined ? own : (made.get(itemKey(ends.meter, ends.key, e)) ?? own);
  };
}
