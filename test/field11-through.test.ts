import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field report 11: --through at the instant the refusal names ("before X") was accepted, one second
// after it refused. X is the anchor plus 100 x 365.25 days: from 2026-02-01T10:30:00Z, 36,524
// calendar days (100 years with 24 leap days, 2100 being none) reach 2126-02-01, and one more day
// 2126-02-02T10:30:00Z.
const CARD = join(ROOT, "ratecards/fliplet.yaml");

function statement(through: string) {
  return burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-02-01T10:30:00Z", "--usage", "-", "--through", through, "--format", "csv"], {
    input: "timestamp,meter,quantity,project,source\n2026-02-02T00:00:00Z,sms,1,p1,project\n",
  });
}

describe("--through at the end of the hundred years", () => {
  it("the instant the message names is refused, at --through", async () => {
    const r = await statement("2126-02-02T10:30:00Z");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: --through: through too far after the anchor (expected an instant before 2126-02-02T10:30:00Z (100 years of cycles after the anchor), found "2126-02-02T10:30:00Z")\n');
  });

  it("the millisecond before it is read", async () => {
    const r = await statement("2126-02-02T10:29:59.999Z");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 60_000);
});
