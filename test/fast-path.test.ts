import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Statement } from "../src/engine/types.js";
import type { UserError } from "../src/errors.js";
import { Decimal } from "../src/money.js";
import { Zone } from "../src/time.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, replay, replayRows, TEST_CARD, type RunOptions } from "./helpers/engine.js";
import { consistent, long, purchases, repeating } from "./helpers/streams.js";

// Issue 16: the known path (rows priced from what earlier rows of their shape showed, src/engine/fast/)
// against the full path (every row an event through price(): Replay.push never takes the known path),
// on random cards that switch every rule of src/engine/rules.ts on and off (plan gates, quotas with and
// without overage, daily limits, budgets, rewards, warning levels, low-balance alerts, grace, pool
// policies, crossing, per-event rounding), random account terms and long random logs of few shapes,
// with or without event ids (some repeating), batched at random. Both must give the same statement,
// byte for byte. test/setup.ts fixes the seed; FUZZ_RUNS sets the number of cases (FUZZ_SEED another
// seed) for a long run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const pick = <T>(...values: T[]) => fc.constantFrom(...values);

/** The rules a random card switches on: checks of a charge (gate, quota, daily limit, budget, reward) and what its balance sets off. */
const balanceRules = {
  lowBalance: pick("", "low_balance: \"8\"", "low_balance: \"40\"", "low_balance: \"90\""),
  crossing: pick("", "", "", "crossing: accept", "crossing: split"),
  precision: pick("", "", "", "precision: { display: 2, rounding: half-up, round_at: event, step: \"0.5\" }", "precision: { display: 2, rounding: down, round_at: none }"),
  thresholds: pick("[50, 100]", "[10, 20, 30, 90]", "[]"),
  build: pick("block", "allow", "grace", "overage"),
  gatedPlan: pick("small", "paid"),
  quotaPlan: pick("small", "paid"),
};
const checks = {
  gate: pick("", "", "", ", only: { project: [p] }", ", only: { user: [u1] }"),
  quota: pick("", "", "", ", quota: { meters: [call, read], requests: 6 }", ", quota: { meters: [read, visitor], requests: 20, overage_price: \"0.5\" }"),
  daily: pick("", "", "", "daily_limits: { dimension: project }", "daily_limits: { dimension: user }"),
  budgets: pick("", "", "", "budgets: { dimension: project, alerts: [50, 100] }", "budgets: { dimension: project, plans: [small] }"),
  rewards: pick("", "", "", "rewards: { share: \"0.10\", dimension: user }"),
};
const noChecks = { gate: pick(""), quota: pick(""), daily: pick(""), budgets: pick(""), rewards: pick("") };

/** A card: the test card with a random set of rules switched on, each off more often than on, so that many rows still take the known path. */
const randomCard = fc.record({ ...balanceRules, ...checks }).map(cardOf);
/** A card with no check of a charge: every usage row may take the known path, and only the balance rules and the pools' policies act. */
const creditsOnlyCard = fc.record({ ...balanceRules, ...noChecks }).map(cardOf);

function cardOf(r: { [K in keyof typeof balanceRules | keyof typeof checks]: string }) {
  const plan = (key: string, rest: string) => `${rest}${r.gatedPlan === key ? r.gate : ""}${r.quotaPlan === key ? r.quota : ""}`;
  // A pool that bills usage past zero needs the money of a credit.
  const price = r.build === "overage" ? 'credit_price: "0.01"' : "";
  const top = [r.lowBalance, r.daily, r.budgets, r.rewards, r.crossing, r.precision, price].filter((line) => line !== "").join("\n");
  return card(TEST_CARD, {
    "provider: testco": `provider: testco\n${top}`,
    "small: { label: Small, included: 10, price: 5 }": `small: { label: Small, included: 10, price: 5${plan("small", "")} }`,
    "paid: { label: Paid, included: 100, price: 20, grace: { run: \"0.10\" } }": `paid: { label: Paid, included: 100, price: 20, grace: { run: "0.10", build: "0.05" }${plan("paid", "")} }`,
    "percent_of_allowance: [50, 100]": `percent_of_allowance: ${r.thresholds}`,
    "build: { label: Build, when_exhausted: block }": `build: { label: Build, when_exhausted: ${r.build} }`,
  });
}

