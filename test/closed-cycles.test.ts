import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClosedCycles, decodeCycle, encodeCycle } from "../src/engine/closed-cycles.js";
import type { CycleStatement, UsageEvent } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { binary, burnrate } from "./helpers/cli.js";
import { ArraySpill, card, events, replayRows, type EventSpec } from "./helpers/engine.js";

// Issue 16, many accounts: closed cycles past a budget are held as text, or spilled to a
// temporary file, and made again when the statement is read. The statement must not change.
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const C = card();

/** A cycle with every kind of value its text must keep: Decimals (a negative zero too), a Map, undefined properties, Infinity, a dimension named "~". */
function cycle(index: number): CycleStatement {
  const d = (text: string) => new Decimal(text);
  return {
    index, start: 1_000 * index, end: 1_000 * (index + 1), renews: Infinity, allowance: d("3"), allowanceUsed: d("1.25"), total: d("-0"), uncovered: d("0"),
    lines: [{ meter: "call", component: undefined, kind: "usage", category: "api", pool: "main", dimensions: { "~": "tilde", project: "p" }, quantity: d("12345678901234567890.123456789"), unitPrice: d("0.001"), amount: d("1e-30"), events: 2 }],
    grants: [{ kind: "included", opening: d("3"), granted: d("0"), consumed: d("1.25"), expired: d("0"), closing: d("1.75") }],
    rejected: [{ meter: "call", reason: "out of credits", events: 1, quantity: d("4"), firstAt: 5, firstOrigin: { file: "u.csv", line: 9, column: 1, columns: new Map([["meter", 2], ["project", 4]]) } }],
    thresholds: [{ percent: 50, at: 7 }], duplicates: [], overage: { requests: d("0"), amount: d("0") }, quota: undefined, budgets: [], alerts: [{ kind: "low_balance", level: d("0.5"), at: 8 }],
    rewards: { earned: d("0"), from: [] }, exhaustedAt: undefined, timeline: [], plans: [], plan: "paid",
  };
}

