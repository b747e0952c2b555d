import { isSeq } from "yaml";
import { accountChanges, accountCodec } from "../account/account.js";
import type { Codec } from "../yaml/codec.js";
import { decimal, dictionary, integer, list, record, scalarOrMapping, text } from "../yaml/codec.js";

const credits = decimal({ description: "credits, an exact decimal; compared by value, so 0.50 equals 0.5" });
const money = decimal({ min: "0", description: "money in the card's currency, as a statement's money total (the plan, credits bought, overage), rounded as billed; compared by value" });
const count = integer({ min: 0, max: 1_000_000_000, description: "a number of events" });
const meterKey = /^[a-z][a-z0-9_]*$/;

const grantExpectation = record({}, {
  opening: credits,
  granted: credits,
  consumed: credits,
  expired: credits,
  closing: credits,
}, "the grant kind's movements in the cycle");

const cycleExpectation = record({}, {
  account: text({ description: "whose cycle (default: the case's account)" }),
  start: text({ pattern: /^\d{4}-\d{2}-\d{2}(?:T.*)?$/, expected: "a date or an ISO-8601 instant", description: "the cycle must start here (a date is the start's local date)" }),
  total: credits,
  money,
  uncovered: credits,
  rejected: count,
  meters: dictionary(credits, { keyPattern: meterKey, description: "credits per meter key in this cycle" }),
  thresholds: list(integer({ min: 1, max: 100 }), { description: "every warning level crossed in the cycle, ascending" }),
  grants: dictionary(grantExpectation, { keyPattern: meterKey, description: "per grant kind: included, topup, ..." }),
}, "what one cycle must show; cycles are matched in order");

const expectation = record({}, {
  total: credits,
  money: decimal({ min: "0", description: "money in the card's currency over every cycle and account: the sum of each cycle's money total (the plan, credits bought, overage), rounded as billed; compared by value" }),
  uncovered: credits,
  rejected: count,
  meters: dictionary(credits, { keyPattern: meterKey, description: "credits per meter key over every cycle and account" }),
  cycles: list(cycleExpectation, { minItems: 1, description: "one entry per cycle, in order; the number of cycles must match" }),
}, "what the case must cost");

function oneOrMany(description: string, minItems?: number): Codec<string[]> {
  const many = list(text(), { minItems });
  return {
    decode: (node, ctx) => (isSeq(node) ? many.decode(node, ctx) : [text().decode(node, ctx)]),
    schema: () => ({ oneOf: [text().schema(), many.schema()], description }),
  };
}

const caseCodec = record(
  { name: text({ description: "what the case shows; printed by the runner" }), expect: expectation },
  {
    source: text({ description: "the provider's words this case checks" }),
    usage: oneOrMany("usage file(s), folder(s) of usage files or quoted glob(s), as --usage takes them, relative to this file"),
    scenario: text({ description: "instead of usage and an account: a scenario file (burnrate simulate), relative to this file, priced by the card under test" }),
    account: scalarOrMapping(text({ description: "an account file, relative to this file" }), accountCodec),
    plan: text({ description: "overrides the account's plan" }),
    anchor: text({ description: "overrides the account's anchor" }),
    timezone: text({ description: "overrides the account's time zone" }),
    through: text({ description: "run through the cycle holding this date, even without usage in it" }),
    changes: accountChanges,
    card: oneOrMany("this case's card instead of the file's: one card, or a list of versions of one provider's card (as --card given more than once), relative to this file", 1),
  },
  "one expectation: usage and an account (or a scenario) in, credits out",
);

export const testsCodec = record(
  { cases: list(caseCodec, { minItems: 1 }) },
  { card: oneOrMany("the card under test, relative to this file (default: NAME.yaml beside NAME.tests.yaml); a list is a set of versions of one provider's card, as --card given more than once", 1) },
  "expectations kept beside a burnrate rate card (NAME.tests.yaml)",
);

export type TestsDocument = ReturnType<typeof testsCodec.decode>;
export type CaseDocument = TestsDocument["cases"][number];
export type Expectation = CaseDocument["expect"];
export type CycleExpectation = NonNullable<Expectation["cycles"]>[number];