/** An account's own terms: overage, budgets and daily limits by value, a low-balance level. */
const randomTerms = fc.record({
  overage: fc.boolean(),
  budgets: fc.constantFrom<[string, string][]>([], [["p", "6"]], [["p", "30"], ["q", "2"]]),
  dailyLimits: fc.constantFrom<[string, string][]>([], [["p", "3"]], [["*", "8"], ["u2", "1"]]),
  lowBalance: fc.constantFrom(undefined, "5", "9", "60", "95"),
}).map((t) => ({
  overage: t.overage,
  budgets: new Map(t.budgets.map(([k, v]) => [k, new Decimal(v)])),
  dailyLimits: new Map(t.dailyLimits.map(([k, v]) => [k, new Decimal(v)])),
  ...(t.lowBalance === undefined ? {} : { lowBalance: new Decimal(t.lowBalance) }),
}));

/**
 * Logs for the known path: long runs of few shapes, as helpers/streams.ts makes them, or runs of
 * flow rows at many instants (one row an instant is taken on the known path without sorting), so
 * that the balance falls through warning levels, the low-balance level and zero within known rows.
 */
const spread = fc.array(repeating.chain((r) => fc.record({
  day: fc.integer({ min: 0, max: 79 }),
  hour: fc.integer({ min: 0, max: 23 }),
  meter: fc.constantFrom("read", "read", "call", "view", r.meter),
}).map((more) => ({ ...r, ...more }))), { minLength: 20, maxLength: 150 }).map(consistent);
/**
 * Logs that drain the wallet within a cycle or two, mostly a row an instant: the balance runs out
 * between known rows, and rows go past it into the pools' grace buffers (paid plan) and are then
 * refused, each charged at once where the room cannot hold it (chargeKnown).
 */
const draining = fc.array(repeating.chain((r) => fc.record({
  day: fc.integer({ min: 0, max: 40 }),
  hour: fc.integer({ min: 0, max: 23 }),
  meter: fc.constantFrom("read", "read", "call", r.meter),
  quantity: fc.integer({ min: 0, max: 9 }),
}).map((more) => ({ ...r, ...more }))), { minLength: 60, maxLength: 200 }).map(consistent);
const logs = fc.oneof(long, spread);

/** The statement, and the values without a budget each account's usage named (warned of beside it, in their order). */
const text = (st: Statement) => JSON.stringify({ statement: statementJson(st), unbudgeted: [...(st.unbudgeted ?? [])].map(([account, values]) => [account, [...values]]) });