describe("closed cycles", () => {
  it("keeps every value of a cycle through its text: Decimals as Decimals, Maps, undefined properties, Infinity, a key named ~", () => {
    const made = decodeCycle(encodeCycle(cycle(0)));
    expect(made).toEqual(cycle(0));
    expect(made.total).toBeInstanceOf(Decimal);
    expect(made.total.isNeg() && made.total.isZero()).toBe(true);
    expect(made.lines[0]!.quantity.toFixed()).toBe("12345678901234567890.123456789");
    expect("component" in made.lines[0]!).toBe(true);
    expect(made.lines[0]!.dimensions).toEqual({ "~": "tilde", project: "p" });
    expect(made.rejected[0]!.firstOrigin!.columns).toEqual(new Map([["meter", 2], ["project", 4]]));
    expect(made.renews).toBe(Infinity);
  });

  it("keeps lines of every make through the text: a card version, a component, and a line of other keys or values", () => {
    const d = (text: string) => new Decimal(text);
    const given = cycle(0);
    const base = given.lines[0]!;
    given.lines = [
      { ...base, version: "2026-10" },
      { ...base, component: "tokens", dimensions: {} },
      // Not a line close() makes: events not a finite number, and a key of its own; kept as it is all the same.
      { ...base, events: NaN, quantity: d("-0"), extra: "x" } as unknown as typeof base,
    ];
    const made = decodeCycle(encodeCycle(given));
    expect(made).toEqual(given);
    expect(Object.keys(made.lines[0]!)).toEqual(Object.keys(given.lines[0]!));
    expect(made.lines[0]!.version).toBe("2026-10");
    expect(made.lines[1]!.component).toBe("tokens");
    expect(made.lines[2]!.events).toBeNaN();
    expect(made.lines[2]!.quantity.isNeg() && made.lines[2]!.quantity.isZero()).toBe(true);
  });

  it("keeps a cycle of close()'s keys in their order as an array of its values, and gives back a spilled line's dimensions and a source's columns as the objects given", () => {
    const given = cycle(0);
    // close()'s order of keys (cycle() gives `renews` fourth): such a cycle is written as an array.
    const { renews, plan, plans, ...rest } = given;
    const closed = { ...rest, plan, plans, renews } as CycleStatement;
    closed.quota = { limit: new Decimal("100"), used: new Decimal("-0") };
    closed.grants.push({ kind: "topup", opening: new Decimal("0"), granted: new Decimal("2.5"), consumed: new Decimal("0.25"), expired: new Decimal("0"), closing: new Decimal("2.25") });
    expect(encodeCycle(closed).startsWith("[")).toBe(true);
    const made = decodeCycle(encodeCycle(closed));
    expect(made).toEqual(closed);
    expect(Object.keys(made)).toEqual(Object.keys(closed));
    expect(Object.keys(made.grants[1]!)).toEqual(["kind", "opening", "granted", "consumed", "expired", "closing"]);
    expect(made.quota!.used.isNeg() && made.quota!.used.isZero()).toBe(true);
    expect(made.total.isNeg() && made.total.isZero()).toBe(true);
    const spill = new ArraySpill();
    const cycles = new ClosedCycles({ budget: 0, spill: () => spill });
    cycles.add(0, closed);
    cycles.add(0, { ...closed, index: 1 });
    const read = cycles.statement(0, "a", "paid").cycles;
    expect(read).toEqual([closed, { ...closed, index: 1 }]);
    expect(read[0]!.lines[0]!.dimensions).toBe(closed.lines[0]!.dimensions);
    expect(read[1]!.rejected[0]!.firstOrigin!.columns).toBe(closed.rejected[0]!.firstOrigin!.columns);
  });

  it("makes an account's last cycle when its cycles are read, each time, after the ones held or spilled", () => {
    const spill = new ArraySpill();
    const closed = new ClosedCycles({ budget: 3_500, spill: () => spill });
    closed.add(0, cycle(0));
    closed.add(0, cycle(1));
    let made = 0;
    const last = () => (made++, cycle(2));
    const statement = closed.statement(0, "a", "paid", last);
    // Nothing made until the cycles are read; then cycle 0 held, cycle 1 from its text, cycle 2 made.
    expect(made).toBe(0);
    expect(statement.cycles.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(statement.cycles.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(made).toBe(2);
    // An account with no closed cycle: only its last.
    expect(closed.statement(1, "b", "paid", () => cycle(0)).cycles).toEqual([cycle(0)]);
    expect(Object.keys(statement)).toEqual(["account", "plan", "cycles"]);
  });

  it("holds cycles within the budget as given, and spills the rest of each account's cycles in order", () => {
    const spill = new ArraySpill();
    // Each cycle is estimated at 1,500 bytes and 400 a row (five rows): two cycles' worth are held, every later one spilled.
    const closed = new ClosedCycles({ budget: 2 * 3_500, spill: () => spill });
    const given = [cycle(0), cycle(1), cycle(2)];
    closed.add(0, given[0]!);
    closed.add(1, given[1]!);
    closed.add(0, given[2]!);
    closed.add(0, cycle(3));
    expect(spill.texts.length).toBe(2);
    const first = closed.statement(0, "a", "paid");
    expect(first.cycles.map((c) => c.index)).toEqual([0, 2, 3]);
    expect(first.cycles[0]).toBe(given[0]);
    expect(first.cycles[1]).toEqual(given[2]);
    expect(closed.statement(1, "b", "paid").cycles[0]).toBe(given[1]);
    expect(closed.statement(2, "c", "paid").cycles).toEqual([]);
  });

  it("gives each account the statement its cycles held as objects would, whatever the budget, spilled or held as text", () => {
    const DAY = 86_400_000;
    const START = Date.UTC(2026, 0, 1);
    const row = fc.record({ day: fc.integer({ min: 0, max: 80 }), meter: fc.constantFrom("call", "read", "view"), quantity: fc.integer({ min: 0, max: 40 }), account: fc.constantFrom("acct", "a1", "a2", "a3") });
    const log = fc.array(row, { maxLength: 40 }).map((rows): EventSpec[] =>
      [...rows].sort((a, b) => a.day - b.day).map((r) => [new Date(START + r.day * DAY).toISOString(), r.meter, String(r.quantity), { project: "p" }, { account: r.account }]),
    );
    fc.assert(
      fc.property(log, fc.integer({ min: 0, max: 20_000 }), fc.boolean(), (specs, budget, spilled) => {
        const all: UsageEvent[] = events(specs);
        const options = { through: "2026-03-20T00:00:00Z" };
        const whole = replayRows(C, all, options);
        const compacted = replayRows(C, all, { ...options, closedCycles: { budget, spill: spilled ? () => new ArraySpill() : undefined } });
        expect(JSON.stringify(compacted.accounts)).toBe(JSON.stringify(whole.accounts));
        expect(compacted.accounts).toEqual(whole.accounts);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("statement with closed cycles spilled (BURNRATE_CYCLE_MEMORY_MB=0)", () => {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-spill-test-"));
  const usage = join(dir, "usage.csv");
  const account = join(dir, "accounts.yaml");
  // Forty accounts over three months on an allowance of one credit: some run out, so cycles have rejections too.
  const rows = ["timestamp,meter,quantity,project,user,channel,distribution,source,model,account"];
  for (let i = 0; i < 600; i++) {
    const at = new Date(Date.UTC(2026, 8, 1) + i * 3 * 3_600_000).toISOString().replace(".000Z", "Z");
    const meter = ["project_created", "published", "automation_run", "end_user_open"][i % 4];
    const dims = meter === "published" ? `p${i % 7},,web,private,,` : meter === "end_user_open" ? `p${i % 7},u${i % 11},,,,` : `p${i % 7},,,,,`;
    rows.push(`${at},${meter},1,${dims},a${(i * 7) % 40}`);
  }
  writeFileSync(usage, rows.join("\n") + "\n");
  writeFileSync(account, `card: ${join(process.cwd(), "ratecards/fliplet.yaml")}\nplan: pro\nallowance: 1\nanchor: 2026-09-01\ntimezone: UTC\n`);
  const args = (format: string) => ["statement", "--account", account, "--usage", usage, "--format", format];

  it("writes the statement it writes with every cycle held, and leaves no temporary file", async () => {
    const temporary = mkdtempSync(join(tmpdir(), "burnrate-spill-tmp-"));
    let heldJson = "";
    for (const format of ["json", "csv"]) {
      // Held: in process, on the default budget (the budget and TMPDIR are read from the process's environment).
      const held = await burnrate(args(format));
      const spilled = binary(args(format), { env: { BURNRATE_CYCLE_MEMORY_MB: "0", TMPDIR: temporary } });
      expect(held.code).toBe(0);
      expect(spilled.stderr).toBe("");
      expect(spilled.stdout).toBe(held.stdout);
      if (format === "json") heldJson = held.stdout;
    }
    // The forty accounts of the log; the account file writes no account: of its own, which no row is (newcomer60 M3).
    expect(JSON.parse(heldJson).accounts.length).toBe(40);
    expect(readdirSync(temporary)).toEqual([]);
  });

  it("spills to the temporary directory: one that cannot be written is reported, where the default budget needs none", () => {
    const env = { TMPDIR: join(dir, "no-such-folder") };
    expect(binary(args("json"), { env }).code).toBe(0);
    const spilled = binary(args("json"), { env: { ...env, BURNRATE_CYCLE_MEMORY_MB: "0" } });
    expect(spilled.code).toBe(2);
    expect(spilled.stderr).toMatch(/cannot write a temporary file/);
  });

  it("refuses a budget that is not a number of megabytes, where it once ran on the default in silence", () => {
    for (const given of ["abc", "-1", "64MB", " 5"]) {
      const run = binary(args("json"), { env: { BURNRATE_CYCLE_MEMORY_MB: given } });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^burnrate: error: BURNRATE_CYCLE_MEMORY_MB: not a budget in megabytes \(expected a number of megabytes/);
    }
    expect(binary(args("json"), { env: { BURNRATE_CYCLE_MEMORY_MB: "0.5" } }).code).toBe(0);
  });
});
