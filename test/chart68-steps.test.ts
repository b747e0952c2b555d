import { describe, expect, it } from "vitest";
import { niceStep } from "../src/render/charts/svg.js";
import { Decimal } from "../src/money.js";

// A burn-down's gridlines are 1, 2, 2.5 or 5 times the power of ten of a quarter of its top (stop 68: the power taken
// from the quarter's exponent, not a 60-digit logarithm). Each step worked out by hand from that rule.
describe("a burn-down's gridline step", () => {
  it("is the smallest of 1, 2, 2.5, 5 and 10 times the power of ten of a quarter of the top that covers it", () => {
    const cases: [string, string][] = [
      ["1", "0.25"], // 0.25 = 2.5 × 0.1
      ["3", "1"], // 0.75 = 7.5 × 0.1: past 5, so 10 × 0.1
      ["4", "1"], // 1 = 1 × 1
      ["400", "100"],
      ["401", "200"], // 100.25: past 1 × 100
      ["9.99", "2.5"], // 2.4975
      ["1000", "250"],
      ["0.004", "0.001"],
      ["0.0041", "0.002"], // 0.001025
      ["12345678901234567890.5", "5000000000000000000"], // 3,086,419,725,308,641,972.625: 3.08... × 10^18
      ["40000000000000000000000000000000000000000000000000000000000.4", "20000000000000000000000000000000000000000000000000000000000"], // 10^58 and a tenth, 60 digits: past 1 × 10^58
    ];
    for (const [top, step] of cases) expect(niceStep(new Decimal(top)).toFixed(), top).toBe(step);
  });
});
