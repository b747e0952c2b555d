import { formatExact, formatFixed, type Decimal } from "../../money.js";
import type { AccountSpend, Spread } from "../../scenario/accounts.js";
import type { CycleResult, Percentiles, PlanResult, SampledPlan, Simulation } from "../../scenario/simulate.js";
import type { Rejection } from "../../engine/types.js";
import { formatInstant, type Instant } from "../../time.js";

/** The JSON contract of SPEC 4, `burnrate.simulation/v1`: amounts as decimal strings, the scenario's plan first. */
export function simulationJson(sim: Simulation): object {
  const { scenario } = sim;
  const { card } = scenario;
  return {
    schema: "burnrate.simulation/v1",
    card: { provider: card.provider, version: card.version },
    unit: card.unit,
    currency: card.currency,
    credit_price: card.creditPrice === undefined ? null : formatExact(card.creditPrice),
    scenario: {
      name: scenario.name,
      file: scenario.file,
      plan: scenario.plan.key,
      start: formatInstant(scenario.start),
      cycles: scenario.cycles,
      timezone: scenario.zone.name,
    },
    compared: sim.ranking.length > 0,
    cheapest: sim.cheapest?.plan.key ?? null,
    cheapest_with_topups: sim.cheapestOption?.withTopups ?? null,
    own_usage: sim.ownUsage,
    users_cheapest: sim.users?.cheapest?.plan.key ?? null,
    plans: sim.plans.map((p) => planJson(p, sim)),
    parts: sim.parts.map((p) => ({ kind: p.kind, name: p.name, line: p.origin.line, credits: formatExact(p.credits), money: p.money === undefined ? null : formatExact(p.money), cycles: p.cycles.map((c) => formatExact(c)), priced_with: p.pricedWith ?? null })),
    samples: sim.samples === undefined ? null : {
      count: sim.samples.count,
      seed: sim.samples.seed,
      plans: sim.samples.plans.map(sampledJson),
    },
  };
}

function planJson(p: PlanResult, sim: Simulation): object {
  const rank = sim.ranking.indexOf(p);
  return {
    plan: p.plan.key,
    label: p.label,
    scenario: p.own,
    rank: rank < 0 ? null : rank + 1,
    price: formatExact(p.plan.price),
    allowance: formatExact(p.allowance),
    topups: p.topups,
    purchase: p.purchase === undefined ? null : { kind: p.purchase.kind, price: p.purchase.price === undefined ? null : formatExact(p.purchase.price) },
    covers: p.covers,
    money: formatExact(p.money),
    topup_needed: formatExact(p.topupNeeded),
    without_topups: { covers: p.without.covers, money: formatExact(p.without.money) },
    cycles: p.cycles.map(cycleJson),
    accounts: p.accounts === undefined ? null : accountsJson(p.accounts),
  };
}

function accountsJson(a: AccountSpend): object {
  const spread = (v: Spread) => ({ sum: formatExact(v.sum), p50: formatExact(v.p50), p90: formatExact(v.p90), p99: formatExact(v.p99), max: formatExact(v.max) });
  return {
    accounts: a.accounts,
    credits: spread(a.credits),
    money: spread(a.money),
    ran_out: a.ranOut,
    first_run_out: instant(a.firstRunOut),
    ran_out_by_cycle: a.ranOutByCycle,
    refused: a.refused,
    creator_rewards: formatExact(a.rewards),
  };
}

function cycleJson(c: CycleResult): object {
  const exactMap = (m: Map<string, Decimal>) => Object.fromEntries([...m].map(([k, v]) => [k, formatExact(v)]));
  return {
    start: formatInstant(c.start),
    end: formatInstant(c.end),
    plan: c.plan.key,
    allowance: formatExact(c.allowance),
    total: formatExact(c.total),
    percent_of_allowance: c.allowance.isZero() ? null : formatFixed(c.total.mul(100).div(c.allowance), 2),
    by_category: exactMap(c.byCategory),
    by_pool: exactMap(c.byPool),
    runs_out_at: instant(c.runsOutAt),
    // Past the credits and not billed (a grace buffer, an allow pool, a crossing charge); what an overage pool bills
    // past zero apart: on an overage card the name held the overage's credits.
    grace_used: formatExact(c.graceUsed.minus(c.pastZeroBilled)),
    past_zero_billed: formatExact(c.pastZeroBilled),
    rejected: c.rejected.map(rejectionJson),
    rejected_with_topups: c.rejectedBuying.map(rejectionJson),
    topup_needed: formatExact(c.topupNeeded),
    overage: formatExact(c.overage),
    money: formatExact(c.money),
    asked: c.asked === undefined ? null : formatExact(c.asked),
  };
}

function rejectionJson(r: Rejection): object {
  return { meter: r.meter, reason: r.reason, events: r.events, quantity: formatExact(r.quantity), first_at: formatInstant(r.firstAt) };
}

function sampledJson(p: SampledPlan): object {
  const exact = (v: Percentiles<Decimal>) => ({ p50: formatExact(v.p50), p90: formatExact(v.p90), p99: formatExact(v.p99) });
  return {
    plan: p.plan.key,
    label: p.label,
    money: exact(p.money),
    cycles: p.cycles.map((c) => ({
      start: formatInstant(c.start),
      total: exact(c.total),
      topup_needed: exact(c.topupNeeded),
      money: exact(c.money),
      runs_out_at: { p50: instant(c.runsOutAt.p50), p90: instant(c.runsOutAt.p90), p99: instant(c.runsOutAt.p99) },
      ran_out: c.ranOut,
    })),
  };
}

function instant(at: Instant | undefined): string | null {
  return at === undefined ? null : formatInstant(at);
}
