import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer68 M2: on a card whose pool bills usage past zero (when_exhausted: overage), simulate bought packs for that
// usage and marked the plan without them "no: usage past zero, billed as overage" at the same money. The card bills
// that usage: the plan covers it, its overage is money, and no pack needs buying for it.
//
// Every card here: a call costs 100 credits, a credit past zero is billed at 0.01 USD. Solo: 1,500 credits for 12 USD;
// Free: 100 credits for nothing, selling no packs; Team: 5,000 credits for 40 USD.
function card(pools = "p: { label: P, when_exhausted: overage }", kinds = "included: { priority: 1, expires: cycle_end }, pack: { priority: 2, expires: never }"): string {
  return `provider: payg
version: "1"
unit: credits
currency: USD
credit_price: "0.01"
categories: { c: { label: Calls } }
pools: { ${pools} }
grant_kinds: { ${kinds} }
plans:
  solo: { label: Solo, included: 1500, price: 12 }
  free: { label: Free, included: 100, price: 0, topups: false }
  team: { label: Team, included: 5000, price: 40 }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: p, price: "100" }
  build: { description: a build, aggregation: flow, category: c, pool: ${pools.includes("b:") ? "b" : "p"}, price: "50" }
`;
}

/** One user in November, two in December (growth 100%), each making `calls` calls (and `builds` builds) a cycle. */
function scenario(o: { plan: string; billing?: string; calls: number; builds?: number }): string {
  const builds = o.builds === undefined ? "" : `      - meter: build\n        quantity: ${o.builds}\n`;
  return `name: payg\ncard: card.yaml\nplan: ${o.plan}\nstart: 2026-11-01\ncycles: 2\ntimezone: UTC\npopulations:\n  - name: u\n    users: 1\n    growth: 100%\n${o.billing ?? ""}    distribution: fixed\n    per_user:\n      - meter: call\n        quantity: ${o.calls}\n${builds}`;
}

function folder(cardText: string, scenarioText: string): string {
  const dir = mkdtempSync(join(tmpdir(), "overage68-"));
  writeFileSync(join(dir, "card.yaml"), cardText);
  writeFileSync(join(dir, "scn.yaml"), scenarioText);
  return dir;
}

async function json(args: string[], dir: string) {
  const r = await burnrate([...args, "--format", "json"], { cwd: dir });
  expect([r.code, r.stderr]).toEqual([0, ""]);
  return JSON.parse(r.stdout);
}

