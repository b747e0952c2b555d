import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Calendar, Zone, formatInstant } from "../src/time.js";
import { instant } from "./helpers/engine.js";

describe("a calendar's far cycles", () => {
  it("starts a cycle centuries out where a calendar that listed every start before it does, and finds it", () => {
    const zones = ["UTC", "Europe/London", "America/Chicago", "Australia/Lord_Howe"].map((z) => Zone.of(z)!);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 31 }), fc.constantFrom(...zones), fc.integer({ min: 1200, max: 5000 }), (day, zone, n) => {
        const anchor = instant(`2026-01-${String(day).padStart(2, "0")}`, zone);
        const jumped = new Calendar(anchor, zone);
        const walked = new Calendar(anchor, zone);
        for (let i = 0; i <= n; i += 600) walked.start(i);
        expect(formatInstant(jumped.start(n))).toBe(formatInstant(walked.start(n)));
        expect(jumped.indexOf(walked.start(n))).toBe(n);
        expect(jumped.indexOf(walked.start(n + 1) - 1)).toBe(n);
      }),
      { numRuns: 40 },
    );
  });

  it("clamps a far cycle's day to its month from the original anchor: 31 January, 1,000 years on, is in February the 28th or 29th", () => {
    const cal = new Calendar(instant("2026-01-31T00:00:00Z"), Zone.of("UTC")!);
    // 12,001 months after January 2026 is February 3026 (not a leap year: 3026 is not divisible by 4).
    expect(formatInstant(cal.start(12_001))).toBe("3026-02-28T00:00:00Z");
    expect(formatInstant(cal.start(12_002))).toBe("3026-03-31T00:00:00Z");
  });
});
