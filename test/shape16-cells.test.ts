import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Replay } from "../src/engine/replay.js";
import type { RowSource, ShapeCells, ShapedRows } from "../src/engine/rows.js";
import type { Statement } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, replay, replayRows, TEST_CARD, type EventSpec } from "./helpers/engine.js";

// shape16: a row source's cells (RowSource.cells: a number a distinct text of a column, as the scanner
// numbers them) number unique items and find shapes' groups with no string hashed. The numbers must be
// the values' own: items numbered by cells are the items numbered by values, also after an item of a
// meter whose cells may not stand for its values (here `team`, as under a `dimension_values:` mapping)
// made every item go by values. The rows here are given cells by a source made as the scanner's would be.

/** The test card with a second unique meter keyed by a dimension whose cells stand for nothing. */
const CARD = card(TEST_CARD, {
  "  site:": '  member: { aggregation: unique, category: main, pool: run, price: "0.5", key: [team, user] }\n  site:',
});

/** Cells for a source's shapes: each column's texts numbered as first asked, an absent value as "" (an empty cell). */
function cellsOf(source: RowSource, columns: readonly string[]): ShapeCells {
  const numbers = columns.map(() => new Map<string, number>());
  let next = 0;
  return {
    cell: (shape, column) => {
      const text = source.dimensions[shape]![columns[column]!] ?? "";
      const byText = numbers[column]!;
      let n = byText.get(text);
      if (n === undefined) byText.set(text, (n = next++));
      return n;
    },
    column: (dimension) => (dimension === "team" ? undefined : columns.indexOf(dimension)),
  };
}

const pushRows = Replay.prototype.pushRows;
beforeAll(() => {
  Replay.prototype.pushRows = function (this: Replay, rows: ShapedRows) {
    const source = rows.source as RowSource & { cells?: ShapeCells };
    // `extra` is a column no row fills; `absent` none of the source's.
    source.cells ??= cellsOf(source, ["channel", "extra", "project", "user", "team"]);
    pushRows.call(this, rows);
  };
});
afterAll(() => {
  Replay.prototype.pushRows = pushRows;
});

const text = (st: Statement) => JSON.stringify(statementJson(st));

/** Items charged (the meter's lines' quantity) and their amount, by account and cycle index. */
function charged(st: Statement, meter: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const account of st.accounts) {
    out[account.account] = account.cycles.map((c) => {
      const lines = c.lines.filter((l) => l.meter === meter);
      const quantity = lines.reduce((t, l) => t + l.quantity.toNumber(), 0);
      const amount = lines.reduce((t, l) => t.plus(l.amount), new Decimal(0));
      return `${c.index}: ${quantity} for ${amount.toFixed(2)}`;
    });
  }
  return out;
}

const visit = (day: string, user: string, channel?: string): EventSpec => [`2026-${day}T10:00:00Z`, "visitor", "1", channel === undefined ? { user } : { user, channel }];
const member = (day: string, user: string): EventSpec => [`2026-${day}T10:00:00Z`, "member", "1", { user, team: "t" }];

describe("unique items and groups numbered by a row source's cells", () => {
  it("charges an item once a cycle, found by cells and then by values once an item must go by values", () => {
    // visitor (0.25 an item) by cells: u1 and u2 in January; member (0.50) by values makes every item go by
    // values from then on, and u1's item (charged by cells) is found charged in January under another
    // channel, then charged again in February, as is u3's, new.
    const log = events([
      visit("01-02", "u1", "web"),
      visit("01-03", "u2"),
      visit("01-04", "u1", "app"),
      member("01-05", "u1"),
      visit("01-06", "u1"),
      visit("01-07", "u2", "web"),
      member("01-08", "u1"),
      visit("02-02", "u1", "app"),
      visit("02-03", "u3"),
      visit("02-04", "u1", "web"),
      member("02-05", "u2"),
    ]);
    const visitors = { acct: ["0: 2 for 0.50", "1: 2 for 0.50"] };
    const members = { acct: ["0: 1 for 0.50", "1: 1 for 0.50"] };
    for (const sizes of [[1], [1024]]) {
      const st = replayRows(CARD, log, {}, sizes);
      expect(charged(st, "visitor")).toEqual(visitors);
      expect(charged(st, "member")).toEqual(members);
    }
    expect(charged(replay(CARD, log), "visitor")).toEqual(visitors);
  });

  it("gives the events' statement on random logs of items shared by shapes, with and without an item by values", () => {
    const row = fc.record({
      day: fc.integer({ min: 0, max: 70 }),
      hour: fc.integer({ min: 0, max: 1 }),
      meter: fc.constantFrom("visitor", "visitor", "visitor", "read", "call", "member"),
      project: fc.constantFrom("p", "q", "r"),
      user: fc.constantFrom("u1", "u2", "u3", "u4", "u5"),
      channel: fc.constantFrom(undefined, "web", "app"),
      account: fc.constantFrom("acct", "acct", "other"),
    });
    const logs = fc.array(row, { minLength: 10, maxLength: 80 }).map((rows) =>
      rows
        .sort((a, b) => a.day - b.day || a.hour - b.hour)
        .map((r): EventSpec => {
          const dims: Record<string, string> = { project: r.project, user: r.user };
          if (r.channel !== undefined) dims.channel = r.channel;
          if (r.meter === "member") dims.team = r.project;
          return [new Date(Date.UTC(2026, 0, 1) + r.day * 86_400_000 + r.hour * 3_600_000).toISOString(), r.meter, "1", dims, { account: r.account }];
        }),
    );
    fc.assert(
      fc.property(logs, fc.integer({ min: 1, max: 40 }), fc.constantFrom("small", "paid"), (specs, size, plan) => {
        const evs = events(specs);
        expect(text(replayRows(CARD, evs, { plan }, [size]))).toBe(text(replay(CARD, evs, { plan })));
      }),
      { numRuns: 150 },
    );
  });
});
