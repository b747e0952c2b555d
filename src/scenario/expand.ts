import type { UsageEvent } from "../engine/types.js";
import type { ShapedRows } from "../engine/rows.js";
import { EventRows } from "../replay/event-rows.js";
import type { SimulationProgress } from "../progress/simulation-progress.js";
import { Decimal, ONE, ZERO } from "../money.js";
import type { Calendar, Instant } from "../time.js";
import { exponentialLevel, poisson, type Random } from "./random.js";
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
  const userDimensions = new UserDimensions();
  for (let index = 0; index < scenario.cycles; index++) {
    onCycle?.(index);
    const start = calendar.start(index);
    const end = calendar.start(index + 1);
    const events: UsageEvent[] = [];
    const row = (at: Instant, quantity: Decimal, what: Activity) => {
      for (const q of eventsOf(what, quantity)) events.push({ at, account: ACCOUNT, meter: what.meter, quantity: q, ...componentsOf(what, q, random), dimensions: what.dimensions, eventId: undefined, origin: what.origin });
    };

    for (const t of scenario.timed) {
      const instants = t.when.kind === "once" ? (t.when.at >= start && t.when.at < end ? [t.when.at] : []) : occurrences(t.when.schedule, start, end, scenario.zone);
      for (const at of instants) row(at, t.quantity, t);
    }

    for (const population of scenario.populations) {
      if (population.perUser) continue;
      const users = usersIn(population, index);
      if (users === 0) continue;
      const draw = drawer(population, random, counts);
      const flows = population.activities.filter((a) => !a.unique);
      const totals = flows.map((a) => (draw ? ZERO : a.perUser.mul(users)));
      // Users arrive evenly over the cycle, so the allowance runs out at a realistic instant.
      const step = (end - start) / users;
      for (let i = 0; i < users; i++) {
        // One level a user a cycle scales every meter of theirs: a heavy user is heavy everywhere.
        const counts = draw?.user();
        for (const activity of population.activities) {
          const quantity = counts ? counts(activity) : activity.perUser;
          if (!activity.unique) {
            if (counts) totals[flows.indexOf(activity)] = totals[flows.indexOf(activity)]!.plus(quantity);
            continue;
          }
          if (quantity.isZero()) continue;
          row(start + Math.floor((i + 0.5) * step), quantity, { ...activity, dimensions: userDimensions.of(population, activity, i) });
        }
        if (!counts && flows.length === population.activities.length) break;
      }
      flows.forEach((activity, k) => {
        for (const [at, quantity] of spread(totals[k]!, start, end, HOUR)) row(at, quantity, activity);
      });
    }
    events.sort((a, b) => a.at - b.at);
    yield* events;
  }
}

/**
 * The rows a quantity makes: itself, or one row per event where the meter charges
 * per event (a surcharge per row would otherwise be charged once for many).
 */
function eventsOf(what: Activity, quantity: Decimal): Decimal[] {
  if (!what.perEvent || quantity.lte(ONE)) return [quantity];
  const whole = quantity.floor().toNumber();
  const rows = new Array<Decimal>(whole).fill(ONE);
  const rest = quantity.minus(whole);
  if (!rest.isZero()) rows.push(rest);
  return rows;
}

/**
 * A row's components: the per-event quantities times the row's events. Pricing
 * is linear in them, so a row of 30 requests costs what 30 rows of one would.
 * Under --samples a drawn component's row total is a whole count drawn around
 * that product: Poisson, or Poisson at one exponential level (geometric).
 */
function componentsOf(what: Activity, quantity: Decimal, random: Random | undefined): { components?: Record<string, Decimal> } {
  if (what.components === undefined) return {};
  const components: Record<string, Decimal> = {};
  for (const [name, perEvent] of Object.entries(what.components)) {
    const mean = perEvent.mul(quantity);
    const distribution = random ? what.drawn[name] : undefined;
    if (!random || distribution === undefined) components[name] = mean;
    else components[name] = new Decimal(poisson(mean.toNumber() * (distribution === "geometric" ? exponentialLevel(random) : 1), random));
  }
  return { components };
}

/**
 * Each user's counts in one cycle, drawn around the per-user means; undefined
 * when counts are the means themselves. Each item is drawn as its distribution
 * says (the item's, else its population's). Where any is geometric, one activity
 * level is drawn a user a cycle (exponential, mean 1), and each geometric item's
 * count is Poisson at that level times its mean: still geometric with its mean,
 * and a heavy user is heavy on every such meter. A Poisson item has one level for
 * everyone: its users differ only by chance. A fixed item is its mean (a seat).
 */
