import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// new67 M2: simulate's CSV (and its sampled tables) read a plan "covers yes, money 10" that covered the scenario only with bonus credits the
// card gives no price for; the table says "+ bonus credits (no price)", the CSV now gives them in unpriced_credits.
describe("simulate --format csv on a card that sells credits at no price", () => {
  it("names the credits a cycle buys at no price, which money leaves out", async () => {
    const r = await burnrate(["simulate", join(ROOT, "fixtures/scenarios/flowly/agency.yaml"), "--compare-plans", "--format", "csv"]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = parse(r.stdout) as string[][];
    const col = (name: string) => header!.indexOf(name);
    // Since stop 71 past_zero_billed follows it (red71c L6).
    expect(header!.slice(-2)).toEqual(["unpriced_credits", "past_zero_billed"]);
    const plan = (key: string) => rows.find((row) => row[col("plan")] === key && row[col("part")] === "")!;
    // The agency's month (docs/simulate.md, Flowly; the bundled scenario's test, priced by hand): 4,410 credits. Starter
    // includes 1,000: 3,410 bonus credits, which ratecards/flowly.yaml sells at no credit_price, so money is the fee
    // alone (10 USD) and the 3,410 are what it leaves out. Pro includes 5,000: it buys none.
    expect([plan("starter")[col("topup_needed")], plan("starter")[col("money")], plan("starter")[col("unpriced_credits")]]).toEqual(["3410", "10", "3410"]);
    expect([plan("pro")[col("topup_needed")], plan("pro")[col("unpriced_credits")]]).toEqual(["0", "0"]);
    // A part's row has no purchase of its own: empty.
    expect(rows.filter((row) => row[col("part")] !== "").every((row) => row[col("unpriced_credits")] === "")).toBe(true);
  });

  it("says them in the sampled tables' titles too, where the money leaves them out", async () => {
    const r = await burnrate(["simulate", join(ROOT, "fixtures/scenarios/flowly/agency.yaml"), "--compare-plans", "--samples", "3", "--seed", "1", "--format", "markdown"]);
    expect(r.code, r.stderr).toBe(0);
    const titles = r.stdout.split("\n").filter((l) => l.includes(": money p50 "));
    // Starter's fee, 10 USD, in every sample; its bonus credits have no price. Pro's 5,000 included credits buy none.
    expect(titles.find((t) => t.startsWith("**Starter:"))).toBe("**Starter: money p50 10.00 USD, p90 10.00 USD, p99 10.00 USD + bonus credits (no price)**");
    expect(titles.find((t) => t.startsWith("**Pro:"))).toBe("**Pro: money p50 40.00 USD, p90 40.00 USD, p99 40.00 USD**");
  });
});
