import { describe, expect, it } from "vitest";
import { nearMissOf } from "../src/usage/near-miss.js";

// One rule for every near miss of a canonical usage column: case, spaces,
// `-` or `.` for `_`, and one typo. A near miss is refused, never a dimension.
describe("near misses of the canonical usage columns", () => {
  it.each([
    [" quantity", "quantity"],
    ["Quantity", "quantity"],
    ["QUANTITY", "quantity"],
    ["quantty", "quantity"],
    ["quantiyt", "quantity"],
    ["timestamp ", "timestamp"],
    ["Time Stamp", "timestamp"],
    ["timestamps", "timestamp"],
    ["event-id", "event_id"],
    ["event id", "event_id"],
    ["Event.Id", "event_id"],
    ["EventId", "event_id"],
    ["evnet_id", "event_id"],
    ["Account", "account"],
    ["acount", "account"],
    ["\u00a0account", "account"],
    ["mteer", "meter"],
    ["Meters", "meter"],
  ])("%j is a near miss of %s", (name, canonical) => {
    expect(nearMissOf(name)).toBe(canonical);
  });

  it.each(["quantity", "timestamp", "meter", "event_id", "account", "project", "amount", "model", "user", "time", "qty", "account_id", "units", "metre_id"])("%j is not a near miss", (name) => {
    expect(nearMissOf(name)).toBeUndefined();
  });
});
