import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AccountStatement, Alert, CycleStatement, Statement, StatementLine } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import type { RateCard } from "../src/ratecard/types.js";
import { jsonVisible } from "../src/render/shared/escape.js";
import { jsonChunks } from "../src/render/shared/json-chunks.js";
import { statementJson } from "../src/render/statement/json.js";
import { statementJsonText } from "../src/render/statement/json-text.js";

// The statement command writes its JSON straight as text (json-text.ts). The contract is the
// objects of statementJson as JSON.stringify(value, null, 2) writes them, with jsonVisible's
// escapes: the two ways must give the same bytes for any statement.
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Characters that make a string's JSON differ from the string in quotes, and some that do not. */
const tricky = fc.constantFrom('"', "\\", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u001f", "\u007f", "\u0085", "\u009b", "\u009f", "\u00a0", "\u061c", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069", "\ud800", "\udfff", "\ud83d\ude00", "é", "/", "<", " ");
const text = fc.oneof(
  fc.constantFrom("", "pro", "end_users", "p0006", "7", "10", "01", "__proto__", "toJSON", "constructor", "-1", "4294967295"),
  fc.string({ unit: fc.oneof(tricky, fc.constantFrom("a", "b", "0", "9")), maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 6 }),
);
const decimal = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => new Decimal(n)),
  fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 25 })).map(([n, scale]) => new Decimal(n.toString()).div(new Decimal(10).pow(scale))),
  fc.constantFrom(new Decimal(0), new Decimal("-0"), new Decimal("0.25"), new Decimal("1e-20"), new Decimal("123456789012345678901234567890.5")),
);
// Instants with and without milliseconds, before 1970 too.
const instant = fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }).chain((ms) => fc.constantFrom(ms, ms - (ms % 1000)));
const count = fc.oneof(fc.nat({ max: 1_000_000 }), fc.double(), fc.constantFrom(-0, 0.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const few = <T>(arb: fc.Arbitrary<T>, maxLength = 3) => fc.array(arb, { maxLength });
const location = fc.record({ file: text, line: fc.nat(), column: fc.nat() });
const waiting = fc.record({ change: fc.constantFrom("plan" as const, "allowance" as const), to: text, appliesAt: instant, origin: location });

const line: fc.Arbitrary<StatementLine> = fc.record({
  meter: text,
  component: maybe(text),
  kind: fc.constantFrom("usage", "recurring", "gauge", "refund"),
  category: text,
  pool: text,
  dimensions: few(fc.tuple(text, text), 4).map((entries) => Object.fromEntries(entries)),
  quantity: decimal,
  unitPrice: decimal,
  amount: decimal,
  events: count,
}).chain((l) => maybe(text).map((version) => (version === undefined ? l : { ...l, version })));

const alert: fc.Arbitrary<Alert> = fc.oneof(
  fc.record({ kind: fc.constant("low_balance" as const), level: decimal, at: instant }),
  fc.record({ kind: fc.constant("budget" as const), key: text, percent: count, at: instant }),
);

const cycle: fc.Arbitrary<CycleStatement> = fc.record({
  index: fc.nat(),
  start: instant,
  end: instant,
  renews: instant,
  allowance: decimal,
  allowanceUsed: decimal,
  total: decimal,
  uncovered: decimal,
  lines: few(line, 4),
  grants: few(fc.record({ kind: fc.oneof(text, fc.constantFrom("included", "onetime", "topup")), opening: decimal, granted: decimal, consumed: decimal, expired: decimal, closing: decimal })),
  rejected: few(fc.record({ meter: text, reason: text, events: count, quantity: decimal, firstAt: instant, firstOrigin: maybe(location) })),
  thresholds: few(fc.record({ percent: count, at: instant })),
  duplicates: few(fc.record({ meter: text, events: count, quantity: decimal })),
  overage: fc.record({ requests: decimal, amount: decimal }).chain((o) => maybe(decimal).map((credits) => (credits === undefined ? o : { ...o, credits }))),
  quota: maybe(fc.record({ limit: decimal, used: decimal })),
  budgets: few(fc.record({ key: text, budget: decimal, spent: decimal })),
  alerts: few(alert),
  rewards: fc.record({ earned: decimal, from: few(fc.record({ account: text, amount: decimal })) }),
  exhaustedAt: maybe(instant),
  timeline: few(fc.record({
    at: instant,
    change: fc.constantFrom("plan", "overage", "allowance", "subscription_end", "cancel_scheduled"),
    from: text,
    to: text,
    granted: decimal,
    removed: decimal,
    appliesAt: maybe(instant),
  }).chain((t) => maybe(decimal).map((capped) => (capped === undefined ? t : { ...t, capped })))
    // A cancellation's change taken back, and a re-statement's change still waiting (newcomer72a H2).
    .chain((t) => fc.tuple(maybe(waiting), maybe(waiting)).map(([tookBack, stillWaits]) => ({ ...t, ...(tookBack === undefined ? {} : { tookBack }), ...(stillWaits === undefined ? {} : { stillWaits: { ...stillWaits, restatedAt: stillWaits.origin } }) })))),
  plans: few(fc.record({ plan: text, from: instant, to: instant })),
  plan: fc.constantFrom("free", "pro", "team", "unknown"),
  // The subscription's end, where it falls before the cycle's end (stop 37): both writers say it, and the fee follows it.
}).chain((c) => maybe(instant).map((end) => (end === undefined ? c : { ...c, subscriptionEnd: end })));

const account: fc.Arbitrary<AccountStatement> = fc.record({ account: text, plan: text, cycles: few(cycle, 3) });

const statement: fc.Arbitrary<Statement> = fc.record({
  provider: text,
  version: text,
  unit: text,
  currency: text,
  timezone: text,
  accounts: few(account, 4),
  events: fc.record({ read: fc.nat(), priced: fc.nat(), duplicates: fc.nat(), rejected: fc.nat() }),
  duplicateEvents: maybe(fc.record({ listed: few(fc.record({ eventId: text, meter: text, first: location, repeat: location, at: instant, account: text })), omitted: fc.nat() })),
  versions: maybe(few(fc.record({ version: text, effective: text, from: instant, applies: fc.constantFrom("at_once" as const, "next_cycle" as const) }))),
});

/** What cycleMoney reads of a card: its plans' prices, the credit price, the currency, the rounding and whether a kind is bought. */
const card: fc.Arbitrary<RateCard | undefined> = maybe(fc.record({
  plans: fc.record({ free: decimal, pro: decimal, team: decimal }).map((prices) => new Map(Object.entries(prices).map(([k, price]) => [k, { price, quota: undefined }]))),
  creditPrice: maybe(decimal),
  currency: fc.constantFrom("USD", "JPY", "BHD", "not a currency"),
  precision: fc.record({ rounding: fc.constantFrom("half-even", "half-up", "down") }),
  // Whether a grant's credits are bought (isPaidGrant): a kind written "" is given free in some cards, as `paid: false` says.
  grantKinds: fc.constantFrom(new Map(), new Map([["", { paid: false }]]), new Map([["", { paid: true }]])),
}).map((c) => c as unknown as RateCard));

const written = (s: Statement, c: RateCard | undefined) => [...statementJsonText(s, c)].join("");

describe("the statement's JSON written as text", () => {
  it("is byte for byte the statement's objects as JSON.stringify and jsonVisible write them, and as jsonChunks did", () => {
    fc.assert(
      fc.property(statement, card, (s, c) => {
        const text = written(s, c);
        expect(text).toBe(`${jsonVisible(JSON.stringify(statementJson(s, c), null, 2))}\n`);
        expect(text).toBe([...jsonChunks(statementJson(s, c))].join(""));
      }),
      { numRuns: RUNS },
    );
  });

  it("writes an empty statement, and maps whose keys an object would reorder (array indexes first)", () => {
    const D = (v: string) => new Decimal(v);
    const plain = { meter: "m", component: undefined, kind: "usage", pool: "run", dimensions: {}, quantity: D("1"), unitPrice: D("2"), amount: D("2"), events: 1 } as const;
    const lines: StatementLine[] = ["b", "10", "a", "2", "01"].map((category) => ({ ...plain, category, dimensions: { z: "1", 3: "x", [category]: "\u2028" } }));
    const base: CycleStatement = {
      index: 0, start: 0, end: 1, renews: 1, allowance: D("3"), allowanceUsed: D("0"), total: D("10"), uncovered: D("0"), lines, grants: [], rejected: [], thresholds: [], duplicates: [],
      overage: { requests: D("0"), amount: D("0") }, quota: undefined, budgets: [], alerts: [], rewards: { earned: D("0"), from: [] }, exhaustedAt: undefined, timeline: [], plans: [], plan: "pro",
    };
    const empty: Statement = { provider: "p", version: "v", unit: "credits", currency: "USD", timezone: "UTC", accounts: [], events: { read: 0, priced: 0, duplicates: 0, rejected: 0 } };
    for (const s of [empty, { ...empty, accounts: [{ account: "a", plan: "pro", cycles: [] }] }, { ...empty, accounts: [{ account: "a", plan: "pro", cycles: [base] }] }]) {
      expect(written(s, undefined)).toBe(`${jsonVisible(JSON.stringify(statementJson(s), null, 2))}\n`);
    }
    const text = written({ ...empty, accounts: [{ account: "a", plan: "pro", cycles: [base] }] }, undefined);
    // By hand: "2" and "10" (indexes) before "b", "a" and "01" (not an index) in the order first seen.
    expect(text).toContain('"by_category": {\n            "2": "2",\n            "10": "2",\n            "b": "2",\n            "a": "2",\n            "01": "2"\n          }');
    expect(text).toContain('"dimensions": {\n                "3": "x",\n                "z": "1",\n                "b": "\\u2028"\n              }');
  });

  it("reads the accounts once, in order, as an iterable: they may be made one at a time", () => {
    fc.assert(
      fc.property(statement, card, (s, c) => {
        let reads = 0;
        const once = (function* () {
          reads++;
          yield* s.accounts;
        })();
        const text = [...statementJsonText({ ...s, accounts: once as unknown as AccountStatement[] }, c)].join("");
        expect(reads).toBe(1);
        expect(text).toBe(written(s, c));
      }),
      { numRuns: 50 },
    );
  });
});
