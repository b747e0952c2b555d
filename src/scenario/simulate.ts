import { planTerms } from "../engine/terms.js";
import type { AccountSettings } from "../account/account.js";
import type { AccountChange, AccountTerms, CycleStatement, GrantPurchase, Rejection } from "../engine/types.js";
import { Decimal, ZERO } from "../money.js";
import type { Plan } from "../ratecard/types.js";
import { splitBy } from "../render/shared/summary.js";
import { Calendar, type Instant } from "../time.js";
import { replayEvents } from "../replay/replay-events.js";
import { ACCOUNT, expand } from "./expand.js";
import { versionInstants } from "../ratecard/versions.js";
import { Random } from "./random.js";
import type { Scenario } from "./types.js";

/** The grant kind a plan buys extra credits as (SPEC 6 account vocabulary). */
export const TOPUP = "topup";

/**
 * More credits than any scenario can spend: the replay that buys top-ups as
 * needed holds this many from the start and reads back what each cycle took.
 */
const UNLIMITED = new Decimal("1e30");

export interface CycleResult {
  index: number;
  start: Instant;
  end: Instant;
  allowance: Decimal;
  /** Credits the scenario uses in the cycle, with top-ups bought as needed where the plan allows them. */
  total: Decimal;
  byCategory: Map<string, Decimal>;
  byPool: Map<string, Decimal>;
  /** When the cycle's credits run out if no top-up is bought. */
  runsOutAt: Instant | undefined;
  /** Without top-ups: charged beyond the credits on the grace buffer, and what would be refused. */
  graceUsed: Decimal;
  rejected: Rejection[];
  /** Top-up credits the cycle needs beyond its allowance. */
  topupNeeded: Decimal;
  /** The plan's price plus the top-ups at the card's credit price. */
  money: Decimal;
}

export interface PlanResult {
  plan: Plan;
  allowance: Decimal;
  /** Whether the plan can buy top-ups (the card allows it and prices credits). */
  topups: boolean;
  /** Nothing refused and no grace used once the top-ups it may buy are bought. */
  covers: boolean;
  money: Decimal;
  topupNeeded: Decimal;
  cycles: CycleResult[];
}

export interface SimulationOptions {
  /** Every plan of the card, not only the scenario's. */
  comparePlans: boolean;
  /** `--samples N --seed S`: N replays with drawn behaviour, summarised as percentiles. */
  samples?: { count: number; seed: string };
  progress?: (what: string, cycle: number, cycles: number) => void;
}

export interface Percentiles<T> {
  p50: T;
  p90: T;
}

interface SampledCycle {
  index: number;
  start: Instant;
  total: Percentiles<Decimal>;
  topupNeeded: Percentiles<Decimal>;
  money: Percentiles<Decimal>;
  /** p50: the median instant the credits run out; p90: the instant they last until in 90% of samples. Undefined: they last the cycle. */
  runsOutAt: Percentiles<Instant | undefined>;
  /** Samples in which the credits ran out in this cycle. */
  ranOut: number;
}

export interface SampledPlan {
  plan: Plan;
  money: Percentiles<Decimal>;
  cycles: SampledCycle[];
}

export interface Simulation {
  scenario: Scenario;
  /** The scenario's plan first, then the others ranked by money. */
  plans: PlanResult[];
  /** Plans from cheapest to dearest, those that cover the scenario first; empty without --compare-plans. */
  ranking: PlanResult[];
  cheapest: PlanResult | undefined;
  samples: { count: number; seed: string; plans: SampledPlan[] } | undefined;
}

export async function simulate(scenario: Scenario, options: SimulationOptions): Promise<Simulation> {
  const planList = options.comparePlans ? [scenario.plan, ...[...scenario.card.plans.values()].filter((p) => p !== scenario.plan)] : [scenario.plan];
  const plans: PlanResult[] = [];
  for (const plan of planList) plans.push(await simulatePlan(scenario, plan, undefined, options.progress));

  const ranking = options.comparePlans ? rank(plans, scenario) : [];
  const cheapest = ranking[0]?.covers ? ranking[0] : undefined;
  const ordered = options.comparePlans ? [plans[0]!, ...ranking.filter((p) => p !== plans[0])] : plans;

  let samples: Simulation["samples"];
  if (options.samples) {
    const { count, seed } = options.samples;
    const runs = new Map<Plan, PlanResult[]>(planList.map((p) => [p, []]));
    for (let s = 0; s < count; s++) {
      for (const plan of planList) {
        const progress = options.progress && ((what: string, cycle: number, cycles: number) => options.progress!(`sample ${s + 1}/${count} · ${what}`, cycle, cycles));
        runs.get(plan)!.push(await simulatePlan(scenario, plan, { seed, stream: s }, progress));
      }
    }
    samples = { count, seed, plans: ordered.map((r) => summarise(r.plan, runs.get(r.plan)!)) };
  }
  return { scenario, plans: ordered, ranking, cheapest, samples };
}

/** Cheapest first among plans that cover the scenario, then the ones that do not; ties keep the card's order. */
function rank(plans: readonly PlanResult[], scenario: Scenario): PlanResult[] {
  const order = [...scenario.card.plans.keys()];
  return [...plans].sort((a, b) => Number(b.covers) - Number(a.covers) || a.money.cmp(b.money) || order.indexOf(a.plan.key) - order.indexOf(b.plan.key));
}

function topupsAllowed(scenario: Scenario, plan: Plan): boolean {
  return plan.topups && scenario.card.grantKinds.has(TOPUP) && scenario.card.creditPrice !== undefined;
}

