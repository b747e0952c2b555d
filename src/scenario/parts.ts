import type { CycleStatement } from "../engine/types.js";
import type { Location } from "../errors.js";
import { ZERO, type Decimal } from "../money.js";
import type { SimulationProgress } from "../progress/simulation-progress.js";
import { replayEvents } from "../replay/replay-events.js";
import { Calendar } from "../time.js";
import { ACCOUNT, expand, turning } from "./expand.js";
import { UNLIMITED, versionsOn } from "./purchases.js";
import { scenarioTerms, simulationSettings } from "./settings.js";
import type { Scenario } from "./types.js";

/**
 * What each part of the scenario comes to: a population (paid by the scenario's account), a schedule, a send, and
 * the inventory together. The output split credits by category and pool only, so "what does the nightly batch
 * cost?" took --emit-usage and a statement (newcomer, stop 38). Each part is priced alone, on the scenario's plan
 * with its credits and request quota unlimited: what its usage asks, served or not, whatever the plan's allowance.
 */
export interface Part {
  kind: "population" | "schedule" | "send" | "inventory";
  name: string;
  /** Where the scenario writes it: the population or item; the first inventory item for the inventory. */
  origin: Location;
  /** Credits per simulated cycle. */
  cycles: Decimal[];
  credits: Decimal;
  /** The credits at the card's credit price (the version's in force at each cycle's start), per cycle and in all; undefined without one. */
  cycleMoney: Decimal[] | undefined;
  money: Decimal | undefined;
}

export async function scenarioParts(scenario: Scenario, progress?: SimulationProgress): Promise<Part[]> {
  const pieces: { kind: Part["kind"]; name: string; origin: Location; scenario: Scenario }[] = [];
  for (const p of scenario.populations) {
    // A billing: per_user population's users pay on accounts of their own: the users' own accounts table is theirs.
    if (p.perUser) continue;
    pieces.push({ kind: "population", name: p.name, origin: p.origin, scenario: { ...scenario, populations: [p], timed: [] } });
  }
  for (const t of scenario.timed) {
    if (t.kind !== "inventory") pieces.push({ kind: t.kind, name: t.label, origin: t.origin, scenario: { ...scenario, populations: [], timed: [t] } });
  }
  const inventory = scenario.timed.filter((t) => t.kind === "inventory");
  if (inventory.length > 0) pieces.push({ kind: "inventory", name: "inventory", origin: inventory[0]!.origin, scenario: { ...scenario, populations: [], timed: inventory } });
  if (pieces.length < 2) return [];

  const calendar = new Calendar(scenario.start, scenario.zone);
  const versions = versionsOn(scenario.card, calendar);
  const terms = { ...scenarioTerms(scenario, scenario.plan, true), allowance: UNLIMITED, overage: true };
  const parts: Part[] = [];
  for (const piece of pieces) {
    const onCycle = progress && ((cycle: number) => progress.step(`${scenario.plan.label} · part ${piece.name}`, cycle, scenario.cycles, "cycle"));
    const settings = simulationSettings(piece.scenario, { terms, purchases: [], changes: [] });
    const statement = await replayEvents(scenario.card, settings, turning(expand(piece.scenario, calendar, undefined, onCycle), progress));
    const cycles: CycleStatement[] = statement.accounts.find((a) => a.account === ACCOUNT)?.cycles ?? [];
    const each = Array.from({ length: scenario.cycles }, (_, index) => cycles.find((c) => c.index === index)?.total ?? ZERO);
    const prices = Array.from({ length: scenario.cycles }, (_, index) => versions.at(calendar.start(index)).creditPrice);
    const cycleMoney = prices.every((p) => p !== undefined) ? each.map((c, index) => c.mul(prices[index]!)) : undefined;
    const sum = (values: readonly Decimal[]) => values.reduce((a, b) => a.plus(b), ZERO);
    parts.push({ kind: piece.kind, name: piece.name, origin: piece.origin, cycles: each, credits: sum(each), cycleMoney, money: cycleMoney && sum(cycleMoney) });
  }
  return parts;
}
