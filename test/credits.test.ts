import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addCount, countDecimal, countOf, Deferred, exact, Scale, Units } from "../src/engine/credits.js";
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

describe("known rows' costs as units in a JavaScript number", () => {
  // Units: a millionth of a quantity times the card's finest price decimal (here 4).
  const scale = new Scale(40 + 4);
  const units = new Units(scale, 4);
  const price = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 4 })).map(([int, decimals]) => new Decimal(`${int}e-${decimals}`));
  const count = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

  it("a count times a unit price is the credits of quantity x price, or no answer where it passes a safe integer", () => {
    fc.assert(
      fc.property(count, price, (millionths, p) => {
        const perCount = units.perCount(exact(p));
        const cost = perCount === undefined ? undefined : units.cost(millionths, perCount);
        const expected = scale.product(exact(countDecimal(millionths)), exact(p));
        // No answer either way where a number could not hold it: the unit price itself (in units per
        // millionth) past a safe integer, or the product past one. The replay then prices the row in full.
        if (perCount === undefined) expect(exact(p).int * 10n ** BigInt(4 - exact(p).decimals) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
        else if (cost === undefined) expect(expected > BigInt(Number.MAX_SAFE_INTEGER) * units.credits(1)).toBe(true);
        else expect(units.credits(cost)).toBe(expected);
      }),
    );
  });

  it("the room within a balance is the whole units it holds, at most a safe integer", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 70n), max: 10n ** 70n }), (credits) => {
        const room = units.within(credits);
        expect(Number.isSafeInteger(room)).toBe(true);
        if (credits <= 0n) expect(room).toBe(0);
        else if (room < Number.MAX_SAFE_INTEGER) expect(units.credits(room) <= credits && credits < units.credits(room + 1)).toBe(true);
      }),
    );
  });

  it("deferred units fit a room while their sum stays within it, however large they are", () => {
    const deferred = new Deferred();
    expect(deferred.open).toBe(false);
    deferred.start(10);
    deferred.take(4, 0);
    expect([deferred.fits(6), deferred.fits(7), deferred.pending]).toEqual([true, false, true]);
    deferred.start(Number.MAX_SAFE_INTEGER);
    deferred.take(Number.MAX_SAFE_INTEGER - 1, 0);
    expect([deferred.fits(1), deferred.fits(2), deferred.fits(Number.MAX_SAFE_INTEGER)]).toEqual([true, false, false]);
    expect(deferred.end()).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(deferred.open).toBe(false);
  });

  it("a price finer than the card's finest decimal has no unit price", () => {
    expect(units.perCount(exact(new Decimal("0.00001")))).toBeUndefined();
  });
});
