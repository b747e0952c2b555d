import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Replay } from "../src/engine/replay.js";
import { planTerms } from "../src/engine/terms.js";
import type { AccountChange, AccountTerms, GrantPurchase, ReplaySetup, Statement, UsageEvent } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import type { RateCard } from "../src/ratecard/types.js";
import { statementJson } from "../src/render/statement/json.js";
import { Calendar, Zone } from "../src/time.js";
import { cardVersions, versionInstants } from "../src/ratecard/versions.js";
import { card, instant, replayRows, TEST_CARD } from "./helpers/engine.js";

// Issue 16: the known path against the full path on logs of several accounts (red team, stop 44). A shape (a meter
// and its values) is shared by the accounts' rows, and its facts are foreseen again for each account whose row
// follows another's (known-rows.ts, knownCost). Two to six accounts, some on their own terms (plan, allowance,
// overage, budgets, daily limits, low-balance level, recurring grants, a subscription's end) and some on the
// top level's, with purchases and dated changes; cards with random checks (gates, quotas with and without
// overage, daily limits, budgets, rewards paid to users named as accounts), crossing and per-event rounding;
// rows alternating between accounts, at random, or tied at one instant; ids none, unique or repeating; random
// batches and quantities given apart; a quarter of the cards in two versions. The two paths must give the same statement, byte for byte. test/setup.ts
// fixes the seed; FUZZ_RUNS sets the number of cases for a long run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

type Draw = () => number;
const pick = <T>(draw: Draw, values: readonly T[]): T => values[Math.floor(draw() * values.length)]!;

/** A stream of numbers in [0, 1) from a seed (mulberry32): one case a seed, its draws in the order it makes them. */
function draws(seed: number): Draw {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A card of random rules: made of a text of the test card (TEST_CARD, or one of its versions). */
function randomCard(draw: Draw): (text: string) => RateCard {
  const rule = (...values: string[]) => pick(draw, values);
  const top = [
    rule("", "low_balance: \"8\"", "low_balance: \"40\""),
    rule("", "", "daily_limits: { dimension: project }", "daily_limits: { dimension: user }"),
    rule("", "", "budgets: { dimension: project, alerts: [50, 100] }", "budgets: { dimension: project, plans: [small] }"),
    rule("", "", "", "rewards: { share: \"0.10\", dimension: user }"),
    rule("", "", "crossing: accept", "crossing: split"),
    rule("", "", "precision: { display: 2, rounding: half-up, round_at: event, step: \"0.5\" }"),
  ].filter((line) => line !== "");
  const gate = rule("", "", ", only: { project: [p] }", ", only: { user: [u1] }");
  const quota = rule("", "", ", quota: { meters: [call, read], requests: 6 }", ", quota: { meters: [read, visitor], requests: 20, overage_price: \"0.5\" }");
  const [gated, quoted] = [rule("small", "paid"), rule("small", "paid")];
  const build = rule("block", "allow", "grace");
  const thresholds = rule("[50, 100]", "[10, 20, 30, 90]", "[]");
  const checks = (plan: string) => `${gated === plan ? gate : ""}${quoted === plan ? quota : ""}`;
  return (text) => card(text, {
    "provider: testco": `provider: testco\n${top.join("\n")}`,
    "small: { label: Small, included: 10, price: 5 }": `small: { label: Small, included: 10, price: 5${checks("small")} }`,
    "paid: { label: Paid, included: 100, price: 20, grace: { run: \"0.10\" } }": `paid: { label: Paid, included: 100, price: 20, grace: { run: "0.10", build: "0.05" }${checks("paid")} }`,
    "percent_of_allowance: [50, 100]": `percent_of_allowance: ${thresholds}`,
    "build: { label: Build, when_exhausted: block }": `build: { label: Build, when_exhausted: ${build} }`,
  });
}

function randomTerms(draw: Draw, c: RateCard): AccountTerms {
  const plan = c.plans.get(pick(draw, ["small", "paid"]))!;
  const terms = planTerms(plan, draw() < 0.2 ? new Decimal(pick(draw, ["0", "3", "50", "200"])) : plan.included);
  const byValue = (pairs: [string, string][]) => new Map(pairs.map(([k, v]) => [k, new Decimal(v)]));
  terms.overage = draw() < 0.5;
  terms.budgets = byValue(pick<[string, string][]>(draw, [[], [["p", "6"]], [["p", "30"], ["q", "2"]], [["q", "12"]]]));
  terms.dailyLimits = byValue(pick<[string, string][]>(draw, [[], [["p", "3"]], [["*", "8"], ["u2", "1"]], [["q", "5"]]]));
  const low = pick(draw, [undefined, "5", "9", "60"]);
  terms.lowBalance = low === undefined ? undefined : new Decimal(low);
  if (draw() < 0.2) terms.recurringGrants = [{ kind: "topup", amount: new Decimal(pick(draw, ["5", "20"])) }];
  if (draw() < 0.15) terms.subscriptionEnd = instant(pick(draw, ["2026-02-10T00:00:00Z", "2026-01-20T07:30:00Z"]));
  return terms;
}

const ACCOUNTS = ["acct", "a1", "a2", "a3", "a4", "a5"];
const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1);

interface Case {
  card: RateCard;
  events: UsageEvent[];
  setup: () => ReplaySetup;
  sizes: number[];
  apart: number;
}

/** The card in two versions, the second from February 10 at another price: a shape's facts are its version's. */
function versioned(cardOf: (text: string) => RateCard): { card: RateCard; versions: ReplaySetup["versions"] } {
  const first = cardOf(TEST_CARD.replace('version: "1"', 'version: "1"\neffective: "2026-01-01"'));
  const second = cardOf(TEST_CARD.replace('version: "1"', 'version: "2"\neffective: "2026-02-10"').replace('price: "1", dimensions', 'price: "1.5", dimensions'));
  const both = cardVersions([first, second]);
  return { card: both, versions: versionInstants(both, Zone.of("UTC")!) };
}

