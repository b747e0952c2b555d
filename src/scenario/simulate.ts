import type { AccountChange, AccountTerms, CycleStatement, GrantPurchase, Rejection, Statement } from "../engine/types.js";
import { versionsOn, type VersionsOn } from "../ratecard/versions.js";
import { Decimal, ZERO } from "../money.js";
import type { Plan, RateCard } from "../ratecard/types.js";
import { versionOf } from "../ratecard/plan-fee.js";
import { splitBy } from "../render/shared/summary.js";
import { Calendar, type Instant } from "../time.js";
import { replayEvents } from "../replay/replay-events.js";
import type { SimulationProgress } from "../progress/simulation-progress.js";
import { accountSpend, usersOn, type AccountSpend } from "./accounts.js";
import { scenarioTerms, simulationSettings } from "./settings.js";
import { ACCOUNT, expand, turning } from "./expand.js";
import { anySells, asNeeded, boughtAt, cardPurchase, simulatedMoney, simulatedMoneyParts, UNLIMITED, type Purchase } from "./purchases.js";
import { scenarioParts, type Part } from "./parts.js";
import { buyWhereWorth, serves } from "./past-zero.js";
import { Random } from "./random.js";
import type { Scenario } from "./types.js";

export interface CycleResult {
  index: number;
  start: Instant;
  end: Instant;
  /** The plan in force at the cycle's end: the compared plan, or where the scenario's changes upgrade it, the plan they set. */
  plan: Plan;
  allowance: Decimal;
  /** Credits the scenario uses in the cycle, with top-ups bought as needed where the plan allows them. */
  total: Decimal;
  byCategory: Map<string, Decimal>;
  byPool: Map<string, Decimal>;
  /** When the cycle's credits run out if no top-up is bought. */
  runsOutAt: Instant | undefined;
  /** Without top-ups: charged beyond the credits (on the grace buffer, or past zero where a pool lets it), and what would be refused. */
  graceUsed: Decimal;
  /** Of `graceUsed`, what pools of `when_exhausted: overage` bill in money: served, not a shortfall (past-zero.ts). */
  pastZeroBilled: Decimal;
  rejected: Rejection[];
  /** With the top-ups bought as needed: what is refused still (a quota, a gate, a daily limit, a plan that sells none). */
  rejectedBuying: Rejection[];
  /** When the cycle's top-ups are bought: its start, or when a plan that sells them comes into force in it; undefined when none is sold in it. */
  topupsSoldAt: Instant | undefined;
  /** Top-up credits the cycle needs beyond its allowance, bought while the plan in force sells them. */
  topupNeeded: Decimal;
  /** What they add to the cycle's money, at the credit price of the card version in force when bought, rounded as the cycle's money is (simulatedMoneyParts). */
  topupMoney: Decimal;
  /** What the overage adds to the cycle's money, rounded as the cycle's money is. */
  overageMoney: Decimal;
  /** The overage's money before rounding: requests past the plan's quota (overage billing on), and credits an overage pool bills past zero. */
  overage: Decimal;
  /** Of it, as bought: requests past the quota and credits past zero, each a count (the note on overage names what it holds). */
  overageRequests: Decimal;
  overageCredits: Decimal;
  /** The plan's price, the top-ups at the card's credit price, and the overage. */
  money: Decimal;
  /** The plan's price and the overage, buying nothing. */
  moneyWithout: Decimal;
  /**
   * What the cycle's usage costs with the plan's allowance and request quota unlimited (gates and limits as they are), where
   * the plan's credits run out and no priced purchase covers it: the demand a plan that falls short leaves unsaid.
   */
  asked: Decimal | undefined;
}

