import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addCount, countDecimal, countOf, exact, Scale } from "../src/engine/credits.js";
import { Decimal } from "../src/money.js";

// The replay counts credits as bigints at one scale and line quantities as safe
// integers: both must agree exactly with Decimal arithmetic on every value.
const plain = fc
  .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }))
  .map(([int, decimals]) => new Decimal(`${int}e-${decimals}`));

describe("credits as scaled integers", () => {
  it("a decimal goes into credits and back unchanged", () => {
    const scale = new Scale(20);
    fc.assert(
      fc.property(plain, (d) => {
        expect(scale.decimal(scale.of(d)).eq(d)).toBe(true);
      }),
    );
  });

  it("quantity x price in credits is the Decimal product", () => {
    const scale = new Scale(24);
    fc.assert(
      fc.property(plain, plain, (q, p) => {
        expect(scale.decimal(scale.product(exact(q), exact(p))).eq(q.mul(p))).toBe(true);
      }),
    );
  });

  it("refuses a value finer than the scale instead of rounding it", () => {
    expect(() => new Scale(2).of(new Decimal("0.005"))).toThrow(/more than 2 decimals/);
    expect(() => new Scale(3).product(exact(new Decimal("0.5")), exact(new Decimal("0.005")))).toThrow(/scale was chosen too small/);
  });

  it("a percentage of an allowance is reached at the least whole unit at or above it", () => {
    const scale = new Scale(0);
    expect(scale.percentOf(1000n, 70)).toBe(700n);
    expect(scale.percentOf(999n, 70)).toBe(700n);
    expect(scale.percentOf(1n, 1)).toBe(1n);
  });

  it("line counts add exactly, and give up where a number could not", () => {
    fc.assert(
      fc.property(plain, plain, (a, b) => {
        const ca = countOf(exact(a));
        const cb = countOf(exact(b));
        if (ca === undefined || cb === undefined) return;
        const sum = addCount(ca, cb);
        if (sum !== undefined) expect(countDecimal(sum).eq(a.plus(b))).toBe(true);
      }),
    );
    expect(countOf(exact(new Decimal("0.0000001")))).toBeUndefined();
    expect(addCount(Number.MAX_SAFE_INTEGER, 1)).toBeUndefined();
  });
});