describe("simulate on a pool that bills usage past zero (newcomer68 M2)", () => {
  it("ranks every plan as covering, with the usage past zero as overage money and no packs", async () => {
    const dir = folder(card(), scenario({ plan: "team", calls: 20 }));
    const sim = await json(["simulate", "scn.yaml", "--compare-plans"], dir);
    // 2,000 credits in November, 4,000 in December.
    // Solo: 12 + (2,000 - 1,500) x 0.01 = 17, then 12 + 2,500 x 0.01 = 37: 54.
    // Free: 1,900 x 0.01 = 19, then 3,900 x 0.01 = 39: 58. Team: 40 + 40 = 80, nothing past zero.
    const plans = Object.fromEntries(sim.plans.map((p: any) => [p.plan, p]));
    expect(sim.plans.map((p: any) => [p.plan, p.rank, p.covers, p.without_topups.covers, p.money, p.topup_needed])).toEqual([
      ["team", 3, true, true, "80", "0"],
      ["solo", 1, true, true, "54", "0"],
      ["free", 2, true, true, "58", "0"],
    ]);
    expect([sim.cheapest, sim.cheapest_with_topups]).toEqual(["solo", false]);
    expect(plans.solo.cycles.map((c: any) => [c.grace_used, c.overage, c.topup_needed, c.money, c.asked])).toEqual([
      ["500", "5", "0", "17", null],
      ["2500", "25", "0", "37", null],
    ]);
    const table = await burnrate(["simulate", "scn.yaml", "--compare-plans", "--plan", "solo", "--format", "table"], { cwd: dir });
    expect(table.stdout).toMatch(/Cheapest plan +Solo without packs, covering the scenario, at 54\.00 USD\n/);
    expect(table.stdout).toMatch(/Money +54\.00 USD over 2 cycles, overage 30\.00 USD\n/);
    expect(table.stdout).not.toMatch(/with packs|no: /);
    expect(table.stdout.replace(/\s+/g, " ")).toContain('"Money" includes 30.00 USD of overage: usage past zero in the P pool (when_exhausted: overage), at 0.01 USD per credit, billed in money: the card bills it, so no packs need buying for it.');
  });

  it("quotes what statement bills on the usage and account --emit-usage writes: no packs bought, 17 and 37 USD of which 5 and 25 overage", async () => {
    const dir = folder(card(), scenario({ plan: "solo", calls: 20 }));
    const sim = await json(["simulate", "scn.yaml", "--emit-usage", "out"], dir);
    expect(readFileSync(join(dir, "out", "account.yaml"), "utf8")).not.toContain("grants:");
    const st = await json(["statement", "--account", "out/account.yaml", "--usage", "out/usage.csv"], dir);
    const billed = st.accounts[0].cycles.map((c: any) => [c.total, c.money.total, c.overage.amount, c.overage.credits, c.rejected.length]);
    expect(billed).toEqual([
      ["2000", "17", "5", "500", 0],
      ["4000", "37", "25", "2500", 0],
    ]);
    expect(sim.plans[0].cycles.map((c: any) => [c.total, c.money, c.overage, c.grace_used, 0])).toEqual(billed.map(([total, money, overage, credits]: string[]) => [total, money, overage, credits, 0]));
  });

  it("still buys where another pool blocks: the credits bought serve both pools, at the money statement bills", async () => {
    // November: 20 calls (2,000) and 10 builds (500) in a blocking pool, 1,000 past Solo's 1,500: bought, 12 + 10 = 22.
    // December, two users: 5,000, 3,500 bought: 12 + 35 = 47.
    const dir = folder(card("p: { label: P, when_exhausted: overage }, b: { label: B, when_exhausted: block }", "included: { priority: 1, expires: cycle_end }, topup: { priority: 2, expires: never }"), scenario({ plan: "solo", calls: 20, builds: 10 }));
    const sim = await json(["simulate", "scn.yaml", "--emit-usage", "out"], dir);
    const solo = sim.plans[0];
    expect([solo.covers, solo.without_topups.covers, solo.money, solo.topup_needed]).toEqual([true, false, "69", "4500"]);
    const st = await json(["statement", "--account", "out/account.yaml", "--usage", "out/usage.csv"], dir);
    expect(st.accounts[0].cycles.map((c: any) => [c.money.total, c.grants.find((g: any) => g.kind === "topup").consumed, c.rejected.length])).toEqual([
      ["22", "1000", 0],
      ["47", "3500", 0],
    ]);
  });

  it("counts a user of their own account served where the pool bills their usage past zero", async () => {
    const dir = folder(card(), scenario({ plan: "solo", calls: 20, billing: "    billing: per_user\n" }));
    const sim = await json(["simulate", "scn.yaml", "--compare-plans"], dir);
    // Each user 2,000 credits a cycle; user 1 both cycles, user 2 December: 3 user-cycles.
    // Solo: 17 each, 51; Free: 19 each, 57; Team: 40 each, 120. No user is refused on any plan.
    const accounts = Object.fromEntries(sim.plans.filter((p: any) => p.accounts).map((p: any) => [p.plan, [p.accounts.refused, p.accounts.money.sum]]));
    expect(accounts).toEqual({ solo: [0, "51"], free: [0, "57"], team: [0, "120"] });
    expect(sim.users_cheapest).toBe("solo");
  });

  it("asks nothing of a plan whose card sells no credits but bills what goes past them", async () => {
    const dir = folder(card(undefined, "included: { priority: 1, expires: cycle_end }"), scenario({ plan: "solo", calls: 20 }));
    const sim = await json(["simulate", "scn.yaml"], dir);
    expect([sim.plans[0].covers, sim.plans[0].money, sim.plans[0].cycles.map((c: any) => c.asked)]).toEqual([true, "54", [null, null]]);
  });

  it("leaves a pool that lets usage past zero unbilled (allow) falling short, as before", async () => {
    const dir = folder(card("p: { label: P, when_exhausted: allow }"), scenario({ plan: "solo", calls: 20 }));
    const r = await burnrate(["simulate", "scn.yaml", "--compare-plans", "--format", "table"], { cwd: dir });
    expect(r.code).toBe(0);
    // 12 + 12, nothing billed past zero.
    expect(r.stdout).toMatch(/Solo \(scenario\) +without packs +- +24\.00 USD +no: usage past zero/);
  });
});