/**
 * One plan, priced twice by the engine: once buying every top-up it needs (what
 * the customer pays) and once without (when the credits run out, grace used,
 * what is refused). A plan that cannot buy top-ups is priced once.
 */
async function simulatePlan(scenario: Scenario, plan: Plan, sample: { seed: string; stream: number } | undefined, progress: SimulationOptions["progress"]): Promise<PlanResult> {
  const allowance = plan === scenario.plan && scenario.allowance !== undefined ? scenario.allowance : plan.included;
  const topups = topupsAllowed(scenario, plan);
  const terms: AccountTerms = planTerms(plan, allowance);
  const unlimited: GrantPurchase = { kind: TOPUP, amount: UNLIMITED, at: scenario.start, account: ACCOUNT, origin: undefined };
  const report = (what: string) => progress && ((cycle: number) => progress(`${plan.label} · ${what}`, cycle, scenario.cycles));

  // The scenario's changes are the customer's own story: plans compared beside it are priced as they are.
  const changes = plan === scenario.plan ? scenario.changes : [];
  const bare = await replay(scenario, { terms, purchases: [], changes }, sample, report(topups ? "without top-ups" : "as is"));
  // Where the credits never run out, buying top-ups changes nothing: one replay is enough.
  const short = bare.some((c) => c.exhaustedAt !== undefined);
  const bought = topups && short ? await replay(scenario, { terms, purchases: [unlimited], changes }, sample, report("with top-ups")) : bare;

  const price = scenario.card.creditPrice ?? ZERO;
  const cycles = bought.map((c, i): CycleResult => {
    const without = bare[i]!;
    const topupNeeded = topups ? (c.grants.find((g) => g.kind === TOPUP)?.consumed ?? ZERO) : ZERO;
    return {
      index: c.index,
      start: c.start,
      end: c.end,
      allowance: c.allowance,
      total: c.total,
      byCategory: splitBy(c.lines, (l) => l.category),
      byPool: splitBy(c.lines, (l) => l.pool),
      runsOutAt: without.exhaustedAt,
      graceUsed: without.uncovered,
      rejected: without.rejected,
      topupNeeded,
      // A cycle costs the price of the plan in force at its end (a scenario's upgrade changes it).
      money: (scenario.card.plans.get(c.plan) ?? plan).price.plus(topupNeeded.mul(price)),
    };
  });
  const covers = bought.every((c) => c.rejected.length === 0 && c.uncovered.isZero());
  const sum = (f: (c: CycleResult) => Decimal) => cycles.reduce((t, c) => t.plus(f(c)), ZERO);
  return { plan, allowance, topups, covers, money: sum((c) => c.money), topupNeeded: sum((c) => c.topupNeeded), cycles };
}

/** Replay the scenario's usage on some terms through the one engine, returning the account's cycles. */
async function replay(scenario: Scenario, account: { terms: AccountTerms; purchases: GrantPurchase[]; changes: AccountChange[] }, sample: { seed: string; stream: number } | undefined, onCycle: ((cycle: number) => void) | undefined): Promise<CycleStatement[]> {
  const settings = simulationSettings(scenario, account.terms, account.purchases, account.changes);
  const calendar = new Calendar(scenario.start, scenario.zone);
  const random = sample ? new Random(sample.seed, sample.stream) : undefined;
  const statement = await replayEvents(scenario.card, settings, expand(scenario, calendar, random, onCycle));
  return statement.accounts.find((a) => a.account === ACCOUNT)!.cycles;
}

/** The account a simulation replays: the scenario's anchor and zone, through its last cycle. */
export function simulationSettings(scenario: Scenario, terms: AccountTerms, purchases: GrantPurchase[], changes: AccountChange[] = scenario.changes): AccountSettings {
  const calendar = new Calendar(scenario.start, scenario.zone);
  return {
    name: ACCOUNT,
    zone: scenario.zone,
    anchor: scenario.start,
    terms,
    accounts: new Map([[ACCOUNT, terms]]),
    purchases,
    subscriptionEnd: undefined,
    through: calendar.start(scenario.cycles - 1),
    renewalMonths: 1,
    changes,
    versions: versionInstants(scenario.card, scenario.zone),
  };
}

function summarise(plan: Plan, runs: readonly PlanResult[]): SampledPlan {
  const cycles = runs[0]!.cycles.map((first, i): SampledCycle => {
    const of = <T>(f: (c: CycleResult) => T) => runs.map((r) => f(r.cycles[i]!));
    // Never running out counts as running out after every sample that did.
    const outs = of((c) => c.runsOutAt ?? Infinity).sort((a, b) => a - b);
    const finite = (v: number) => (v === Infinity ? undefined : v);
    return {
      index: first.index,
      start: first.start,
      total: decimalPercentiles(of((c) => c.total)),
      topupNeeded: decimalPercentiles(of((c) => c.topupNeeded)),
      money: decimalPercentiles(of((c) => c.money)),
      runsOutAt: { p50: finite(nearestRank(outs, 50)), p90: finite(nearestRank(outs, 10)) },
      ranOut: outs.filter((v) => v !== Infinity).length,
    };
  });
  return { plan, money: decimalPercentiles(runs.map((r) => r.money)), cycles };
}

function decimalPercentiles(values: Decimal[]): Percentiles<Decimal> {
  const sorted = [...values].sort((a, b) => a.cmp(b));
  return { p50: nearestRank(sorted, 50), p90: nearestRank(sorted, 90) };
}

/** The nearest-rank percentile: the smallest value with at least p% of the samples at or below it. */
export function nearestRank<T>(sorted: readonly T[], p: number): T {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
