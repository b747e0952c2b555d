import { describe, expect, it } from "vitest";
import { Calendar, fixedZoneAdvice, parseInstant, Zone } from "../src/time.js";

// "UTC" is luxon's fixed zone (no ICU); "Etc/UTC" goes through the time-zone database as every other name.
describe("the UTC zone without the time-zone database", () => {
  const utc = Zone.of("UTC")!;
  const database = Zone.of("Etc/UTC")!;
  const instants = [Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2026, 9, 25, 0, 59, 59, 999), Date.UTC(1999, 11, 31, 12)];

  it("gives the instants, local dates and times the database's UTC gives", () => {
    for (const at of instants) {
      expect(utc.localDate(at)).toBe(database.localDate(at));
      expect(utc.dateTime(at).toFormat("yyyy-MM-dd HH:mm ZZ")).toBe(database.dateTime(at).toFormat("yyyy-MM-dd HH:mm ZZ"));
      expect(utc.dateTime(at).startOf("month").toMillis()).toBe(database.dateTime(at).startOf("month").toMillis());
    }
    for (const text of ["2026-03-29T01:30:00", "2024-02-29 23:59", "2026-10-25T01:00:00.250"]) expect(parseInstant(text, utc)).toEqual(parseInstant(text, database));
    expect(parseInstant("2026-03-29T01:30:00", utc)).toEqual({ ok: true, at: Date.UTC(2026, 2, 29, 1, 30) });
  });

  it("cuts the same monthly cycles, the day clamped to the month's end", () => {
    const anchor = Date.UTC(2024, 0, 31);
    const ours = new Calendar(anchor, utc);
    const theirs = new Calendar(anchor, database);
    for (let n = 0; n < 30; n++) expect(ours.start(n)).toBe(theirs.start(n));
    expect(ours.start(1)).toBe(Date.UTC(2024, 1, 29));
    expect(ours.addMonths(Date.UTC(2025, 0, 31, 8), 1)).toBe(Date.UTC(2025, 1, 28, 8));
  });

  it("is UTC, with no fixed-zone advice, and other names are still checked", () => {
    expect(utc.isUtc).toBe(true);
    expect(fixedZoneAdvice(utc)).toBeUndefined();
    expect(Zone.of("utc ")).toBeUndefined();
    expect(Zone.of("Mars/Olympus")).toBeUndefined();
    expect(Zone.of("Europe/London")?.localDate(Date.UTC(2026, 6, 1, 23, 30))).toBe("2026-07-02");
  });
});
