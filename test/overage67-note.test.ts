import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// new67 M1: a scenario that says nothing of overage compares every plan with overage billing off; a plan whose request
// quota refuses the usage then reads "no", and the dearer plan that covers was quoted, with nothing said of overage.
const scenario = (extra: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "burnrate-overage67-")), "s.yaml");
  writeFileSync(file, [
    "name: a batch past Pro's quota",
    `card: ${JSON.stringify(join(ROOT, "ratecards/floopy.yaml"))}`,
    "plan: pro",
    "start: 2026-11-01",
    "cycles: 1",
    extra,
    "schedules:",
    "  - { name: batch, meter: request, every: hour, quantity: 100, components: { input_tokens: 100, output_tokens: 10 }, dimensions: { model: gpt-4o-mini, provider: openai } }",
    "",
  ].join("\n"));
  return file;
};

describe("simulate --compare-plans where a plan's request quota refuses the usage", () => {
  it("names the requests refused past each quota and the overage the card would bill, where the scenario leaves overage off", async () => {
    const r = await burnrate(["simulate", scenario(""), "--compare-plans", "--format", "markdown"]);
    expect(r.code, r.stderr).toBe(0);
    // 720 hourly rows of 100 requests in November. Pro's quota, 50,000 (ratecards/floopy.yaml), holds 500 rows
    // (500 x 100 = 50,000; the 501st would pass it): 220 refused. Free's, 1,000, holds 10: 710 refused. Enterprise's
    // 1,000,000 holds them all.
    expect(r.stdout).toContain(
      "> Requests refused past a plan's request quota, usage rows: Pro 220 past its quota of 50,000 (overage 0.001 USD a request); Free 710 past its quota of 1,000 (overage 0.002 USD a request). The card bills them as overage where overage billing is on, which the scenario leaves off: overage: true in the scenario compares each plan with it.",
    );
  });

  it("says nothing of it where the scenario turns overage billing on", async () => {
    const r = await burnrate(["simulate", scenario("overage: true"), "--compare-plans", "--format", "markdown"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("Requests refused past a plan's request quota");
  });
});
