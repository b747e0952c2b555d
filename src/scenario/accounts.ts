import { scenarioTerms, simulationSettings } from "./settings.js";
import { versionsOn } from "../ratecard/versions.js";
import type { AccountChange, GrantPurchase, Statement } from "../engine/types.js";
import { subscriptionOf, type Subscription } from "./user-spans.js";
import { Decimal, ZERO } from "../money.js";
import { anySells, boughtAt, cardPurchase, simulatedMoney, type Purchase } from "./purchases.js";
import { ONETIME, type Plan, type RateCard } from "../ratecard/types.js";
import { replayEvents } from "../replay/replay-events.js";
import { Calendar, type Instant } from "../time.js";
import { expandUser, turning, usersIn } from "./expand.js";
import type { SimulationProgress } from "../progress/simulation-progress.js";
import { buyWhereWorth, serves } from "./past-zero.js";
import { Random } from "./random.js";
import type { Population, Scenario } from "./types.js";

/**
 * `billing: per_user`: every user of a population is an account of their own on
 * the plan compared (the app builder: "users consume their own credits"), and
 * the card's creator reward on their usage goes to the app's creator.
 *
 * Accounts are replayed one at a time and only their totals kept, so memory
 * grows with a number per account, never with their rows. Without --samples
 * the users of a population are alike: one replay stands for every user present
 * in the same cycles.
 */
export interface AccountSpend {
  /** Accounts simulated, over every per-user population. */
  accounts: number;
  /** Credits each account is served over the cycles: its plan's, and what it buys at the card's price where its plan sells them. */
  credits: Spread;
  /** Money each account pays: the plan's price each cycle it is in, and what it buys at the card's price. */
  money: Spread;
  /** Accounts whose credits run out in some cycle if they buy nothing, and the first instant one does. */
  ranOut: number;
  firstRunOut: Instant | undefined;
  /** Per cycle: accounts that run out in it. */
  ranOutByCycle: number[];
  /**
   * Accounts some of whose usage the plan refuses (a gate, a quota, credits it cannot buy; not a limit the scenario
   * sets) or lets past zero unbilled (an overage pool's usage past zero is billed: served), once they buy what it sells
   * at a price: a plan whose users' money is least but refuses them is not the cheapest to serve them.
   */
  refused: number;
  /** The creator reward earned on these accounts' usage served (a refused request earns none), in credits. */
  rewards: Decimal;
  /** What users buy, by alike users (UsersBuying): `--emit-usage` writes it as each one's purchases. */
  buying: UsersBuying[];
}

/**
 * What the users `from` to `from + count - 1` of a population each buy, alike (one replay stands for them): the credits
 * of the purchase kind each cycle consumes, bought at its start, or where the plan in force first sells them.
 */
interface UsersBuying {
  population: string;
  from: number;
  count: number;
  kind: string;
  bought: { at: Instant; amount: Decimal }[];
}

export interface Spread {
  sum: Decimal;
  p50: Decimal;
  p90: Decimal;
  p99: Decimal;
  max: Decimal;
}

/** What one plan is, for the accounts: its terms and what it buys. */
export interface AccountPlan {
  plan: Plan;
  purchase: Purchase | undefined;
}

/** The users' accounts on a plan: what they may buy is the card's purchase where the plan, or a version's, sells it. */
export function usersOn(scenario: Pick<Scenario, "card" | "buys">, plan: Plan): AccountPlan {
  const purchase = cardPurchase(scenario.card, scenario.buys);
  return { plan, purchase: anySells(purchase, [plan], scenario.card) ? purchase : undefined };
}

