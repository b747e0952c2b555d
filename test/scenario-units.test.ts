import { describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { usersIn } from "../src/scenario/expand.js";
import { exponentialLevel, poisson, Random } from "../src/scenario/random.js";
import { occurrences, parseSchedule } from "../src/scenario/schedule.js";
import { nearestRank } from "../src/scenario/simulate.js";
import type { Population } from "../src/scenario/types.js";
import { Zone } from "../src/time.js";

const UTC = Zone.of("UTC")!;
const at = (iso: string) => Date.parse(iso);

describe("schedules", () => {
  it("reads the phrases people write", () => {
    expect(parseSchedule("hour")).toEqual({ kind: "interval", minutes: 60 });
    expect(parseSchedule("hourly")).toEqual({ kind: "interval", minutes: 60 });
    expect(parseSchedule("15 minutes")).toEqual({ kind: "interval", minutes: 15 });
    expect(parseSchedule("every 2 hours")).toEqual({ kind: "interval", minutes: 120 });
    expect(parseSchedule("day at 09:30")).toEqual({ kind: "daily", days: "all", hour: 9, minute: 30 });
    expect(parseSchedule("Weekdays at 08:00")).toEqual({ kind: "daily", days: "weekdays", hour: 8, minute: 0 });
    expect(parseSchedule("friday at 17:00")).toEqual({ kind: "daily", days: 5, hour: 17, minute: 0 });
    expect(parseSchedule("cycle")).toEqual({ kind: "cycle", day: 1, hour: 0, minute: 0 });
    expect(parseSchedule("cycle on day 3 at 10:00")).toEqual({ kind: "cycle", day: 3, hour: 10, minute: 0 });
  });

  it("refuses what it cannot read", () => {
    for (const bad of ["fortnightly", "day at 25:00", "0 minutes", "weekday at 9", "cycle on day 32", ""]) expect(parseSchedule(bad)).toBeUndefined();
  });

  it("runs hourly 720 times in a 30-day cycle and 744 in a 31-day one", () => {
    expect(occurrences({ kind: "interval", minutes: 60 }, at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"), UTC)).toHaveLength(720);
    expect(occurrences({ kind: "interval", minutes: 60 }, at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"), UTC)).toHaveLength(744);
  });

  it("keeps daily times on the local clock across a daylight-saving change", () => {
    const london = Zone.of("Europe/London")!;
    const days = occurrences({ kind: "daily", days: "all", hour: 9, minute: 0 }, at("2026-10-24T23:00:00Z"), at("2026-10-27T00:00:00Z"), london);
    // 25 October 2026: the clocks go back, 09:00 moves from 08:00Z to 09:00Z.
    expect(days.map((d) => new Date(d).toISOString())).toEqual(["2026-10-25T09:00:00.000Z", "2026-10-26T09:00:00.000Z"]);
  });

  it("fires on weekdays only, and once a cycle clamped to its last day", () => {
    const weekdays = occurrences({ kind: "daily", days: "weekdays", hour: 8, minute: 0 }, at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"), UTC);
    expect(weekdays).toHaveLength(21);
    const late = occurrences({ kind: "cycle", day: 31, hour: 12, minute: 0 }, at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"), UTC);
    expect(late.map((d) => new Date(d).toISOString())).toEqual(["2026-11-30T12:00:00.000Z"]);
  });
});

describe("growth", () => {
  const population = (growth: Population["growth"]): Population => ({ name: "u", origin: { file: "s.yaml", line: 1, column: 1 }, users: 1000, growth, userDimension: "user", perUser: false, activities: [] });
  it("compounds a percentage and rounds to whole users", () => {
    const p = population({ kind: "percent", rate: new Decimal(10) });
    expect([0, 1, 2, 3].map((i) => usersIn(p, i))).toEqual([1000, 1100, 1210, 1331]);
  });
  it("adds users each cycle and never goes below none", () => {
    const p = population({ kind: "absolute", step: -400 });
    expect([0, 1, 2, 3].map((i) => usersIn(p, i))).toEqual([1000, 600, 200, 0]);
  });
});

describe("seeded sampling", () => {
  it("repeats a stream for the same seed and sample, and not for another", () => {
    const draws = (seed: string, stream: number) => {
      const r = new Random(seed, stream);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draws("42", 0)).toEqual(draws("42", 0));
    expect(draws("42", 1)).not.toEqual(draws("42", 0));
    expect(draws("43", 0)).not.toEqual(draws("42", 0));
    for (const u of draws("x", 3)) expect(u >= 0 && u < 1).toBe(true);
  });

  it("draws Poisson and geometric counts around their means", () => {
    const r = new Random("mean", 0);
    for (const mean of [0.5, 6, 25, 400]) {
      let sum = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) sum += poisson(mean, r);
      expect(Math.abs(sum / n - mean)).toBeLessThan(mean * 0.03 + 0.02);
    }
    // A geometric user: a level drawn once, a Poisson count at 6 times it; the mean stays 6, the variance is 6 + 36.
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < 20_000; i++) {
      const k = poisson(6 * exponentialLevel(r), r);
      sum += k;
      squares += k * k;
    }
    expect(Math.abs(sum / 20_000 - 6)).toBeLessThan(0.3);
    expect(Math.abs(squares / 20_000 - 36 - 42)).toBeLessThan(6);
  });

  it("takes nearest-rank percentiles", () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(sorted, 50)).toBe(5);
    expect(nearestRank(sorted, 90)).toBe(9);
    expect(nearestRank(sorted, 10)).toBe(1);
    expect(nearestRank([7], 90)).toBe(7);
  });
});
