import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, burnrate, burnrateJson, ROOT } from "./helpers/cli.js";

// A bundled scenario for every card, priced BY HAND from the card's prices
// (ratecards/*.yaml); the arithmetic is written next to each expectation.

const SCENARIOS = join(ROOT, "fixtures/scenarios");
const at = (path: string) => join(SCENARIOS, path);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const plan = (out: Json, key: string) => out.plans.find((p: Json) => p.plan === key);
const cents = (v: string) => Math.round(Number(v) * 100);

describe("bundled scenarios, one per card, priced by hand", () => {
  it("app builder: a creator's editor team on the account, 2,000 cooks and 20 power cooks on accounts of their own", async () => {
    const out = await burnrateJson(["simulate", at("appbuilder/creator-2000-users.yaml"), "--compare-plans"]);
    // Editor, per builder: expert 5 x (20,000 x 0.01 + 4,000 x 0.05 = 400) = 2,000;
    // fast 40 x (5,000 x 0.004 + 1,000 x 0.02 = 40) = 1,600; 3 builders x 3,600 = 10,800 credits.
    const standard = plan(out, "standard");
    const superPlan = plan(out, "super");
    expect(standard.cycles[0].total).toBe("10800");
    // Standard includes 2,000: 10,800 - 2,000 = 8,800 credits of packs, which the card does not price.
    expect(standard.topup_needed).toBe("8800");
    expect(standard.purchase).toEqual({ kind: "pack", price: null });
    expect(standard.money).toBe("20");
    expect(standard.without_topups.covers).toBe(false);
    // Super includes 20,000 >= 10,800: covers as is for 200 USD, the cheapest at a known price.
    expect(superPlan.without_topups).toEqual({ covers: true, money: "200" });
    expect(out.cheapest).toBe("super");
    expect(out.cheapest_with_topups).toBe(false);

    // Cooks: 30 x (1,200 x 0.002 + 400 x 0.006 = 4.8) = 144, plus 2 images x (48 + 1,000 x 0.002) = 100: 244 each.
    // Power cooks: 50 x (1,600 x 0.01 + 800 x 0.03 + 15 web search) = 50 x 55 = 2,750 each.
    // On Super all is served: 2,000 x 244 + 20 x 2,750 = 488,000 + 55,000 = 543,000; the creator's 10% is 54,300.
    // Nearest rank: p99 is the ceil(0.99 x 2,020) = 2,000th account, still a cook at 244.
    // On Standard a power cook's 2,000 credits serve 36 requests (36 x 55 = 1,980) and refuse the 14 after; the card
    // prices no pack, so none is bought, and what is refused is neither credits nor reward (stop 38: the table counted
    // them, 543,000 and 54,300, where the statement of the emitted usage credits Ana 52,760):
    // 488,000 + 20 x 1,980 = 527,600, and 10% is 52,760.
    for (const p of [standard, superPlan]) expect(p.accounts.accounts).toBe(2020);
    expect(superPlan.accounts.credits).toEqual({ sum: "543000", p50: "244", p90: "244", p99: "244", max: "2750" });
    expect(superPlan.accounts.creator_rewards).toBe("54300");
    expect(standard.accounts.credits).toEqual({ sum: "527600", p50: "244", p90: "244", p99: "244", max: "1980" });
    expect(standard.accounts.creator_rewards).toBe("52760");
    // On Standard (2,000 credits) a power cook's 37th request (2,000 / 55 = 36.4) is refused: 20 accounts run out.
    // A power cook's requests by day d (0-based) are floor(50 (d + 1) / 30): 36 by day 21, 38 by day 22 (November 23).
    expect(standard.accounts.ran_out).toBe(20);
    expect(standard.accounts.first_run_out).toBe("2026-11-23T00:00:00Z");
    expect(superPlan.accounts.ran_out).toBe(0);
    // Each account pays its plan's price: 2,020 x 20 = 40,400 USD on Standard.
    expect(standard.accounts.money.sum).toBe("40400");
  });

  it("Floopy: gateway traffic across models and providers, past Pro's quota with overage billing", async () => {
    const out = await burnrateJson(["simulate", at("floopy/team-gateway.yaml"), "--compare-plans"]);
    // A month, in cents: gpt-4o-mini/openai 30,000 x (800 x 0.000015 + 300 x 0.00006) = 360 + 540 = 900;
    // claude-sonnet-4/anthropic 20,000 x (1,500 x 0.0003 + 500 x 0.0015) = 9,000 + 15,000 = 24,000;
    // llama-3.1-70b/groq 10,000 x (1,000 x 0.000059 + 400 x 0.000079) = 590 + 316 = 906. Total 25,806 cents.
    for (const p of out.plans) for (const c of p.cycles) expect(c.total).toBe("25806");
    // Plans include no credits: 25,806 cents bought a month at 0.01 USD = 258.06 USD.
    // 60,000 requests: Pro's quota 50,000, overage 10,000 x 0.001 = 10 USD; Free's 1,000: 59,000 x 0.002 = 118 USD.
    // Pro 20 + 258.06 + 10 = 288.06; Free 0 + 258.06 + 118 = 376.06; Enterprise 500 + 258.06 = 758.06 a month.
    const pro = plan(out, "pro");
    expect(pro.cycles.map((c: Json) => [c.overage, c.money])).toEqual([["10", "288.06"], ["10", "288.06"], ["10", "288.06"]]);
    expect(cents(pro.money)).toBe(3 * 28806);
    expect(cents(plan(out, "free").money)).toBe(3 * 37606);
    expect(cents(plan(out, "enterprise").money)).toBe(3 * 75806);
    expect(out.cheapest).toBe("pro");
    expect(out.cheapest_with_topups).toBe(true);
    // Without buying credits nothing goes through: no plan covers it as is.
    for (const p of out.plans) expect(p.without_topups.covers).toBe(false);
  });

  it("Flikly: a creator team weighing Creator and Pro with add-ons against Team", async () => {
    const out = await burnrateJson(["simulate", at("flikly/creator-team.yaml"), "--compare-plans"]);
    // A month: 150 s of Runway text-to-video at 1080p x (0.5 + 0.1) = 90; split 40 min x 0.5 = 20;
    // captions 50 min x 0.2 = 10. Total 120 credits.
    for (const key of ["creator", "pro", "team"]) for (const c of plan(out, key).cycles) expect(c.total).toBe("120");
    // Add-ons a month: Creator 120 - 30 = 90, Pro 120 - 100 = 20, Team none (250 >= 120); over 2 months.
    expect(plan(out, "creator").topup_needed).toBe("180");
    expect(plan(out, "pro").topup_needed).toBe("40");
    expect(plan(out, "team").topup_needed).toBe("0");
    // The card gives add-ons no price: Team as is, 2 x 80 = 160 USD, is the cheapest at a known price.
    expect(plan(out, "pro").purchase).toEqual({ kind: "addon", price: null });
    expect(plan(out, "team").without_topups).toEqual({ covers: true, money: "160" });
    expect(out.cheapest).toBe("team");
    // Free cannot use Runway (plan-gated) and buys nothing.
    expect(plan(out, "free").covers).toBe(false);

    const table = (await burnrate(["simulate", at("flikly/creator-team.yaml"), "--compare-plans", "--format", "markdown"])).stdout;
    expect(table).toContain("The card gives no price for add-ons");
    expect(table).toMatch(/\| Pro \(scenario\) \| with add-ons \| 40\.00 \| 70\.00 USD \+ add-ons \(no price\) \| yes \|/);
    // What each falls short by, its credits unlimited: Free, Runway still gated, split 20 + captions 10 = 30 with no
    // allowance (its 5 credits are one-time); Pro the whole 120 against its 100.
    expect(table).toMatch(/\| Free \| as is \(no add-ons sold\) \| - \| 0\.00 USD \| no: \d+ usage rows refused; asks up to 30\.00 a cycle, with no allowance \|/);
    expect(table).toMatch(/\| Pro \(scenario\) \| without add-ons \| - \| 70\.00 USD \| no: \d+ usage rows refused; asks up to 120\.00 a cycle against 100\.00 \|/);
  });

  it("Flowly: an agency's assistant servers with a daily limit and a bring-your-own-key server", async () => {
    const out = await burnrateJson(["simulate", at("flowly/agency.yaml"), "--compare-plans"]);
    // Bakery: haiku, 24 messages a day x (1,000 x 0.001 + 200 x 0.005 = 2) = 48 a day, 30 days = 1,440.
    // Dental: sonnet, 3,000 x 0.003 + 500 x 0.015 = 16.5 a message; the 100-credit daily limit lets 6 through
    // (99), refusing 18 a day: 30 x 99 = 2,970, 540 refused. Agency (byok): 0. Total 4,410 credits.
    const pro = plan(out, "pro");
    expect(pro.cycles[0].total).toBe("4410");
    const daily = pro.cycles[0].rejected.find((r: Json) => r.reason.startsWith("daily limit"));
    expect(daily.events).toBe(540);
    // Pro's 5,000 credits cover it (the daily limit is the agency's own); Starter's 1,000 do not, but with 4,410 - 1,000
    // = 3,410 of Flowly's bonus credits, which the card gives no price, so Pro is the cheapest at a known price.
    expect(pro.covers).toBe(true);
    const starter = plan(out, "starter");
    expect(starter.without_topups.covers).toBe(false);
    expect([starter.covers, starter.cycles[0].topup_needed, starter.purchase]).toEqual([true, "3410", { kind: "bonus", price: null }]);
    expect(out.cheapest).toBe("pro");
    expect(pro.money).toBe("40");
  });

  it("Fliplet: a field team's app, topped up on Pro", async () => {
    const out = await burnrateJson(["simulate", at("fliplet/field-team.yaml"), "--compare-plans"]);
    // Run, a month: 300 users x 0.25 = 75; reads 300 x 40 x 0.01 = 120; writes 300 x 6 x 0.05 = 90;
    // AI 300 x (10,000 x 0.0002 + 2,000 x 0.0008) = 300 x 3.6 = 1,080. Build: project 0.5, iOS and Android
    // privately 2 x (3 + 2) = 10. Total 1,375.5; Pro includes 1,000: 375.5 top-up credits a month.
    const pro = plan(out, "pro");
    for (const c of pro.cycles) expect([c.total, c.topup_needed]).toEqual(["1375.5", "375.5"]);
    // Money: each month 9 + 375.5 x 0.01 = 12.755, billed as the statement bills it, rounded once to the cent
    // (half-even: 12.76); 3 x 12.76 = 38.28 USD. Without top-ups Pro refuses events.
    expect(pro.money).toBe("38.28");
    expect(pro.without_topups).toEqual({ covers: false, money: "27" });
    expect(out.cheapest).toBe("pro");
    expect(out.cheapest_with_topups).toBe(true);
  });
});

