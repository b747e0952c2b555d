import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Calendar, Zone, formatInstant } from "../src/time.js";
import { instant } from "./helpers/engine.js";

describe("a calendar's far cycles", () => {
  it("starts a cycle a century out where a calendar that listed every start before it does, and finds it", () => {
    // Each anchor's starts listed once, up to past the first cycle worked out alone (1,201 months on).
    const anchors = ["UTC", "Europe/London", "Australia/Lord_Howe"].flatMap((z) => [1, 29, 30, 31].map((day) => ({ zone: Zone.of(z)!, day })));
    const walked = anchors.map(({ zone, day }) => {
      const cal = new Calendar(instant(`2026-01-${String(day).padStart(2, "0")}`, zone), zone);
      for (let i = 0; i <= 1301; i += 600) cal.start(i);
      return cal;
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: anchors.length - 1 }), fc.integer({ min: 1201, max: 1300 }), (k, n) => {
        const { zone, day } = anchors[k]!;
        const jumped = new Calendar(instant(`2026-01-${String(day).padStart(2, "0")}`, zone), zone);
        expect(formatInstant(jumped.start(n))).toBe(formatInstant(walked[k]!.start(n)));
        expect(jumped.indexOf(walked[k]!.start(n))).toBe(n);
        expect(jumped.indexOf(walked[k]!.start(n + 1) - 1)).toBe(n);
      }),
      { numRuns: 12 },
    );
  });

  it("clamps a far cycle's day to its month from the original anchor: 31 January, 1,000 years on, is in February the 28th or 29th", () => {
    const cal = new Calendar(instant("2026-01-31T00:00:00Z"), Zone.of("UTC")!);
    // 12,001 months after January 2026 is February 3026 (not a leap year: 3026 is not divisible by 4).
    expect(formatInstant(cal.start(12_001))).toBe("3026-02-28T00:00:00Z");
    expect(formatInstant(cal.start(12_002))).toBe("3026-03-31T00:00:00Z");
  });
});
