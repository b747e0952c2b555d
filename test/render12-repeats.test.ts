import { describe, expect, it } from "vitest";
import type { CycleStatement, Statement, StatementLine } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { jsonVisible } from "../src/render/shared/escape.js";
import { statementJson } from "../src/render/statement/json.js";
import { statementJsonText } from "../src/render/statement/json-text.js";

// The JSON writer keeps texts of what repeats: a meter's last unit price and amount (by the Decimal
// object), dimension keys and values, split keys, and the day of an instant. These statements
// reuse the same objects across lines, cycles and accounts, as the engine does, and put instants
// at the edges of what Date writes; the text must stay statementJson's.
const D = (v: string) => new Decimal(v);
const written = (s: Statement) => [...statementJsonText(s)].join("");
const contract = (s: Statement) => `${jsonVisible(JSON.stringify(statementJson(s), null, 2))}\n`;

const base: Statement = { provider: "p", version: "v", unit: "credits", currency: "USD", timezone: "UTC", accounts: [], events: { read: 0, priced: 0, duplicates: 0, rejected: 0 } };

function cycle(lines: StatementLine[], at: number[] = []): CycleStatement {
  return {
    index: 0, start: 0, end: 86_400_000, renews: 86_400_000, allowance: D("3"), allowanceUsed: D("0"), total: D("1"), uncovered: D("0"), lines, grants: [], rejected: [],
    thresholds: at.map((t, i) => ({ percent: i, at: t })), duplicates: [], overage: { requests: D("0"), amount: D("0") }, quota: undefined, budgets: [], alerts: [],
    rewards: { earned: D("0"), from: [] }, exhaustedAt: undefined, timeline: [], plans: [], plan: "pro",
  };
}

describe("the statement's JSON, with texts kept for what repeats", () => {
  it("writes lines that share Decimals and dimension records as statementJson does", () => {
    const half = D("0.5");
    const tenth = D("0.1");
    const shared = { project: "p1", "2": "a\u2028b" };
    const quoted = { 'say "hi"': "\\", project: "p1" };
    const line = (meter: string, over: Partial<StatementLine>): StatementLine => ({
      meter, component: undefined, kind: "usage", category: "c", pool: "run", dimensions: shared, quantity: D("1"), unitPrice: half, amount: half, events: 1, ...over,
    });
    const lines = [
      line("m", {}),
      line("m", { amount: tenth }),
      // The same amount object again after another: its text as the first time.
      line("m", { amount: half, events: 0 }),
      line("m", { unitPrice: tenth, amount: half, events: 1023 }),
      line("m", { unitPrice: half, amount: half, events: 1024, dimensions: quoted }),
      line("n", { amount: half, events: 0.5, dimensions: {} }),
      line("m", { category: "d", amount: half, events: Number.NaN, version: "v2" }),
      line("m", { component: "tokens", amount: D("-3"), events: -0 }),
    ];
    const s: Statement = { ...base, accounts: [{ account: "a", plan: "pro", cycles: [cycle(lines), cycle(lines.slice(1, 4))] }, { account: "b", plan: "pro", cycles: [cycle(lines.slice(2))] }] };
    const text = written(s);
    expect(text).toBe(contract(s));
    // By hand: index keys first, the line separator escaped, events as String writes them.
    expect(text).toContain('"dimensions": {\n                "2": "a\\u2028b",\n                "project": "p1"\n              },\n              "quantity": "1",\n              "unit_price": "0.1",\n              "amount": "0.5",\n              "events": 1023\n');
    expect(text).toContain('"dimensions": {\n                "say \\"hi\\"": "\\\\",\n                "project": "p1"\n              }');
    expect(text).toContain('"events": null,\n              "version": "v2"\n');
  });

  it("writes instants as formatInstant does, days before 1970 and past year 9999 included", () => {
    const instants = [
      0, -1, 1, 999, 1_000, 86_399_999, 86_400_000, -86_400_000, -86_400_001,
      Date.UTC(2026, 8, 14, 7, 5, 3, 9), Date.UTC(2026, 8, 14, 23, 59, 59), Date.UTC(2026, 8, 15), Date.UTC(1600, 1, 29, 12),
      253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_000, -62_167_219_200_001, 8.64e15, -8.64e15, 1.5, -0.25,
    ];
    const s: Statement = { ...base, accounts: [{ account: "a", plan: "pro", cycles: [cycle([], instants)] }] };
    const text = written(s);
    expect(text).toBe(contract(s));
    // By hand, from the calendar.
    for (const iso of ["1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.001Z", "1970-01-01T23:59:59.999Z", "2026-09-14T07:05:03.009Z", "2026-09-14T23:59:59Z", "1600-02-29T12:00:00Z", "9999-12-31T23:59:59.999Z", "+010000-01-01T00:00:00Z", "-000001-12-31T23:59:59.999Z", "+275760-09-13T00:00:00Z", "-271821-04-20T00:00:00Z"]) {
      expect(text).toContain(`"at": "${iso}"`);
    }
  });

  it("refuses an instant past Date's range as formatInstant does", () => {
    const s: Statement = { ...base, accounts: [{ account: "a", plan: "pro", cycles: [cycle([], [8.64e15 + 1])] }] };
    expect(() => written(s)).toThrow(RangeError);
    expect(() => contract(s)).toThrow(RangeError);
  });
});