export interface PlanResult {
  plan: Plan;
  /** The scenario's own account: its plan with its changes and negotiated allowance; otherwise a plan as the card gives it. */
  own: boolean;
  /** How reports name it: the plan's label, or the scenario's plan timeline ("Free → Pro → Free"). */
  label: string;
  allowance: Decimal;
  /** Whether the plan can buy top-ups at a price the card gives. */
  topups: boolean;
  /** What the plan can buy, priced or not; undefined when it buys nothing. */
  purchase: Purchase | undefined;
  /** Nothing refused and nothing past zero unbilled (an overage pool's is billed: served) once the top-ups it may buy are bought. */
  covers: boolean;
  money: Decimal;
  topupNeeded: Decimal;
  /** The same plan buying nothing: whether it covers the scenario, and its money. */
  without: { covers: boolean; money: Decimal };
  cycles: CycleResult[];
  /** `billing: per_user` populations: every user an account on this plan. */
  accounts: AccountSpend | undefined;
}

/** One row of the plan comparison: a plan bought as is, or with the top-ups it needs. */
interface PlanOption {
  result: PlanResult;
  withTopups: boolean;
  covers: boolean;
  /** Undefined when it buys packs the card gives no price for. */
  money: Decimal | undefined;
}

export interface SimulationOptions {
  /** Every plan of the card, not only the scenario's. */
  comparePlans: boolean;
  /** `--samples N --seed S`: N replays with drawn behaviour, summarised as percentiles. */
  samples?: { count: number; seed: string };
  /** Told each cycle and account as it starts, and asked for a turn of the event loop now and then. */
  progress?: SimulationProgress;
}

export interface Percentiles<T> {
  p50: T;
  p90: T;
  p99: T;
}

interface SampledCycle {
  index: number;
  start: Instant;
  total: Percentiles<Decimal>;
  topupNeeded: Percentiles<Decimal>;
  money: Percentiles<Decimal>;
  /** p50: the median instant the credits run out; p90 (p99): the instant they last until in 90% (99%) of samples. Undefined: they last the cycle. */
  runsOutAt: Percentiles<Instant | undefined>;
  /** Samples in which the credits ran out in this cycle. */
  ranOut: number;
}

export interface SampledPlan {
  plan: Plan;
  label: string;
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
  /** Every plan without and (where it can buy them) with top-ups, cheapest covering option first; empty without --compare-plans. */
  options: PlanOption[];
  /** The option `cheapest` names: with or without top-ups. */
  cheapestOption: PlanOption | undefined;
  samples: { count: number; seed: string; plans: SampledPlan[] } | undefined;
  /** What each population, schedule, send and the inventory come to on the scenario's plan; empty for a scenario of one part. */
  parts: Part[];
  /**
   * Whether the scenario's own account has usage: none where every population is `billing: per_user` and it has no
   * schedule, send or inventory. Its plans then differ by their price alone, and what the usage costs is what the
   * users' own accounts pay (newcomer62b M2: Free named the cheapest "at 0.00 USD" above users paying 117.63 on it).
   */
  ownUsage: boolean;
  /** With --compare-plans, `billing: per_user` populations' plans by what all their users pay (UsersRanking). */
  users: UsersRanking | undefined;
}

/**
 * The plans compared, by what the users of `billing: per_user` populations pay on them in all, each user an account
 * on the plan: those that refuse fewest users first (a user is refused where the plan refuses some of its usage or
 * lets it past zero, once it buys what the plan sells at a price), then by the money's sum, then in the card's order.
 */
export interface UsersRanking {
  ranking: PlanResult[];
  /** The first of them, where it serves every user; undefined where none does. */
  cheapest: PlanResult | undefined;
}

