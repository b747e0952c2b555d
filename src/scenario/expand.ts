import type { UsageEvent } from "../engine/types.js";
import { Decimal, ZERO } from "../money.js";
import type { Calendar, Instant } from "../time.js";
import { geometric, poisson, type Random } from "./random.js";
import { occurrences } from "./schedule.js";
import type { Activity, Population, Scenario, UserActivity } from "./types.js";

/** The simulated customer's name in the replay and in emitted usage. */
export const ACCOUNT = "default";

const HOUR = 3_600_000;

/** Users of a population in cycle `index` (0-based): growth compounds by percent, or adds a number each cycle; never below zero. */
export function usersIn(population: Population, index: number): number {
  const { growth, users } = population;
  if (!growth) return users;
  if (growth.kind === "absolute") return Math.max(0, users + index * growth.step);
  const factor = new Decimal(1).plus(growth.rate.div(100)).pow(index);
  return factor.mul(users).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toNumber();
}

/**
 * The scenario as a usage stream, cycle by cycle in time order, ready for the
 * replay engine. Without `random` every user does exactly the per-user amounts;
 * with it, each user's counts are drawn around them.
 *
 * Unique meters need one row per user (the engine charges each key once a
 * cycle); flows are summed over the population into one row per hour, so a
 * large population costs rows per user only where pricing needs them.
 */
export function* expand(scenario: Scenario, calendar: Calendar, random?: Random, onCycle?: (index: number) => void): Generator<UsageEvent> {
  const counts = new CountCache();
  for (let index = 0; index < scenario.cycles; index++) {
    onCycle?.(index);
    const start = calendar.start(index);
    const end = calendar.start(index + 1);
    const events: UsageEvent[] = [];
    const row = (at: Instant, quantity: Decimal, what: Activity) =>
      events.push({ at, account: ACCOUNT, meter: what.meter, quantity, ...componentsOf(what, quantity), dimensions: what.dimensions, eventId: undefined, origin: what.origin });

    for (const t of scenario.timed) {
      const instants = t.when.kind === "once" ? (t.when.at >= start && t.when.at < end ? [t.when.at] : []) : occurrences(t.when.schedule, start, end, scenario.zone);
      for (const at of instants) row(at, t.quantity, t);
    }

    for (const population of scenario.populations) {
      const users = usersIn(population, index);
      if (users === 0) continue;
      const draw = drawer(population, random, counts);
      for (const activity of population.activities) {
        if (activity.unique) {
          // Users arrive evenly over the cycle, so the allowance runs out at a realistic instant.
          const step = (end - start) / users;
          for (let i = 0; i < users; i++) {
            const quantity = draw(activity);
            if (quantity.isZero()) continue;
            const dims = { ...activity.dimensions, [population.userDimension]: `${population.name}-${i + 1}` };
            row(start + Math.floor((i + 0.5) * step), quantity, { ...activity, dimensions: dims });
          }
        } else {
          let total = ZERO;
          if (random && population.distribution !== "fixed") for (let i = 0; i < users; i++) total = total.plus(draw(activity));
          else total = activity.perUser.mul(users);
          for (const [at, quantity] of hourly(total, start, end)) row(at, quantity, activity);
        }
      }
    }
    events.sort((a, b) => a.at - b.at);
    yield* events;
  }
}

/**
 * A row's components: the per-event quantities times the row's events. Pricing
 * is linear in them, so a row of 30 requests costs what 30 rows of one would.
 */
function componentsOf(what: Activity, quantity: Decimal): { components?: Record<string, Decimal> } {
  if (what.components === undefined) return {};
  const components: Record<string, Decimal> = {};
  for (const [name, perEvent] of Object.entries(what.components)) components[name] = perEvent.mul(quantity);
  return { components };
}

/** One user's count of an activity in one cycle. */
function drawer(population: Population, random: Random | undefined, counts: CountCache): (activity: UserActivity) => Decimal {
  if (!random || population.distribution === "fixed") return (activity) => activity.perUser;
  const sample = population.distribution === "poisson" ? poisson : geometric;
  return (activity) => counts.of(sample(activity.perUser.toNumber(), random));
}

/**
 * A cycle's total spread over its hours as whole numbers that add up to it
 * exactly (a fractional remainder goes to the last hour); empty hours are left out.
 */
function hourly(total: Decimal, start: Instant, end: Instant): [Instant, Decimal][] {
  const out: [Instant, Decimal][] = [];
  if (total.isZero()) return out;
  const hours = Math.ceil((end - start) / HOUR);
  const whole = total.floor();
  let before = ZERO;
  for (let h = 0; h < hours; h++) {
    const upTo = whole.mul(h + 1).divToInt(hours);
    let quantity = upTo.minus(before);
    before = upTo;
    if (h === hours - 1) quantity = quantity.plus(total.minus(whole));
    if (!quantity.isZero()) out.push([start + h * HOUR, quantity]);
  }
  return out;
}

/** Decimals for small whole counts, made once: a large population draws millions of them. */
class CountCache {
  private readonly small: Decimal[] = [];
  of(n: number): Decimal {
    if (n >= 4096) return new Decimal(n);
    return (this.small[n] ??= new Decimal(n));
  }
}
