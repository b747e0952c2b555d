import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StatementLine } from "../src/engine/types.js";
import { Decimal, formatExact } from "../src/money.js";
import { byProject, splitBy } from "../src/render/shared/summary.js";
import { cycleSummaries, type Split } from "../src/render/statement/cycle-summaries.js";

// cycleSummaries sums a cycle's amounts as scaled integers, rescaling as lines bring more
// decimals and falling back to Decimals where a sum could leave the safe integers. Its texts
// must be those of splitBy's Decimal sums, formatted by formatExact, in the same key order.
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const D = (v: string) => new Decimal(v);
const line = (category: string, pool: string, amount: Decimal, project?: string): StatementLine => ({
  meter: "m", component: undefined, kind: "usage", category, pool, dimensions: project === undefined ? {} : { project }, quantity: D("1"), unitPrice: amount, amount, events: 1,
});
const entries = (split: Split) => split.keys.map((k, i) => [k, split.texts[i]]);

describe("a cycle's summaries", () => {
  it("sums by category, pool and project in first-seen order, rescaling as decimals come (by hand)", () => {
    const s = cycleSummaries([
      line("ai", "build", D("3"), "p1"),
      line("web", "run", D("0.25"), "p2"),
      line("ai", "run", D("-1.125"), "p1"),
      line("web", "build", D("0.875")),
      line("ai", "build", D("0")),
    ]);
    expect(entries(s.byCategory)).toEqual([["ai", "1.875"], ["web", "1.125"]]);
    expect(entries(s.byPool)).toEqual([["build", "3.875"], ["run", "-0.875"]]);
    expect(entries(s.byProject)).toEqual([["p1", "1.875"], ["p2", "0.25"], ["(workspace)", "0.875"]]);
  });

  it("writes sums that cancel as 0, and large or many-decimal ones exactly (by hand)", () => {
    expect(entries(cycleSummaries([line("a", "p", D("0.1")), line("a", "p", D("-0.1"))]).byCategory)).toEqual([["a", "0"]]);
    expect(entries(cycleSummaries([line("a", "p", D("9007199254740991")), line("a", "p", D("1"))]).byCategory)).toEqual([["a", "9007199254740992"]]);
    expect(entries(cycleSummaries([line("a", "p", D("1e-20")), line("a", "p", D("5"))]).byCategory)).toEqual([["a", "5.00000000000000000001"]]);
    expect(entries(cycleSummaries([line("a", "p", D("123456789.123456789"))]).byCategory)).toEqual([["a", "123456789.123456789"]]);
  });

  it("finds keys among many (past the list, in a map), in first-seen order", () => {
    const lines = Array.from({ length: 40 }, (_, k) => line(`c${k % 13}`, "p", D(`${k}.5`)));
    const s = cycleSummaries(lines);
    expect(s.byCategory.keys).toEqual(Array.from({ length: 13 }, (_, k) => `c${k}`));
    // c0 holds lines 0, 13, 26 and 39: 0.5 + 13.5 + 26.5 + 39.5.
    expect(s.byCategory.texts[0]).toBe("80");
    expect(entries(s.byPool)).toEqual([["p", "800"]]);
  });

  it("gives splitBy's texts for any amounts", () => {
    const amount = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => new Decimal(n)),
      fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 20 })).map(([n, scale]) => new Decimal(n.toString()).div(new Decimal(10).pow(scale))),
      fc.constantFrom(D("0"), D("-0"), D("9007199254740991"), D("0.0000001"), D("1e15"), D("123456789012345678901234567890.5")),
    );
    const key = fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    const cycleLine = fc.tuple(key, key, fc.option(key, { nil: undefined }), amount).map(([c, p, project, a]) => line(c, p, a, project));
    // Short lists often: a cycle of one line is summed apart.
    const lines = fc.oneof(fc.array(cycleLine, { maxLength: 3 }), fc.array(cycleLine, { maxLength: 30 }));
    const texts = (sums: Map<string, Decimal>) => [...sums].map(([k, v]) => [k, formatExact(v)]);
    fc.assert(
      fc.property(lines, (ls) => {
        const s = cycleSummaries(ls);
        expect(entries(s.byCategory)).toEqual(texts(splitBy(ls, (l) => l.category)));
        expect(entries(s.byPool)).toEqual(texts(splitBy(ls, (l) => l.pool)));
        expect(entries(s.byProject)).toEqual(texts(byProject(ls)));
      }),
      { numRuns: RUNS },
    );
  });
});