export async function simulate(scenario: Scenario, options: SimulationOptions): Promise<Simulation> {
  // A scenario that changes plan is its own timeline: with --compare-plans its first plan is compared plain as well.
  const moves = scenario.changes.some((c) => c.change.kind === "plan");
  const others = [...scenario.plans.values()].filter((p) => moves || p !== scenario.plan);
  const planList: Priced[] = [{ plan: scenario.plan, own: true }, ...(options.comparePlans ? others.map((plan) => ({ plan, own: false })) : [])];
  const plans: PlanResult[] = [];
  // Users of billing: per_user populations are drawn (the first sample's draws) when --samples asks for draws.
  const drawnAccounts = options.samples ? { seed: options.samples.seed, stream: 0 } : undefined;
  for (const priced of planList) {
    // Per-user accounts are on the plan alone, without the scenario's changes: once per plan.
    const accounts = !priced.own && priced.plan === scenario.plan ? "skip" : drawnAccounts;
    plans.push(await simulatePlan(scenario, priced, { sample: undefined, accounts }, options.progress));
  }

  const planOptions = options.comparePlans ? rankOptions(plans, scenario) : [];
  const cheapestOption = planOptions[0]?.covers && planOptions[0].money !== undefined ? planOptions[0] : undefined;
  const ranking = options.comparePlans ? rank(plans, planOptions) : [];
  const cheapest = cheapestOption?.result;
  const ordered = options.comparePlans ? [plans[0]!, ...ranking.filter((p) => p !== plans[0])] : plans;

  let samples: Simulation["samples"];
  if (options.samples) {
    const { count, seed } = options.samples;
    const runs: PlanResult[][] = planList.map(() => []);
    for (let s = 0; s < count; s++) {
      for (const [i, priced] of planList.entries()) {
        const progress = options.progress && named(options.progress, `sample ${s + 1}/${count} · `);
        runs[i]!.push(await simulatePlan(scenario, priced, { sample: { seed, stream: s }, accounts: "skip" }, progress));
      }
    }
    samples = { count, seed, plans: ordered.map((r) => summarise(r, runs[plans.indexOf(r)]!)) };
  }
  const parts = await scenarioParts(scenario, planAtEndOf(scenario, plans[0]!), options.progress);
  const ownUsage = scenario.timed.length > 0 || scenario.populations.some((p) => !p.perUser);
  const users = options.comparePlans ? usersRanking(plans, scenario) : undefined;
  return { scenario, plans: ordered, ranking, cheapest, options: planOptions, cheapestOption, samples, parts, ownUsage, users };
}

function usersRanking(plans: readonly PlanResult[], scenario: Scenario): UsersRanking | undefined {
  // Once a plan: a scenario that changes plan prices its first plan twice, the users' accounts with one of them.
  const priced = plans.filter((p) => p.accounts !== undefined);
  if (priced.length === 0) return undefined;
  const order = [...scenario.plans.keys()];
  // Fewest users refused first (red63c M1: where none serves them all, the cheapest refused 5 of 5, another 2).
  const ranking = [...priced].sort((a, b) => a.accounts!.refused - b.accounts!.refused || a.accounts!.money.sum.cmp(b.accounts!.money.sum) || order.indexOf(a.plan.key) - order.indexOf(b.plan.key));
  return { ranking, cheapest: ranking[0]!.accounts!.refused === 0 ? ranking[0] : undefined };
}

/**
 * The plan the scenario's own account (the first plan priced, its changes and all) is on at the end of each of the
 * scenario's cycles. Its own cycles are not the scenario's where an upgrade starts a new cycle (`upgrade: new_cycle`):
 * looked up by instant, not by number (red58b F6: Creator's parts priced on Team and the other way round).
 */
function planAtEndOf(scenario: Scenario, own: PlanResult): (cycle: number) => Plan {
  const calendar = new Calendar(scenario.start, scenario.zone);
  return (cycle) => {
    const last = calendar.start(cycle + 1) - 1;
    return own.cycles.find((c) => c.start <= last && last < c.end)?.plan ?? own.cycles.at(-1)?.plan ?? scenario.plan;
  };
}

/**
 * Every way to buy each plan, cheapest first among the ones that cover the
 * scenario with a known price, then those with packs the card does not price,
 * then those that do not cover it, those that refuse fewer usage rows first; ties keep the card's order, without top-ups
 * first.
 */
