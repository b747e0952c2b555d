import fc from "fast-check";
import { IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { Zone } from "../src/time.js";

// A zone's offsets kept by quarter hour (src/time.ts, Zone.offset) are ICU's, instant for instant: across every
// change of offset, in zones whose changes fall on the half and three-quarter hour, and in their first years.

const ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu", "Africa/Monrovia", "America/Sao_Paulo", "Asia/Tehran", "Pacific/Apia"];

describe("Zone.offset", () => {
  it("is ICU's offset at any instant from 1900 to 2100, asked in any order", () => {
    for (const name of ZONES) {
      const zone = Zone.of(name)!;
      const icu = IANAZone.create(name);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), { minLength: 1, maxLength: 50 }), (instants) => {
          for (const at of instants) expect(zone.offset(at)).toBe(icu.offset(at));
        }),
        { numRuns: 200 },
      );
    }
  });

  it("is ICU's offset minute by minute around each change of 2026, for every zone above", () => {
    for (const name of ZONES) {
      const zone = Zone.of(name)!;
      const icu = IANAZone.create(name);
      // Every minute of 2026 is too many to ask ICU; every minute within a day of each change found hour by hour is not.
      for (let hour = Date.UTC(2026, 0, 1); hour < Date.UTC(2027, 0, 1); hour += 3_600_000) {
        if (icu.offset(hour) === icu.offset(hour + 3_600_000)) continue;
        for (let at = hour - 86_400_000; at < hour + 86_400_000; at += 60_000) expect(zone.offset(at)).toBe(icu.offset(at));
      }
    }
  });
});
