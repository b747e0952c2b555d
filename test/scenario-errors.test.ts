import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// Bad scenarios exit 2 with file:line:column, what was expected and what was found.
async function fails(file: string, args: string[] = []): Promise<string> {
  const run = await burnrate(["simulate", `fixtures/scenarios/bad/${file}`, ...args]);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  return run.stderr;
}

describe("bad scenario input", () => {
  it("an unknown meter, at the meter's line and column, with the nearest name", async () => {
    expect(await fails("unknown-meter.yaml")).toBe(
      'burnrate: error: fixtures/scenarios/bad/unknown-meter.yaml:12:18: unknown meter "data_reads"; did you mean "data_read"? (expected a meter of fliplet 2026-11, found "data_reads")\n',
    );
  });

  it("a negative population", async () => {
    expect(await fails("negative-population.yaml")).toBe(
      "burnrate: error: fixtures/scenarios/bad/negative-population.yaml:8:12: negative population (expected a number of users of 0 or more, found -100)\n",
    );
  });

  it("an unparseable schedule", async () => {
    expect(await fails("bad-schedule.yaml")).toBe(
      "burnrate: error: fixtures/scenarios/bad/bad-schedule.yaml:7:37: unparseable schedule (expected minute, hour, N minutes, N hours, hourly; day, weekday or a weekday name (monday...), each with an optional 'at H:MM' on the 24-hour clock (at 9:00, at 17:30); cycle, optionally 'cycle on day N at H:MM', found \"fortnightly at noon\")\n",
    );
  });

  it("a dimension the meter needs is missing", async () => {
    expect(await fails("missing-dimension.yaml")).toBe(
      'burnrate: error: fixtures/scenarios/bad/missing-dimension.yaml:7:75: meter "email" needs dimension "source" (expected dimensions: { source: ... } on this item, found none)\n',
    );
  });

  it("a recurring meter as per-user behaviour", async () => {
    expect(await fails("wrong-section.yaml")).toBe(
      'burnrate: error: fixtures/scenarios/bad/wrong-section.yaml:11:18: meter "project_created" cannot be used here (expected a flow or unique meter (projects, channels, storage and records belong under inventory), found a recurring meter)\n',
    );
  });

  it("a send without a time", async () => {
    expect(await fails("send-without-time.yaml")).toBe(
      "burnrate: error: fixtures/scenarios/bad/send-without-time.yaml:7:5: a send needs exactly one of at or every (expected at: INSTANT for a one-off send, or every: SCHEDULE, found neither)\n",
    );
  });

  it("an unknown plan, in the file and on the command line", async () => {
    expect(await fails("unknown-plan.yaml")).toBe(
      'burnrate: error: fixtures/scenarios/bad/unknown-plan.yaml:2:7: unknown plan "enterprise" (expected a plan of fliplet 2026-11: free, pro, found "enterprise")\n',
    );
    const run = await burnrate(["simulate", "fixtures/scenarios/fliplet/sms-100.yaml", "--plan", "gold"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('burnrate: error: --plan: unknown plan "gold" (expected a plan of fliplet 2026-11: free, pro, found "gold")\n');
  });

  it("a missing scenario file", async () => {
    const run = await burnrate(["simulate", "fixtures/scenarios/nope.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("burnrate: error: fixtures/scenarios/nope.yaml:1:1: cannot read file: ENOENT (expected an existing, readable file, found no such file)\n");
  });
});
