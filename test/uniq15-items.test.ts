import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Statement } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, replay, replayRows, TEST_CARD, type EventSpec } from "./helpers/engine.js";

// uniq15: a unique meter's items are numbered once a replay, and whether an open cycle charged one is the
// serial of the last cycle that charged it, or, where another account's open cycle charged it since, the
// first cycle's items held apart. The test card's `visitor` is keyed by project and user (0.25 an item);
// `channel` is read by nothing, so rows that differ in it are two shapes of one item. Expectations are
// counted by hand: an item is charged once an account and cycle (monthly from 2026-01-01).
const visitor = (at: string, user: string, account: string, channel?: string): EventSpec => [at, "visitor", "1", channel === undefined ? { user } : { user, channel }, { account }];

/** Visits written a line each, `MM-DD user account [channel]` at 10:00 UTC in 2026; `#` lines say why. */
function visits(text: string): EventSpec[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [day, user, account, channel] = line.split(/\s+/) as [string, string, string, string?];
      return visitor(`2026-${day}T10:00:00Z`, user, account, channel);
    });
}

const log: EventSpec[] = visits(`
  01-02 u1 acct web
  # Another account's cycle charges the item: acct's charge is held apart.
  01-03 u1 other web
  # Another shape of the item, and the first shape again: acct charged it this cycle.
  01-04 u1 acct app
  01-05 u1 acct web
  # A third account takes the item over: other's charge is held apart too.
  01-06 u1 third
  01-07 u1 other app
  01-08 u2 other
  01-09 u1 acct
  01-10 u1 third web
  # A new cycle: each account charges the item again, once.
  02-02 u1 acct app
  02-03 u1 acct web
  02-04 u1 other web
  02-05 u1 acct
  02-06 u1 other app
`);

/** Items charged (the visitor lines' quantity) and their amount, by account and cycle index. */
function charged(st: Statement): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const account of st.accounts) {
    out[account.account] = account.cycles.map((c) => {
      const lines = c.lines.filter((l) => l.meter === "visitor");
      const quantity = lines.reduce((t, l) => t + l.quantity.toNumber(), 0);
      const amount = lines.reduce((t, l) => t.plus(l.amount), new Decimal(0));
      return `${c.index}: ${quantity} for ${amount.toFixed(2)}`;
    });
  }
  return out;
}

const expected = {
  acct: ["0: 1 for 0.25", "1: 1 for 0.25"],
  other: ["0: 2 for 0.50", "1: 1 for 0.25"],
  third: ["0: 1 for 0.25", "1: 0 for 0.00"],
};

describe("a unique item charged by the open cycles of several accounts", () => {
  it("is charged once an account and cycle, priced in full", () => {
    expect(charged(replay(card(), events(log)))).toEqual(expected);
  });

  it("is charged once an account and cycle on the known path, rows alone or in batches", () => {
    expect(charged(replayRows(card(), events(log), {}, [1]))).toEqual(expected);
    expect(charged(replayRows(card(), events(log), {}, [1024]))).toEqual(expected);
  });

  it("counts a row of another shape of an item the cycle charged as free, across a cycle boundary", () => {
    // One account: the known path's item numbers alone, no items held apart.
    const one = log.filter(([, , , , extra]) => extra?.account === "acct");
    const rows = charged(replayRows(card(), events(one), {}, [1]));
    expect(rows).toEqual({ acct: expected.acct });
    expect(charged(replay(card(), events(one)))).toEqual(rows);
  });

  it("stays charged in its cycle when a card version switches in mid-cycle, whatever the version's price", () => {
    // As known13's fuzz: the first version effective from its start, the second from 2026-01-14, at 0.75 an item.
    const base = card(TEST_CARD.replace("provider:", 'effective: "2026-01-01"\nprovider:'));
    const later = card(TEST_CARD.replace("provider:", 'effective: "2026-01-14"\napplies: at_once\nprovider:').replace(/version: .*/, 'version: "v2"').replaceAll('price: "0.25"', 'price: "0.75"'));
    const specs = [visitor("2026-01-02T10:00:00Z", "u1", "acct", "web"), visitor("2026-01-20T10:00:00Z", "u1", "acct", "app"), visitor("2026-01-21T10:00:00Z", "u2", "acct")];
    // u1 at 0.25 before the switch and free after it; u2 at the new version's 0.75.
    const want = { acct: ["0: 2 for 1.00"] };
    expect(charged(replay(base, events(specs), { versions: [later] }))).toEqual(want);
    expect(charged(replayRows(base, events(specs), { versions: [later] }, [1]))).toEqual(want);
  });
});

// The items of several accounts' open cycles share their numbers: an account's cycles must be what they are
// when its rows are replayed alone (where no item is ever held apart), on either path. test/setup.ts fixes
// the seed; FUZZ_RUNS sets the number of cases.
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

const fuzzRow = fc.record({
  day: fc.integer({ min: 0, max: 80 }),
  meter: fc.constantFrom("visitor", "visitor", "visitor", "read"),
  user: fc.constantFrom("u1", "u2", "u3"),
  channel: fc.constantFrom("web", "app"),
  account: fc.constantFrom("acct", "other", "third"),
});

describe(`unique items of several accounts against each account alone (${RUNS} random logs)`, () => {
  it("gives each account the cycles of its own rows replayed alone", () => {
    const accountText = (st: Statement, account: string) => {
      const json = JSON.parse(JSON.stringify(statementJson(st))) as { accounts: { account: string }[] };
      const found = json.accounts.find((a) => a.account === account);
      expect(found).toBeDefined();
      return JSON.stringify(found);
    };
    fc.assert(
      fc.property(fc.array(fuzzRow, { minLength: 5, maxLength: 80 }), fc.constantFrom("small", "paid"), (rows, plan) => {
        const specs = rows
          .map((r) => ({ ...r, at: Date.UTC(2026, 0, 1 + r.day, 12) }))
          .sort((a, b) => a.at - b.at)
          .map(({ at, meter, user, channel, account }): EventSpec => [new Date(at).toISOString(), meter, "1", { user, channel }, { account }]);
        const options = { plan, through: "2026-03-31T00:00:00Z" };
        const together = [replay(card(), events(specs), options), replayRows(card(), events(specs), options, [1])];
        const accountOf = (s: EventSpec) => s[4]?.account ?? "acct";
        for (const account of new Set(specs.map(accountOf))) {
          const alone = accountText(replay(card(), events(specs.filter((s) => accountOf(s) === account)), options), account);
          for (const st of together) expect(accountText(st, account)).toBe(alone);
        }
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
