import { describe, expect, it } from "vitest";
import { amountsSum, Decimal, ZERO } from "../src/money.js";

/** The sum a Decimal at a time, as a cycle's total was added. */
function added(amounts: readonly Decimal[]): Decimal {
  let total = ZERO;
  for (const a of amounts) total = total.plus(a);
  return total;
}

function same(amounts: readonly Decimal[]): void {
  const got = amountsSum(amounts.map((amount) => ({ amount })));
  const want = added(amounts);
  expect(got.toFixed()).toBe(want.toFixed());
  expect([got.s, got.e, got.d]).toEqual([want.s, want.e, want.d]);
}

describe("amountsSum", () => {
  it("gives nothing as ZERO itself, and one amount as its value", () => {
    expect(amountsSum([])).toBe(ZERO);
    same([new Decimal("12.5")]);
  });

  it("raises its scale as amounts bring more decimals", () => {
    // 1.5 + 0.25 + 3 + 0.0008 = 4.7508, counted in tenths, then hundredths, then ten-thousandths.
    const got = amountsSum(["1.5", "0.25", "3", "0.0008"].map((a) => ({ amount: new Decimal(a) })));
    expect(got.toFixed()).toBe("4.7508");
  });

  it("sums to zero as adding does, refunds and all", () => {
    same(["2.5", "-1.25", "-1.25"].map((a) => new Decimal(a)));
  });

  it("adds as Decimals past a safe integer or past fifteen decimals", () => {
    // 2^53 + 1 is not a safe integer: the sum 9007199254740993 must not be rounded to ...992.
    const big = ["9007199254740992", "1"].map((a) => new Decimal(a));
    expect(amountsSum(big.map((amount) => ({ amount }))).toFixed()).toBe("9007199254740993");
    same(["0.1", "0.0000000000000001", "7"].map((a) => new Decimal(a)));
    same(["123456789012.345", "0.00001"].map((a) => new Decimal(a)));
  });

  it("matches adding on random amounts of up to eight decimals", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let run = 0; run < 200; run++) {
      const amounts: Decimal[] = [];
      for (let i = next() % 40; i >= 0; i--) {
        const places = next() % 9;
        const sign = next() % 7 === 0 ? "-" : "";
        amounts.push(new Decimal(`${sign}${next() % 1000000}e-${places}`));
      }
      same(amounts);
    }
  });
});