function rankOptions(plans: readonly PlanResult[], scenario: Scenario): PlanOption[] {
  const order = [...scenario.plans.keys()];
  const all: PlanOption[] = [];
  for (const result of plans) {
    all.push({ result, withTopups: false, covers: result.without.covers, money: result.without.money });
    if (result.purchase && result.topupNeeded.gt(0)) all.push({ result, withTopups: true, covers: result.covers, money: result.purchase.price === undefined ? undefined : result.money });
  }
  const group = (o: PlanOption) => (o.covers ? (o.money === undefined ? 1 : 0) : 2);
  // Packs of no price are left out of the order, not the money known beside them (newcomer58a M1: 420 USD ranked above 60).
  const known = (o: PlanOption) => o.money ?? (o.withTopups ? o.result.money : undefined);
  // Of the rows that do not cover it, the one that refuses least first: a customer reads rank 1 as the advice, and the
  // cheapest such row refused the most (newcomer65b L4: Starter first, 4,838 rows refused beside Pro's 780).
  const refused = (o: PlanOption) => (o.covers ? 0 : o.result.cycles.reduce((n, c) => n + (o.withTopups ? c.rejectedBuying : c.rejected).reduce((m, r) => m + r.events, 0), 0));
  return all.sort((a, b) => group(a) - group(b) || refused(a) - refused(b) || (known(a) ?? known(b) ?? ZERO).cmp(known(b) ?? known(a) ?? ZERO) || order.indexOf(a.result.plan.key) - order.indexOf(b.result.plan.key) || Number(a.withTopups) - Number(b.withTopups));
}

/** Plans in the order of their best option. */
function rank(plans: readonly PlanResult[], options: readonly PlanOption[]): PlanResult[] {
  const seen = new Set<PlanResult>();
  for (const o of options) seen.add(o.result);
  for (const p of plans) seen.add(p);
  return [...seen];
}

/** A plan to price: the scenario's own account (its changes and allowance), or the plan as the card gives it. */
export interface Priced {
  plan: Plan;
  own: boolean;
}

/** What a plan's replay draws: the scenario account's sample, and the per-user accounts' ("skip": not summarised in this run). */
export interface PlanDraws {
  sample: { seed: string; stream: number } | undefined;
  accounts: { seed: string; stream: number } | undefined | "skip";
}