function drawer(population: Population, random: Random | undefined, counts: CountCache): { user: () => (activity: UserActivity) => Decimal } | undefined {
  const activities = population.activities;
  if (!random || activities.every((a) => a.distribution === "fixed")) return undefined;
  const level = activities.some((a) => a.distribution === "geometric") ? () => exponentialLevel(random) : () => 1;
  return {
    user() {
      const l = level();
      return (activity) => {
        if (activity.distribution === "fixed") return activity.perUser;
        return counts.of(poisson(activity.perUser.toNumber() * (activity.distribution === "geometric" ? l : 1), random));
      };
    },
  };
}

/**
 * A cycle's total spread over its hours (or days) as whole numbers that add up to it
 * exactly (a fractional remainder goes to the last one); empty ones are left out.
 */
function spread(total: Decimal, start: Instant, end: Instant, step: number): [Instant, Decimal][] {
  const out: [Instant, Decimal][] = [];
  if (total.isZero()) return out;
  const hours = Math.ceil((end - start) / step);
  const whole = total.floor();
  let before = ZERO;
  for (let h = 0; h < hours; h++) {
    const upTo = whole.mul(h + 1).divToInt(hours);
    let quantity = upTo.minus(before);
    before = upTo;
    if (h === hours - 1) quantity = quantity.plus(total.minus(whole));
    if (!quantity.isZero()) out.push([start + h * step, quantity]);
  }
  return out;
}

/**
 * A user's dimensions for each unique activity, one object from cycle to cycle: the replay numbers its rows' shapes
 * by dimensions object (EventRows), and numbering 100,000 users' texts again each cycle was most of a year's run.
 */
class UserDimensions {
  private readonly made = new Map<UserActivity, Readonly<Record<string, string>>[]>();
  of(population: Population, activity: UserActivity, user: number): Readonly<Record<string, string>> {
    let users = this.made.get(activity);
    if (users === undefined) this.made.set(activity, (users = []));
    return (users[user] ??= { ...activity.dimensions, [population.userDimension]: `${population.name}-${user + 1}` });
  }
}

/** Decimals for small whole counts, made once: a large population draws millions of them. */
class CountCache {
  private readonly small: Decimal[] = [];
  of(n: number): Decimal {
    if (n >= 4096) return new Decimal(n);
    return (this.small[n] ??= new Decimal(n));
  }
}

const DAY = 24 * HOUR;

/**
 * One user of a `billing: per_user` population as an account of their own: that
 * user's rows over every cycle they are in, flows one row a day (when the
 * account's credits run out, to the day), under the account's own name.
 */
export function* expandUser(scenario: Scenario, population: Population, user: number, calendar: Calendar, random?: Random): Generator<UsageEvent> {
  const account = `${population.name}-${user + 1}`;
  const draw = drawer(population, random, new CountCache());
  const userDimensions = new UserDimensions();
  for (let index = 0; index < scenario.cycles; index++) {
    const users = usersIn(population, index);
    if (user >= users) continue;
    const start = calendar.start(index);
    const end = calendar.start(index + 1);
    const counts = draw?.user();
    const events: UsageEvent[] = [];
    for (const activity of population.activities) {
      const quantity = counts ? counts(activity) : activity.perUser;
      const dimensions = activity.unique ? userDimensions.of(population, activity, user) : activity.dimensions;
      const rows: [Instant, Decimal][] = activity.unique ? (quantity.isZero() ? [] : [[start + Math.floor(((user + 0.5) * (end - start)) / users), quantity]]) : spread(quantity, start, end, DAY);
      for (const [at, total] of rows) {
        for (const q of eventsOf(activity, total)) events.push({ at, account, meter: activity.meter, quantity: q, ...componentsOf(activity, q, random), dimensions, eventId: undefined, origin: activity.origin });
      }
    }
    events.sort((a, b) => a.at - b.at);
    yield* events;
  }
}

/** How many generated events go to the engine at a time, between two chances of a turn of the event loop. */
const BATCH = 1024;

/**
 * The events in batches of rows (EventRows: the replay's known path takes them as a log's), the progress asked for
 * a turn of the event loop after each and at the end: a simulation reads nothing, so without these turns a Ctrl-C
 * would wait for its end.
 */
export async function* turning(events: Iterable<UsageEvent>, progress: SimulationProgress | undefined): AsyncGenerator<ShapedRows> {
  const rows = new EventRows();
  let batch: UsageEvent[] = [];
  for (const event of events) {
    batch.push(event);
    if (batch.length < BATCH) continue;
    yield* rows.rows(batch);
    batch = [];
    await progress?.turn();
  }
  if (batch.length > 0) yield* rows.rows(batch);
  // A per-user account's replay is often less than one batch.
  await progress?.turn();
}
