import type { parseInstant } from "../time.js";
import type { TimestampUnit } from "./mapping.js";

/** A timestamp written as seconds or milliseconds since 1970 (the mapping's `timestamp_unit:`): one rule for the plain reader and the row scanner. */
export function sinceEpoch(text: string, unit: TimestampUnit): ReturnType<typeof parseInstant> {
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) * (unit === "seconds" ? 1000 : 1) : NaN;
  if (!Number.isFinite(n) || n > 253402300799999) {
    // Milliseconds read as seconds land past the year 9999: said so, as the mapping's unit is the likelier mistake.
    const millis = unit === "seconds" && Number.isFinite(n) && n / 1000 <= 253402300799999;
    if (millis) return { ok: false, problem: "bad timestamp: past the year 9999 as seconds, so most likely milliseconds", expected: "timestamp_unit: milliseconds in the mapping, for a log of milliseconds since 1970-01-01T00:00:00Z" };
    return { ok: false, problem: "bad timestamp", expected: `${unit} since 1970-01-01T00:00:00Z (timestamp_unit:, a layout's or the mapping's)` };
  }
  return { ok: true, at: Math.floor(n) };
}