/** One plan's row: its replays (replayBuying), what each cycle costs, and whether it covers the scenario. */
async function simulatePlan(scenario: Scenario, priced: Priced, draws: PlanDraws, progress: SimulationOptions["progress"]): Promise<PlanResult> {
  const coversAll = (run: readonly CycleStatement[]) => run.every(serves);
  const { plan, own } = priced;
  const { sample } = draws;
  // The scenario's changes are the customer's own story: plans compared beside it are priced as they are.
  const changes = own ? scenario.changes : [];
  const label = timelineLabel(plan, changes);
  const report = (what: string) => progress && named(progress, `${label} · ${what}`);
  const run = await replayBuying(scenario, priced, sample, report);
  const { terms, versions, purchase } = run;
  const allowance = terms.allowance;
  const bare = ownCycles(run.bare);
  const bought = ownCycles(run.bought);
  const short = bare.some((c) => c.exhaustedAt !== undefined);
  // A plan whose credits run out with nothing priced to buy says how far short it falls (newcomer, stop 37: Flowly's
  // Starter "covers no" what asks 86 times its credits). Not where a change sets another plan or allowance, whose own
  // allowance would take over.
  const resets = changes.some((c) => c.change.kind === "plan" || c.change.kind === "allowance");
  // Nor where an overage pool bills what went past its credits and the plan serves the rest as is (newcomer68 M2).
  const billed = bare.some((c) => (c.overage.credits ?? ZERO).gt(0)) && coversAll(bare);
  const askWhy = short && !resets && !billed && !(purchase?.price !== undefined && coversAll(bought));
  // What the usage asks, its credits and its request quota aside (overage on lets requests past a quota through, charged
  // in credits as the rest): Floopy's Free asked 46.875 cents, what its 1,000 requests cost, of usage that needs 713.7
  // (newcomer, stop 38). Gates and the scenario's own limits stay: they are not a shortfall of credits.
  const demand = { ...terms, allowance: UNLIMITED, overage: true };
  const asked = askWhy ? ownCycles(await replay(scenario, { terms: demand, purchases: [], changes: changes.filter((c) => c.change.kind !== "overage") }, sample, report("credits unlimited"))) : undefined;

  const cycles = bought.map((c, i): CycleResult => {
    const without = bare[i]!;
    const topupNeeded = purchase ? (c.grants.find((g) => g.kind === purchase.kind)?.consumed ?? ZERO) : ZERO;
    const soldAt = boughtAt(without, versions, purchase);
    // Bought when the plan sells them, at the price of the version then in force; none where the card prices none.
    const price = purchase?.price === undefined ? undefined : versions.at(soldAt ?? c.start).creditPrice;
    // The earliest version's plan where it has it (one plan through versions), else the version's that adds it.
    const inForce = scenario.card.plans.get(c.plan) ?? versionOf(scenario.card, c.version).plans.get(c.plan) ?? plan;
    return {
      index: c.index,
      start: c.start,
      end: c.end,
      plan: inForce,
      allowance: c.allowance,
      total: c.total,
      byCategory: splitBy(c.lines, (l) => l.category),
      byPool: splitBy(c.lines, (l) => l.pool),
      runsOutAt: without.exhaustedAt,
      graceUsed: without.uncovered,
      pastZeroBilled: without.overage.credits ?? ZERO,
      rejected: without.rejected,
      rejectedBuying: c.rejected,
      topupsSoldAt: soldAt,
      topupNeeded,
      overage: c.overage.amount,
      overageRequests: c.overage.requests,
      overageCredits: c.overage.credits ?? ZERO,
      // A cycle costs the price of the plan in force at its end (a scenario's upgrade changes it), in the card version in
      // force then (red team, stop 36: December simulated at the first version's price): the statement's rule, cycleFee.
      money: simulatedMoney(scenario.card, c, { credits: topupNeeded, price }),
      ...moneyParts(scenario.card, c, { credits: topupNeeded, price }),
      moneyWithout: simulatedMoney(scenario.card, without, { credits: ZERO, price: undefined }),
      // A cycle after the subscription's end asks nothing of a plan that no longer runs: not measured (red team, stop 37).
      asked: c.subscriptionEnd !== undefined && c.subscriptionEnd <= c.start ? undefined : asked?.[i]?.total,
    };
  });
  const sum = (f: (c: CycleResult) => Decimal) => cycles.reduce((t, c) => t.plus(f(c)), ZERO);
  return {
    plan,
    own,
    label,
    allowance,
    topups: purchase?.price !== undefined,
    purchase,
    covers: coversAll(bought),
    money: sum((c) => c.money),
    topupNeeded: sum((c) => c.topupNeeded),
    without: { covers: coversAll(bare), money: sum((c) => c.moneyWithout) },
    cycles,
    accounts: draws.accounts === "skip" ? undefined : await accountSpend(scenario, usersOn(scenario, plan), draws.accounts, progress && named(progress, `${plan.label} · per-user accounts`)),
  };
}

/** A cycle's overage and top-ups as money, each what it adds to the cycle's rounded money (simulatedMoneyParts). */
function moneyParts(card: RateCard, cycle: CycleStatement, bought: { credits: Decimal; price: Decimal | undefined }): { topupMoney: Decimal; overageMoney: Decimal } {
  const parts = simulatedMoneyParts(card, cycle, bought);
  return { topupMoney: parts.topups, overageMoney: parts.overage };
}

/** The plans an account moves through, in the order its changes set them: "Free → Pro → Free"; a plan's own label without plan changes. */
function timelineLabel(plan: Plan, changes: readonly AccountChange[]): string {
  const labels = [plan.label];
  for (const c of changes) if (c.change.kind === "plan" && c.change.plan.label !== labels.at(-1)) labels.push(c.change.plan.label);
  return labels.join(" → ");
}

/** The scenario's account on a plan, replayed buying nothing and, where it runs short and its plan sells them, buying top-ups as needed. */
export interface BuyingReplay {
  terms: AccountTerms;
  versions: VersionsOn;
  /** What it bought; undefined when it bought nothing. */
  purchase: Purchase | undefined;
  bare: Statement;
  /** `bare` itself where nothing was bought. */
  bought: Statement;
}