function randomCase(seed: number): Case {
  const draw = draws(seed);
  const cardOf = randomCard(draw);
  const { card: c, versions } = draw() < 0.25 ? versioned(cardOf) : { card: cardOf(TEST_CARD), versions: undefined };
  const accounts = ACCOUNTS.slice(0, 2 + Math.floor(draw() * 4));
  const named = accounts.filter(() => draw() < 0.7);
  const termsOf = new Map(named.map((a) => [a, randomTerms(draw, c)]));
  const fallback = randomTerms(draw, c);
  const purchases: GrantPurchase[] = Array.from({ length: Math.floor(draw() * 4) }, () => ({
    kind: pick(draw, ["topup", "addon"]),
    amount: new Decimal(pick(draw, ["5", "20", "60"])),
    at: START + Math.floor(draw() * 60) * DAY + HOUR / 2,
    account: pick(draw, accounts),
    origin: undefined,
  }));
  const changes = Array.from({ length: Math.floor(draw() * 3) }, (_, i): AccountChange => {
    const kind = pick(draw, ["plan", "plan", "overage", "allowance"]);
    const at = START + Math.floor(draw() * 60) * DAY + pick(draw, [0, 0, HOUR, HOUR / 2]);
    const account = pick(draw, accounts);
    const origin = { file: "changes", line: i + 1, column: 1 };
    if (kind === "plan") return { at, account, origin, change: { kind: "plan", plan: c.plans.get(pick(draw, ["small", "paid"]))! } };
    if (kind === "overage") return { at, account, origin, change: { kind: "overage", on: draw() < 0.5 } };
    return { at, account, origin, change: { kind: "allowance", allowance: new Decimal(pick(draw, ["0", "30", "150"])) } };
  }).sort((a, b) => a.at - b.at);
  const events = randomEvents(draw, accounts);
  const zone = Zone.of(pick(draws(seed + 7), ["UTC", "America/New_York"]))!;
  const ends = draw() < 0.2;
  const setup = (): ReplaySetup => ({
    calendar: new Calendar(instant("2026-01-01T00:00:00Z"), zone),
    accounts: termsOf.size === 0 ? new Map([["acct", fallback]]) : termsOf,
    fallback,
    purchases,
    subscriptionEnd: ends ? instant("2026-03-10T00:00:00Z") : undefined,
    through: instant("2026-03-20T00:00:00Z"),
    renewalMonths: 1,
    eventIds: {},
    versions,
    changes,
  });
  return { card: c, events, setup, sizes: [1 + Math.floor(draw() * 8), 1 + Math.floor(draw() * 32)], apart: Math.floor(draw() * 4) };
}

/** Rows of a few shapes, shared by the accounts: in turn (a shape's next row most often another account's), at random, or many at one instant. */
function randomEvents(draw: Draw, accounts: readonly string[]): UsageEvent[] {
  const shapes = Array.from({ length: 1 + Math.floor(draw() * 5) }, () => ({
    meter: pick(draw, ["call", "read", "read", "view", "visitor", "visitor", "call", "disk", "site"]),
    dimensions: { project: pick(draw, ["p", "p", "q"]), user: pick(draw, ["u1", "u2", "u3", "a1", "acct", "a2"]) },
  }));
  const rows = 20 + Math.floor(draw() * 200);
  const mode = pick(draw, ["turns", "turns", "random", "tied"]);
  const ids = pick(draw, ["none", "none", "unique", "repeating"]);
  const quantities = pick(draw, [["1"], ["0", "1", "2", "3"], ["1", "0.5", "2.25"], ["7", "13"]]);
  const events: UsageEvent[] = [];
  let at = START + Math.floor(draw() * 3) * DAY;
  for (let i = 0; i < rows; i++) {
    const step = draw();
    if (mode === "tied") at += step < 0.6 ? 0 : step < 0.9 ? 1000 : DAY;
    else at += step < 0.3 ? 0 : step < 0.85 ? Math.floor(draw() * 2 * HOUR) : Math.floor(draw() * 4 * DAY);
    if (at > START + 78 * DAY) break;
    const { meter, dimensions } = pick(draw, shapes);
    const account = mode === "random" ? pick(draw, accounts) : accounts[i % accounts.length]!;
    let quantity = pick(draw, quantities);
    // A gauge rises by whole units.
    if (meter === "disk") quantity = String(Math.max(1, Math.round(Number(quantity))));
    const eventId = ids === "none" ? undefined : ids === "unique" ? `e${i}` : `e${i % 5}`;
    events.push({ at, account, meter, quantity: new Decimal(quantity), dimensions, eventId, origin: { file: "events", line: i + 2, column: 1 } });
  }
  return events;
}

const text = (st: Statement) => JSON.stringify({ statement: statementJson(st), unbudgeted: [...(st.unbudgeted ?? [])].map(([account, values]) => [account, [...values]]) });

/** The statement's text, or the error a replay ends with (a subscription's end, say): both paths must end alike. */
function outcome(replayed: () => Statement): string {
  try {
    return text(replayed());
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe(`the known path gives the full path's statement on logs of several accounts (${RUNS} random cases)`, () => {
  it("rows of shapes shared by the accounts, priced as rows and as events", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const c = randomCase(seed);
        const full = outcome(() => {
          const replay = new Replay(c.card, c.setup());
          for (const event of c.events) replay.push(event);
          return replay.finish();
        });
        expect(outcome(() => replayRows(c.card, c.events, { setup: c.setup }, c.sizes, c.apart))).toBe(full);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
