import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { StampReader } from "../src/usage/row-stamps.js";
import { NeedsFullParser } from "../src/usage/plain-csv.js";
import { parseInstant, Zone } from "../src/time.js";

/**
 * The scanner reads ISO-8601 stamps from their bytes (StampReader.iso): every stamp it reads must be the instant
 * parseInstant gives its text, and every stamp parseInstant refuses must go to the text parser (NeedsFullParser).
 * Stamps come in runs read by one reader, as a log's rows are, so that its day, minute and last-stamp caches
 * are read across rows of other forms and zones' local minutes across clock changes.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Africa/Monrovia", "Pacific/Chatham", "America/St_Johns"];

const two = (n: number) => String(n).padStart(2, "0");

/** Days around clock changes (New York, London, Lord Howe's half hour, Chatham's 45 minutes, Monrovia's 1972 change) and others. */
const DAYS = ["2026-03-08", "2026-11-01", "2026-03-29", "2026-10-25", "2026-04-05", "2026-10-04", "2026-09-27", "1972-01-07", "1972-01-06", "1919-02-28", "2024-02-29", "2025-02-29", "2026-12-31", "2026-13-01", "2026-04-31", "0026-01-01"];

const stamp = fc
  .record({
    day: fc.oneof(fc.constantFrom(...DAYS), fc.record({ y: fc.integer({ min: 1900, max: 2100 }), m: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }) }).map(({ y, m, d }) => `${y}-${two(m)}-${two(d)}`)),
    separator: fc.constantFrom("T", " ", "T", "t", "_"),
    hour: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 24 })),
    minute: fc.oneof(fc.constantFrom(0, 29, 30, 44, 45, 59), fc.integer({ min: 0, max: 60 })),
    second: fc.oneof(fc.constantFrom(0, 30, 59), fc.integer({ min: 0, max: 60 })),
    fraction: fc.oneof(fc.constant(""), fc.stringMatching(/^\.[0-9]{0,10}$/), fc.constantFrom(".5", ".123456", ".999999999", ".1234567890")),
    suffix: fc.oneof(
      fc.constantFrom("", "", "Z", "z", "UTC", " UTC", " utc", "+00", "+0000", "+00:00", "-00:00", "+05:30", "-03:30", "+1245", "+13:45", "-11", "+24:00", "+05:60", "+5:30", "+05:3", " +01:00", "Zz", "GMT"),
      fc.record({ sign: fc.constantFrom("+", "-"), h: fc.integer({ min: 0, max: 25 }), m: fc.integer({ min: 0, max: 61 }), colon: fc.boolean() }).map(({ sign, h, m, colon }) => `${sign}${two(h)}${colon ? ":" : ""}${two(m)}`),
    ),
  })
  .map(({ day, separator, hour, minute, second, fraction, suffix }) => `${day}${separator}${two(hour)}:${two(minute)}:${two(second)}${fraction}${suffix}`);

/** What one reader makes of a run of stamps: each one's instant, or "text" where it sends the stamp to the text parser. */
function readAll(zone: Zone, stamps: readonly string[]): (number | "text")[] {
  const reader = new StampReader(zone);
  return stamps.map((text) => {
    const buf = Buffer.from(`,${text},`, "latin1");
    try {
      reader.read(buf, 1, buf.length - 1);
      return reader.at;
    } catch (e) {
      if (e instanceof NeedsFullParser) return "text";
      throw e;
    }
  });
}

function expected(zone: Zone, text: string): number | "text" {
  const parsed = parseInstant(text, zone);
  return parsed.ok ? parsed.at : "text";
}

describe("timestamps read from their bytes", () => {
  it("give parseInstant's instant for every stamp, in runs of rows of any form and zone", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.array(stamp, { minLength: 1, maxLength: 40 }), (name, stamps) => {
        const zone = Zone.of(name)!;
        expect(readAll(zone, stamps)).toEqual(stamps.map((text) => expected(zone, text)));
      }),
      { numRuns: RUNS, seed: 69 },
    );
  });

  it("give each second of a night of clock changes its instant, as rows of one minute after another", () => {
    // Every second from 00:00 to 04:00 local, read in order, of the days New York and London change their clocks.
    for (const [name, day] of [["America/New_York", "2026-03-08"], ["America/New_York", "2026-11-01"], ["Europe/London", "2026-03-29"], ["Australia/Lord_Howe", "2026-04-05"]] as const) {
      const zone = Zone.of(name)!;
      const stamps: string[] = [];
      for (let s = 0; s < 4 * 3600; s += 7) stamps.push(`${day} ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`);
      expect(readAll(zone, stamps)).toEqual(stamps.map((text) => expected(zone, text)));
    }
  });

  it("read the forms of exports by hand", () => {
    const utc = Zone.of("UTC")!;
    const newYork = Zone.of("America/New_York")!;
    // 2026-09-01T00:00:00Z is 1,788,220,800 s after 1970 (20,697 days of 86,400 s).
    const midnight = 20_697 * 86_400_000;
    expect(readAll(utc, ["2026-09-01T00:00:00+00:00", "2026-09-01 00:00:00+00", "2026-09-01 00:00:00 UTC", "2026-09-01T00:00:00.123456Z", "2026-09-01 00:00:00.9999+0000", "2026-09-01 00:00:00"])).toEqual([midnight, midnight, midnight, midnight + 123, midnight + 999, midnight]);
    expect(readAll(utc, ["2026-09-01T02:00:00+02:00", "2026-08-31T19:30:00-04:30", "2026-09-01T05:30:01.5+05:30"])).toEqual([midnight, midnight, midnight + 1500]);
    // New York is four hours behind UTC in September (EDT), five in December (EST).
    expect(readAll(newYork, ["2026-08-31 20:00:00", "2026-08-31 20:00:07.25", "2026-12-01 00:00:00"])).toEqual([midnight, midnight + 7250, midnight + (91 * 24 + 5) * 3_600_000]);
    // The hour New York's clocks skip, and the one they show twice: the text parser's to refuse.
    expect(readAll(newYork, ["2026-03-08 02:30:00", "2026-11-01 01:30:00"])).toEqual(["text", "text"]);
    // Monrovia's clocks went back 82 seconds at 1919-03-01 00:00 local (-0:43:08 to -0:44:30): 23:58:00 to 23:58:37
    // happened once, 23:58:38 on twice, so a minute's first second does not tell its last's.
    const monrovia = Zone.of("Africa/Monrovia")!;
    const first = Date.UTC(1919, 1, 28, 23, 58, 0) + (43 * 60 + 8) * 1000;
    expect(readAll(monrovia, ["1919-02-28 23:58:00", "1919-02-28 23:58:37", "1919-02-28 23:58:38", "1919-02-28 23:58:00"])).toEqual([first, first + 37_000, "text", first]);
  });
});