/**
 * One plan priced twice by the engine: once buying every top-up it needs while the plan in force sells them (what
 * the customer pays) and once without (when the credits run out, grace used, what is refused). Where the credits
 * never run out, or no plan it is on sells any, buying changes nothing and it is replayed once. A cycle whose usage
 * past zero an overage pool bills buys only where that serves more or costs less (buyWhereWorth), so the plan bought
 * so is never the same money as bought as is: it is the cheaper, or the one that serves. simulate's plan rows
 * and a `burnrate test` scenario case both price the scenario this way, so that a case expects simulate's figures.
 */
export async function replayBuying(scenario: Scenario, { plan, own }: Priced, sample: PlanDraws["sample"], report?: (what: string) => SimulationProgress | undefined): Promise<BuyingReplay> {
  const terms = scenarioTerms(scenario, plan, own);
  const changes = own ? scenario.changes : [];
  const card = cardPurchase(scenario.card, scenario.buys);
  const versions = versionsOn(scenario.card, new Calendar(scenario.start, scenario.zone));
  const mayBuy = anySells(card, [plan, ...changes.flatMap((c) => (c.change.kind === "plan" ? [c.change.plan] : []))], scenario.card);
  const bare = await replay(scenario, { terms, purchases: [], changes }, sample, report?.(mayBuy ? "without top-ups" : "as is"));
  // Bought only while the plan in force sells them; where the credits never run out, buying changes nothing: one replay is enough.
  const purchases = mayBuy ? asNeeded(ownCycles(bare), versions, card, ACCOUNT) : [];
  const purchase: Purchase | undefined = purchases.length > 0 ? card : undefined;
  const short = ownCycles(bare).some((c) => c.exhaustedAt !== undefined);
  const bought = purchase && short ? await buyWhereWorth({ card: scenario.card, versions, purchase, account: ACCOUNT }, bare, (bought) => replay(scenario, { terms, purchases: bought, changes }, sample, report?.("with top-ups"))) : bare;
  return { terms, versions, purchase, bare, bought };
}

function ownCycles(statement: Statement): CycleStatement[] {
  return statement.accounts.find((a) => a.account === ACCOUNT)!.cycles;
}

/** Replay the scenario's usage on some terms through the one engine. */
async function replay(scenario: Scenario, account: { terms: AccountTerms; purchases: GrantPurchase[]; changes: AccountChange[] }, sample: { seed: string; stream: number } | undefined, progress: SimulationProgress | undefined): Promise<Statement> {
  const settings = simulationSettings(scenario, account);
  const calendar = new Calendar(scenario.start, scenario.zone);
  const random = sample ? new Random(sample.seed, sample.stream) : undefined;
  const onCycle = progress && ((cycle: number) => progress.step("", cycle, scenario.cycles, "cycle"));
  return replayEvents(scenario.card, settings, turning(expand(scenario, calendar, random, onCycle), progress));
}

/** The progress with `prefix` before the name of each step (the sample, the plan and its replay). */
function named(progress: SimulationProgress, prefix: string): SimulationProgress {
  return { step: (what, index, total, unit) => progress.step(prefix + what, index, total, unit), turn: () => progress.turn() };
}

/** The account a simulation replays: the scenario's anchor and zone, through its last cycle. */

function summarise({ plan, label }: PlanResult, runs: readonly PlanResult[]): SampledPlan {
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
      runsOutAt: { p50: finite(nearestRank(outs, 50)), p90: finite(nearestRank(outs, 10)), p99: finite(nearestRank(outs, 1)) },
      ranOut: outs.filter((v) => v !== Infinity).length,
    };
  });
  return { plan, label, money: decimalPercentiles(runs.map((r) => r.money)), cycles };
}

function decimalPercentiles(values: Decimal[]): Percentiles<Decimal> {
  const sorted = [...values].sort((a, b) => a.cmp(b));
  return { p50: nearestRank(sorted, 50), p90: nearestRank(sorted, 90), p99: nearestRank(sorted, 99) };
}

/** The nearest-rank percentile: the smallest value with at least p% of the samples at or below it. */
export function nearestRank<T>(sorted: readonly T[], p: number): T {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
