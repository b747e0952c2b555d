import { describe, expect, it } from "vitest";
import { burnrate, burnrateJson, type Run } from "./helpers/cli.js";

// --samples N --seed S: per-user behaviour drawn from distributions. The same
// seed must give byte-identical output; p90 can never be below p50.
const HEADLINE = "fixtures/scenarios/fliplet/headline.yaml";

// Each sample replays the headline's 1,000 users: one run of 5 samples, made once, serves every test that reads one.
const SAMPLED = ["simulate", HEADLINE, "--samples", "5", "--seed", "42", "--format", "json"];
let sampled: Promise<Run> | undefined;
const fiveSamples = () => (sampled ??= burnrate(SAMPLED));

describe("simulate --samples", () => {
  it("gives byte-identical output for the same seed", async () => {
    const a = await fiveSamples();
    const b = await burnrate(SAMPLED);
    expect(a.code).toBe(0);
    expect(a.stderr).toBe("");
    expect(b.stdout).toBe(a.stdout);
  });

  it("draws differently for another seed", async () => {
    const a = JSON.parse((await fiveSamples()).stdout);
    const b = await burnrateJson(["simulate", HEADLINE, "--samples", "5", "--seed", "43"]);
    expect(b.samples.plans[0].cycles.map((c: any) => c.total)).not.toEqual(a.samples.plans[0].cycles.map((c: any) => c.total));
  });

  it("reports p50 and p90 spend and run-out instants per cycle, p90 spend at or above p50", async () => {
    const out = JSON.parse((await fiveSamples()).stdout);
    expect(out.samples).toMatchObject({ count: 5, seed: "42" });
    const plan = out.samples.plans[0];
    expect(plan.plan).toBe("pro");
    expect(Number(plan.money.p90)).toBeGreaterThanOrEqual(Number(plan.money.p50));
    expect(plan.cycles).toHaveLength(6);
    for (const c of plan.cycles) {
      expect(Number(c.total.p90)).toBeGreaterThanOrEqual(Number(c.total.p50));
      expect(Number(c.money.p90)).toBeGreaterThanOrEqual(Number(c.money.p50));
      expect(c.ran_out).toBeGreaterThanOrEqual(0);
      expect(c.ran_out).toBeLessThanOrEqual(5);
      // The p90 run-out (the instant the credits last until in 90% of samples) is never after the median.
      if (c.runs_out_at.p50 !== null) expect(c.runs_out_at.p90 <= c.runs_out_at.p50).toBe(true);
    }
    // The deterministic projection is still there, unchanged by sampling.
    const plain = await burnrateJson(["simulate", HEADLINE]);
    expect(out.plans).toEqual(plain.plans);
  });

  it("keeps sampled counts around the per-user means", async () => {
    // 1,000 users x 6 opens a cycle: nearly all of them open at least once, so
    // the opens stay near 250 credits; 25 reads each is 25,000 reads, 250 credits.
    const out = JSON.parse((await fiveSamples()).stdout);
    for (const c of out.samples.plans[0].cycles.slice(0, 1)) {
      expect(Math.abs(Number(c.total.p50) - 887.5)).toBeLessThan(30);
    }
  });

  it("refuses a bad sample count and a seed without samples", async () => {
    const bad = await burnrate(["simulate", HEADLINE, "--samples", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('burnrate: error: --samples: bad sample count (expected a whole number from 1 to 10000, found "0")\n');
    const lone = await burnrate(["simulate", HEADLINE, "--seed", "3"]);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toBe("burnrate: error: --seed: --seed without --samples (expected --samples N with it, found no --samples)\n");
  });
});