describe(`the known path gives the full path's statement (${RUNS} random cards, accounts and logs)`, () => {
  it("rows (known path where it may) and events (full path) give the same statement", () => {
    // Event ids: none, one a row, or repeating (every seventh row's id again), so that repeats are found on both paths.
    const ids = fc.constantFrom("none", "unique", "repeating");
    // The account's zone: a daily limit's days are its local dates, of 23 and 25 hours across New York's clock changes (March 8 2026).
    const zones = fc.constantFrom("UTC", "America/New_York", "Asia/Kathmandu");
    fc.assert(fc.property(randomCard, randomTerms, logs, purchases, fc.constantFrom("small", "paid"), fc.integer(), ids, zones, (c, terms, specs, ps, p, seed, idMode, zone) => {
      // Every third row's user is its own account: a reward on users (rewards: dimension user) earns nothing there.
      // Every fifth the other account, which earns from it as a creator with rows of its own (other rows' users have none).
      const user = (account: string, i: number) => (i % 3 === 0 ? account : i % 5 === 0 ? (account === "acct" ? "other" : "acct") : undefined);
      const evs = events(specs).map((e, i) => ({ ...e, dimensions: user(e.account, i) === undefined ? e.dimensions : { ...e.dimensions, user: user(e.account, i)! }, eventId: idMode === "none" ? undefined : idMode === "unique" ? `e${i}` : `e${i % 7}` }));
      const options: RunOptions = { plan: p, purchases: ps, subscriptionEnd: "2026-03-10T00:00:00Z", through: "2026-03-20T00:00:00Z", terms, zone: Zone.of(zone)! };
      const sizes = [1 + (seed & 7), 1 + ((seed >> 3) & 31)];
      expect(text(replayRows(c, evs, options, sizes, (seed >> 8) & 3))).toBe(text(replay(c, evs, options)));
    }), { numRuns: RUNS });
  }, 600_000);

  it("rows past the balance (into grace, then refused) give the same statement on either path", () => {
    // Or a subscription that ends mid-log (stop 37): no grace after it, and rows refused as the end says on either path.
    const ends = fc.constantFrom(undefined, "2026-01-20T00:00:00Z", "2026-01-20T07:30:00Z");
    fc.assert(fc.property(creditsOnlyCard, randomTerms, draining, fc.constantFrom("small", "paid"), fc.integer(), ends, (c, terms, specs, p, seed, end) => {
      const evs = events(specs);
      const options: RunOptions = { plan: p, through: "2026-03-20T00:00:00Z", terms, ...(end === undefined ? {} : { subscriptionEnd: end }) };
      const sizes = [1 + (seed & 7), 1 + ((seed >> 3) & 31)];
      expect(text(replayRows(c, evs, options, sizes, (seed >> 8) & 3))).toBe(text(replay(c, evs, options)));
    }), { numRuns: Math.ceil(RUNS / 3) });
  }, 600_000);

  it("a row whose price is missing is refused at its own line, though its meter's rows before it took the known path", () => {
    // read is priced by user, u1 alone in its table: the first row makes its group's target in full, the
    // second (another project) makes its own as it is foreseen, and the first row of another user (alone
    // at its instant, or first of two in the canonical order: q before r) makes its target in its turn and
    // finds no price.
    const c = card(TEST_CARD, { 'price: "0.5", dimensions: [project] }': 'price: { by: [user], table: { u1: "0.5" } }, dimensions: [project, user] }' });
    const u1 = { project: "p", user: "u1" };
    const alone = events([["2026-01-02T00:00:00Z", "read", "1", u1], ["2026-01-02T00:00:01Z", "read", "1", { ...u1, project: "q" }], ["2026-01-02T00:00:02Z", "read", "1", { project: "p", user: "u2" }]]);
    const tied = events([["2026-01-02T00:00:00Z", "read", "1", u1], ["2026-01-02T00:00:01Z", "read", "1", { project: "r", user: "u3" }], ["2026-01-02T00:00:01Z", "read", "1", { project: "q", user: "u2" }]]);
    for (const [evs, line, user] of [[alone, 4, "u2"], [tied, 4, "u2"]] as const) {
      for (const path of [() => replayRows(c, evs, { plan: "paid" }), () => replay(c, evs, { plan: "paid" })]) {
        expect(path).toThrow(`no price for user "${user}" on meter "read"`);
        try {
          path();
        } catch (e) {
          expect((e as UserError).location).toMatchObject({ file: "events", line });
        }
      }
    }
  });

  it("a rule the known path skips is seen: a budget spent by rows of one shape refuses the next row", () => {
    // Hand-computed: the budget of project p is 2 credits a cycle, `read` costs 0.5 a unit; rows of one
    // shape, one a second. Four rows spend it; the fifth and sixth are refused on either path.
    const c = card(TEST_CARD, { "provider: testco": "provider: testco\nbudgets: { dimension: project }" });
    const specs = Array.from({ length: 6 }, (_, i) => [`2026-01-02T00:00:0${i}Z`, "read", "1"] as [string, string, string]);
    const evs = events(specs);
    const options: RunOptions = { plan: "paid", terms: { budgets: new Map([["p", new Decimal(2)]]) } };
    for (const st of [replayRows(c, evs, options), replay(c, evs, options)]) {
      const cycle = st.accounts[0]!.cycles[0]!;
      expect(cycle.rejected.map((r) => [r.reason, r.events])).toEqual([["budget of 2 spent for project \"p\"", 2]]);
      expect(st.events).toMatchObject({ read: 6, priced: 6, rejected: 2 });
    }
  });
});