describe("components in scenarios", () => {
  const card = join(ROOT, "ratecards/appbuilder.yaml");
  const write = (body: string) => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-components-"));
    const file = join(dir, "s.yaml");
    writeFileSync(file, `card: ${JSON.stringify(card)}\nplan: standard\nstart: 2026-11-01\ncycles: 1\n${body}`);
    return file;
  };

  /** The population every case here prices: app users of one creator, each with the items that follow. */
  const visitors = (users: number) => ["populations:", "  - name: visitor", `    users: ${users}`, "    dimensions: { app: recipes, creator: ana, tier: standard }", "    per_user:"];

  it("prices a token-priced scenario exactly", async () => {
    const file = write([
      ...visitors(2000),
      "      - { meter: app_request, quantity: 30, components: { input_tokens: 1200, output_tokens: 400 } }",
      "",
    ].join("\n"));
    const out = await burnrateJson(["simulate", file]);
    // 2,000 x 30 x (1,200 x 0.002 + 400 x 0.006 = 4.8) = 288,000 credits; Standard's 2,000 run out.
    expect(out.plans[0].cycles[0].total).toBe("288000");
    expect(out.plans[0].topup_needed).toBe("286000");
  });

  describe("a component drawn under --samples", () => {
    // 100 users, each exactly 10 requests (distribution: fixed), 1,000 requests:
    // output 1,000 x 500 x 0.006 = 3,000 credits; input at its mean
    // 1,000 x 1,000 x 0.002 = 2,000 credits; 5,000 in all.
    const scenario = (input: string) => write([
      "populations:",
      "  - name: visitor",
      "    users: 100",
      "    distribution: fixed",
      "    dimensions: { app: recipes, creator: ana, tier: standard }",
      "    per_user:",
      `      - { meter: app_request, quantity: 10, components: { input_tokens: ${input}, output_tokens: 500 } }`,
      "",
    ].join("\n"));

    it("prices its mean without --samples", async () => {
      const out = await burnrateJson(["simulate", scenario("{ mean: 1000, distribution: poisson }")]);
      expect(out.plans[0].cycles[0].total).toBe("5000");
    });

    it("is the mean in every sample when its distribution is fixed", async () => {
      const out = await burnrateJson(["simulate", scenario("{ mean: 1000, distribution: fixed }"), "--samples", "5", "--seed", "3"]);
      expect(out.samples.plans[0].cycles[0].total).toMatchObject({ p50: "5000", p90: "5000" });
    });

    it("varies the cost across samples around the mean (poisson by default)", async () => {
      const out = await burnrateJson(["simulate", scenario("{ mean: 1000 }"), "--samples", "9", "--seed", "3"]);
      const total = out.samples.plans[0].cycles[0].total;
      // Only the input tokens vary: 1,000,000 in all, Poisson, sd 1,000 tokens = 2 credits.
      expect(Number(total.p90)).toBeGreaterThan(Number(total.p50));
      expect(Math.abs(Number(total.p50) - 5000)).toBeLessThan(20);
    });

    it("draws a geometric component at one level a row, still around its mean", async () => {
      const out = await burnrateJson(["simulate", scenario("{ mean: 1000, distribution: geometric }"), "--samples", "9", "--seed", "3"]);
      const total = out.samples.plans[0].cycles[0].total;
      // 720 hourly rows of about 1,389 tokens each at an exponential level: sd about 37,000 tokens, 75 credits.
      expect(Number(total.p90)).toBeGreaterThan(Number(total.p50));
      expect(Math.abs(Number(total.p50) - 5000)).toBeLessThan(400);
    });
  });

  it("refuses an item whose meter prices components it does not give, at its line and column", async () => {
    const file = write([
      ...visitors(2000),
      "      - { meter: app_request, quantity: 30 }",
      "      - { meter: app_request, quantity: 30, components: { input_tokens: 1200 } }",
      "      - { meter: web_extraction, quantity: 3, components: { input_tokens: 10 } }",
      "",
    ].join("\n"));
    const run = binary(["simulate", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:10:9: meter "app_request" is priced on input_tokens and output_tokens per event, and this item gives no input_tokens or output_tokens: it would cost nothing (expected components: { input_tokens: N, output_tokens: N } on this item`);
    expect(run.stderr).toContain(`${file}:11:57: meter "app_request" is priced on input_tokens and output_tokens per event, and this item gives no output_tokens: its output_tokens would cost nothing (expected`);
    expect(run.stderr).toContain(`${file}:12:75: meter "web_extraction" has no component "input_tokens"`);
  });

  it("lets a bring-your-own-key item leave its components out: it costs nothing by the card, not by omission", async () => {
    const file = write("").replace(/s\.yaml$/, "byok.yaml");
    writeFileSync(file, [
      `card: ${JSON.stringify(join(ROOT, "ratecards/flowly.yaml"))}`,
      "plan: pro",
      "start: 2026-11-01",
      "cycles: 1",
      "schedules:",
      "  - { meter: message, every: hour, dimensions: { server: own, model: kimi-k2.5, byok: \"true\" } }",
      "  - { meter: message, every: hour, dimensions: { server: client, model: kimi-k2.5, byok: \"false\" } }",
      "",
    ].join("\n"));
    const run = binary(["simulate", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:7:5: meter "message" is priced on input_tokens and output_tokens`);
    expect(run.stderr).not.toContain(":6:5:");
  });
});

/** Every bundled scenario: fixtures/scenarios/<card>/. */
function bundled(): string[] {
  const cards = ["appbuilder", "fliplet", "floopy", "flikly", "flowly"];
  return cards.flatMap((card) => readdirSync(join(SCENARIOS, card)).filter((f) => f.endsWith(".yaml")).map((f) => join(SCENARIOS, card, f))).sort();
}

describe("every bundled scenario", () => {
  it("has one for every card", () => {
    for (const card of ["appbuilder", "fliplet", "floopy", "flikly", "flowly"]) expect(readdirSync(join(SCENARIOS, card)).filter((f) => f.endsWith(".yaml")).length).toBeGreaterThan(0);
  });

  // In process: the files and totals are what is tested, not the process (the emitted logs are under 8 MB).
  it.each(bundled())("%s: --emit-usage output is accepted by statement, with simulate's totals", async (file) => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-emit-"));
    const sim = await burnrate(["simulate", file, "--emit-usage", dir, "--format", "json"]);
    expect(sim.code).toBe(0);
    const simulated = JSON.parse(sim.stdout).plans[0].cycles.map((c: Json) => c.total);
    const st = await burnrate(["statement", "--usage", join(dir, "usage.csv"), "--account", join(dir, "account.yaml"), "--format", "json"]);
    expect(st.stderr).toBe("");
    expect(st.code).toBe(0);
    const own = JSON.parse(st.stdout).accounts.find((a: Json) => a.account === "default");
    expect(own.cycles.map((c: Json) => c.total)).toEqual(simulated);
  });

  it.each(bundled())("%s: every table fits 100 columns, and a wider terminal's width", async (file) => {
    const narrow = await burnrate(["simulate", file, "--compare-plans", "--format", "table"]);
    expect(narrow.code).toBe(0);
    for (const line of narrow.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    const wide = await burnrate(["simulate", file, "--compare-plans", "--format", "table", "--no-color"], { terminal: { columns: 160, colors: 2 } });
    for (const line of wide.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(160);
  });

  it("never says a plan covers the scenario in a row that refuses events", async () => {
    for (const file of bundled()) {
      const md = (await burnrate(["simulate", file, "--compare-plans", "--format", "markdown"])).stdout;
      for (const row of md.split("\n").filter((l) => /^\| \d+ \|/.test(l))) expect(row.includes("refused") && /\| yes \|$/.test(row)).toBe(false);
    }
  });
});