export async function accountSpend(scenario: Scenario, on: AccountPlan, sample: { seed: string; stream: number } | undefined, progress?: SimulationProgress): Promise<AccountSpend | undefined> {
  const populations = scenario.populations.filter((p) => p.perUser);
  if (populations.length === 0) return undefined;
  const calendar = new Calendar(scenario.start, scenario.zone);
  const versions = versionsOn(scenario.card, calendar);
  const terms = scenarioTerms(scenario, on.plan, false);
  // A user buys what the card prices, which their money counts. Packs it gives no price were bought all the same and
  // their credits, and the creator's reward on them, counted, while the money left them out and the table said the
  // users buy nothing: 54,300 of reward where the statement of the same usage credits 52,760 (red team, stop 38). A
  // user then buys none of them: their credits and the reward are what the plan serves, as that statement gives them.
  const buys = on.purchase?.price === undefined ? undefined : on.purchase;
  const credits: [Decimal, number][] = [];
  const money: [Decimal, number][] = [];
  const ranOutByCycle = new Array<number>(scenario.cycles).fill(0);
  let accounts = 0;
  let ranOut = 0;
  let refused = 0;
  const buying: UsersBuying[] = [];
  let firstRunOut: Instant | undefined;
  let rewards = ZERO;

  const replayed = populations.map((population) => ({ population, users: representatives(population, scenario.cycles, sample !== undefined) }));
  const total = replayed.reduce((n, p) => n + p.users.length, 0);
  let done = 0;
  for (const { population, users } of replayed) {
    for (const [user, weight] of users) {
      progress?.step("", done++, total, "account");
      const name = `${population.name}-${user + 1}`;
      // Subscribed in the cycles the user is there, as --emit-usage writes it: credits granted before a user joins are
      // not theirs (red63d H1: one-time credits that end with their cycle, included credits that roll over).
      const subscription = subscriptionOf(population, user, scenario.cycles);
      const userTerms = subscription === undefined ? terms : { ...terms, subscriptionEnd: calendar.start(subscription.end) };
      const changes = (subscription?.restarts ?? []).map((s): AccountChange => ({ at: calendar.start(s.from), account: name, change: { kind: "subscription_end", end: calendar.start(s.to) }, origin: population.origin }));
      const onetime = onetimeAtJoin(scenario.card, on.plan, subscription);
      const joined: GrantPurchase[] = onetime === undefined ? [] : [{ kind: ONETIME, amount: onetime, at: calendar.start(subscription!.joins!), account: name, origin: undefined }];
      const replay = async (purchases: GrantPurchase[]): Promise<Statement> => {
        // The same draws for both replays of a user: a fresh stream per user, from the same seed.
        const userRandom = sample ? new Random(`${sample.seed}\u0000${population.name}\u0000${user}`, sample.stream) : undefined;
        // The scenario's changes tell its own account's story; each paying user keeps the plan compared.
        return replayEvents(scenario.card, simulationSettings(scenario, { name, terms: userTerms, purchases: [...joined, ...purchases], changes }), turning(expandUser(scenario, population, user, calendar, userRandom), progress));
      };
      const bare = await replay([]);
      const own = bare.accounts.find((a) => a.account === name);
      const short = own?.cycles.some((c) => c.exhaustedAt !== undefined) ?? false;
      // Bought where that serves more or costs less than an overage pool's overage, as the scenario's own account buys.
      const bought = buys && own && short ? await buyWhereWorth({ card: scenario.card, versions, purchase: buys, account: name }, bare, replay) : bare;
      const mine = bought.accounts.find((a) => a.account === name);
      let spent = ZERO;
      let paid = ZERO;
      const purchases: UsersBuying["bought"] = [];
      for (const c of mine?.cycles ?? []) {
        if (user >= usersIn(population, c.index)) continue;
        spent = spent.plus(c.total);
        const extra = buys ? (c.grants.find((g) => g.kind === buys.kind)?.consumed ?? ZERO) : ZERO;
        const at = buys === undefined ? c.start : (boughtAt(c, versions, buys) ?? c.start);
        const price = buys === undefined ? undefined : versions.at(at).creditPrice;
        paid = paid.plus(simulatedMoney(scenario.card, c, { credits: extra, price }));
        if (extra.gt(0)) purchases.push({ at, amount: extra });
      }
      if (buys !== undefined && purchases.length > 0) buying.push({ population: population.name, from: user, count: weight, kind: buys.kind, bought: purchases });
      credits.push([spent, weight]);
      money.push([paid, weight]);
      accounts += weight;
      const present = (mine?.cycles ?? []).filter((c) => user < usersIn(population, c.index));
      if (!present.every(serves)) refused += weight;
      const outs = (own?.cycles ?? []).filter((c) => c.exhaustedAt !== undefined && user < usersIn(population, c.index));
      if (outs.length > 0) {
        ranOut += weight;
        for (const c of outs) ranOutByCycle[c.index]! += weight;
        const first = outs[0]!.exhaustedAt!;
        if (firstRunOut === undefined || first < firstRunOut) firstRunOut = first;
      }
      for (const a of bought.accounts) if (a.account !== name) for (const c of a.cycles) rewards = rewards.plus(c.rewards.earned.mul(weight));
    }
  }
  return { accounts, credits: spread(credits), money: spread(money), ranOut, firstRunOut, ranOutByCycle, refused, rewards, buying };
}

/**
 * The users to replay, each with how many users it stands for. Drawn users all
 * differ; without draws, users present in the same cycles are alike, and growth
 * only changes how many are present: one user per distinct head count does.
 */
function representatives(population: Population, cycles: number, drawn: boolean): [number, number][] {
  const most = Math.max(0, ...Array.from({ length: cycles }, (_, i) => usersIn(population, i)));
  if (drawn) return Array.from({ length: most }, (_, i) => [i, 1]);
  const counts = [...new Set(Array.from({ length: cycles }, (_, i) => usersIn(population, i)))].filter((n) => n > 0).sort((a, b) => a - b);
  const out: [number, number][] = [];
  let from = 0;
  for (const n of counts) {
    out.push([from, n - from]);
    from = n;
  }
  return out;
}

/** Weighted sum, nearest-rank percentiles and maximum. */
function spread(values: [Decimal, number][]): Spread {
  const sorted = [...values].sort((a, b) => a[0].cmp(b[0]));
  const total = sorted.reduce((n, [, w]) => n + w, 0);
  const rank = (p: number): Decimal => {
    const want = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (const [v, w] of sorted) if ((seen += w) >= want) return v;
    return sorted.at(-1)?.[0] ?? ZERO;
  };
  return {
    sum: sorted.reduce((t, [v, w]) => t.plus(v.mul(w)), ZERO),
    p50: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: sorted.at(-1)?.[0] ?? ZERO,
  };
}

/** The plan's one-time credits for a user who joins after the anchor, granted where it joins (Subscription.joins). */
export function onetimeAtJoin(card: RateCard, plan: Plan, subscription: Subscription | undefined): Decimal | undefined {
  return subscription?.joins !== undefined && plan.onetime.gt(0) && card.grantKinds.has(ONETIME) ? plan.onetime : undefined;
}
