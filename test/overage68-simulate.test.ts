import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer68 M2: on a card whose pool bills usage past zero (when_exhausted: overage), simulate bought top-ups for that
// usage and marked the plan without them "no: usage past zero, billed as overage" at the same money. The card bills
// that usage: the plan covers it as is. Top-ups are still a way to buy it, chosen by the money: where a card version
// raises credit_price mid-cycle, those bought at the cycle's start cost less than the overage billed later (red69b H1).
//
// Every card here: a call costs 100 credits (a flow: its calls spread over the cycle), a build 50. Solo: 1,500 credits
// for 12 USD; Free: 100 credits for nothing, selling none; Team: 5,000 credits for 40 USD; Mid: 2,000 for 20.50.
function card(o: { pools?: string; kinds?: string; head?: string } = {}): string {
  const pools = o.pools ?? "p: { label: P, when_exhausted: overage }";
  return `provider: payg
${o.head ?? 'version: "1"\ncredit_price: "0.01"'}
unit: credits
currency: USD
categories: { c: { label: Calls } }
pools: { ${pools} }
grant_kinds: { ${o.kinds ?? "included: { priority: 1, expires: cycle_end }, pack: { priority: 2, expires: never }"} }
plans:
  solo: { label: Solo, included: 1500, price: 12 }
  free: { label: Free, included: 100, price: 0, topups: false }
  team: { label: Team, included: 5000, price: 40 }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: p, price: "100" }
  build: { description: a build, aggregation: flow, category: c, pool: ${pools.includes("b:") ? "b" : "p"}, price: "50" }
`;
}

const MIXED = { pools: "p: { label: P, when_exhausted: overage }, b: { label: B, when_exhausted: block }", kinds: "included: { priority: 1, expires: cycle_end }, topup: { priority: 2, expires: never }" };

/** On the mixed card with grant kinds `kinds`, Solo over three cycles from November, with sends written "NAME: METER QUANTITY DAY" (at 09:00 UTC). */
function sentOnMixed(kinds: string, sends: readonly string[]): string {
  const lines = sends
    .map((x) => x.split(/:? /))
    .map(([name, meter, quantity, day]) => `  - { name: ${name}, meter: ${meter}, quantity: ${quantity}, at: ${day}T09:00:00Z }\n`)
    .join("");
  return folder({ "card.yaml": card({ ...MIXED, kinds }), "scn.yaml": `name: sent\ncard: card.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\nsends:\n${lines}` });
}

/** One user making `calls` calls a cycle (`growth` 100%: two users in the second cycle), and what else the scenario says. */
function scenario(o: { plan: string; calls: number; cycles?: number; growth?: boolean; billing?: string; more?: string }): string {
  return `name: payg\ncard: card.yaml\nplan: ${o.plan}\nstart: 2026-11-01\ncycles: ${o.cycles ?? 2}\ntimezone: UTC\npopulations:\n  - name: u\n    users: 1\n${o.growth ? "    growth: 100%\n" : ""}${o.billing ?? ""}    distribution: fixed\n    per_user:\n      - meter: call\n        quantity: ${o.calls}\n${o.more ?? ""}`;
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "overage68-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function json(args: string[], dir: string, stderr = "") {
  const r = await burnrate([...args, "--format", "json"], { cwd: dir });
  expect([r.code, r.stderr]).toEqual([0, stderr]);
  return JSON.parse(r.stdout);
}

async function table(args: string[], dir: string, stderr = ""): Promise<string> {
  const r = await burnrate([...args, "--format", "table"], { cwd: dir });
  expect([r.code, r.stderr]).toEqual([0, stderr]);
  return r.stdout;
}

/** What simulate says of the folder `out` it emitted, priced by these card versions: the statement's flags to replay it (newcomer70b M3). */
function versionsNote(cards: readonly string[]): string {
  return `burnrate: note: out/account.yaml names the first of the card's ${cards.length} versions: replay it with statement ${cards.map((c) => `--card "${c}"`).join(" ")} --account "out/account.yaml" --usage "out/usage.csv", or its later cycles are priced by the first version alone\n`;
}

/** The statement of what `--emit-usage out` wrote: each cycle's money, overage credits and top-ups consumed, and rows refused. */
async function billed(dir: string, cards: string[] = [], kind = "pack") {
  const st = await json(["statement", "--account", "out/account.yaml", "--usage", "out/usage.csv", ...cards.flatMap((c) => ["--card", c])], dir);
  return st.accounts[0].cycles.map((c: any) => [c.money.total, c.overage.credits ?? "0", c.grants.find((g: any) => g.kind === kind)?.consumed ?? "0", c.rejected.length]);
}

describe("simulate on a pool that bills usage past zero (newcomer68 M2)", () => {
  it("counts the plan without top-ups as covering, at its overage, with no row buying what the overage bills the same", async () => {
    const dir = folder({ "card.yaml": card(), "scn.yaml": scenario({ plan: "team", calls: 20, growth: true }) });
    const sim = await json(["simulate", "scn.yaml", "--compare-plans"], dir);
    // 2,000 credits in November, 4,000 in December (two users).
    // Solo: 12 + (2,000 - 1,500) x 0.01 = 17, then 12 + 2,500 x 0.01 = 37: 54. Packs at 0.01 cost the same: none bought.
    // Free: 1,900 x 0.01 = 19, then 3,900 x 0.01 = 39: 58. Team: 40 + 40 = 80, nothing past zero.
    expect(sim.plans.map((p: any) => [p.plan, p.rank, p.covers, p.without_topups.covers, p.money, p.topup_needed])).toEqual([
      ["team", 3, true, true, "80", "0"],
      ["solo", 1, true, true, "54", "0"],
      ["free", 2, true, true, "58", "0"],
    ]);
    expect([sim.cheapest, sim.cheapest_with_topups]).toEqual(["solo", false]);
    const solo = await table(["simulate", "scn.yaml", "--compare-plans", "--plan", "solo"], dir);
    expect(solo).toMatch(/Cheapest plan +Solo without packs, covering the scenario, at 54\.00 USD\n/);
    expect(solo).toMatch(/Money +54\.00 USD over 2 cycles, overage 30\.00 USD\n/);
    expect(solo).not.toMatch(/with packs|no: |of which/);
    // Nothing bought: nothing to buy "instead", and the note on overage names the pool's usage past zero.
    expect(solo.replace(/\s+/g, " ")).toContain('"Runs out", "Past zero" and "Refused" are for a customer who buys no packs. "Money" includes 30.00 USD of overage: usage past zero in the P pool (when_exhausted: overage), at 0.01 USD per credit, billed in money;');
  });

  it("bills the emitted usage as it quotes it: no packs bought, 17 and 37 USD of which 5 and 25 overage", async () => {
    const dir = folder({ "card.yaml": card(), "scn.yaml": scenario({ plan: "solo", calls: 20, growth: true }) });
    const sim = await json(["simulate", "scn.yaml", "--emit-usage", "out"], dir);
    expect(readFileSync(join(dir, "out", "account.yaml"), "utf8")).not.toContain("grants:");
    expect(await billed(dir)).toEqual([
      ["17", "500", "0", 0],
      ["37", "2500", "0", 0],
    ]);
    // The overage's credits are past_zero_billed; grace_used holds what went past the credits unbilled: none.
    expect(sim.plans[0].cycles.map((c: any) => [c.money, c.past_zero_billed, c.grace_used, c.topup_needed])).toEqual([
      ["17", "500", "0", "0"],
      ["37", "2500", "0", "0"],
    ]);
  });

  it("buys the top-ups where a version raising credit_price mid-cycle makes them cheaper than the overage (red69b H1)", async () => {
    const v1 = card({ head: 'version: "1"\neffective: "2026-11-01"\ncredit_price: "0.01"', ...MIXED }).replace("plans:\n", 'plans:\n  mid: { label: Mid, included: 2000, price: "20.5" }\n');
    const v2 = v1.replace('version: "1"\neffective: "2026-11-01"\ncredit_price: "0.01"', 'version: "2"\neffective: "2026-11-16"\ncredit_price: "0.02"');
    const dir = folder({ "v1.yaml": v1, "v2.yaml": v2, "scn.yaml": scenario({ plan: "solo", calls: 20 }).replace("card.yaml", "v1.yaml") });
    const cards = ["--card", "v1.yaml", "--card", "v2.yaml"];
    const out = await table(["simulate", "scn.yaml", ...cards, "--compare-plans"], dir);
    // 2,000 credits a cycle, spread over it: Solo's 1,500 are spent three quarters through November, after 2 (0.02 a
    // credit) takes over on the 16th. Without top-ups: 12 + 500 x 0.02 = 22 each cycle, 44. With them, bought at
    // November's start under 1 at 0.01: 12 + 5 = 17; December's start is under 2, where top-ups cost the overage's
    // 0.02: none bought, 22. 39 in all, below Mid's 20.50 x 2 = 41 (the reverted change named Mid); Team 80. Free,
    // each credit past its 100 at the price in force when charged: by the 16th half of November's 2,000 are spent,
    // 900 past zero at 0.01 and 1,000 at 0.02, 29; December 1,900 x 0.02 = 38: 67.
    expect(out).toMatch(/ 1 +Solo \(scenario\) +with top-ups +500\.00 +39\.00 USD +yes\n +2 +Mid +without top-ups +- +41\.00 USD +yes\n +3 +Solo \(scenario\) +without top-ups +- +44\.00 USD +yes\n +4 +Free +as is \(no top-ups sold\) +- +67\.00 USD +yes\n +5 +Team +without top-ups +- +80\.00 USD +yes\n/);
    expect(out).toMatch(/Cheapest plan +Solo with top-ups, covering the scenario, at 39\.00 USD\n/);
    expect(out).toMatch(/Money +39\.00 USD over 2 cycles, of which top-ups 5\.00 USD \(500\.00 credits\), overage 10\.00\s+USD\n/);
    // The emitted account buys November's 500 at its start, and the statement bills 17 and 22.
    await json(["simulate", "scn.yaml", ...cards, "--emit-usage", "out"], dir, versionsNote(["v1.yaml", "v2.yaml"]));
    expect(readFileSync(join(dir, "out", "account.yaml"), "utf8")).toContain('  - { kind: topup, amount: "500", at: "2026-11-01T00:00:00Z" }\n');
    expect(await billed(dir, ["v1.yaml", "v2.yaml"], "topup")).toEqual([
      ["17", "0", "500", 0],
      ["22", "500", "0", 0],
    ]);
  });

  it("buys none where a version lowers credit_price mid-cycle: the overage billed after it is the cheaper", async () => {
    const v1 = card({ head: 'version: "1"\neffective: "2026-11-01"\ncredit_price: "0.02"' });
    const v2 = v1.replace('version: "1"\neffective: "2026-11-01"\ncredit_price: "0.02"', 'version: "2"\neffective: "2026-11-16"\ncredit_price: "0.01"');
    const dir = folder({ "v1.yaml": v1, "v2.yaml": v2, "scn.yaml": scenario({ plan: "solo", calls: 20 }).replace("card.yaml", "v1.yaml") });
    const cards = ["--card", "v1.yaml", "--card", "v2.yaml"];
    // November's 500 past zero fall after the 16th: 500 x 0.01 = 5, where packs bought at its start under 1 would cost
    // 500 x 0.02 = 10. December, all at 0.01: the same either way. 17 + 17 = 34, nothing bought.
    const out = await table(["simulate", "scn.yaml", ...cards, "--compare-plans", "--plan", "solo", "--emit-usage", "out"], dir, versionsNote(["v1.yaml", "v2.yaml"]));
    expect(out).toMatch(/Money +34\.00 USD over 2 cycles, overage 10\.00 USD\n/);
    expect(out).toMatch(/ 1 +Solo \(scenario\) +without packs +- +34\.00 USD +yes\n/);
    expect(out).not.toContain("with packs");
    expect(await billed(dir, ["v1.yaml", "v2.yaml"])).toEqual([
      ["17", "500", "0", 0],
      ["17", "500", "0", 0],
    ]);
  });

  it("buys nothing where packs drawn before the included credits would be bought in a cycle that never runs out (red70a H1)", async () => {
    // Packs first (priority 1), the included credits after. November: 10 calls, 1,000 of Solo's 1,500: 12. December
    // and January: 20 calls, 500 past zero each, 12 + 5 = 17. 46 as is. Buying November's 1,000 would be drawn before
    // the included credits and bill 12 + 10 = 22 for nothing more served: the row was 56, the headline followed it.
    const kinds = "included: { priority: 2, expires: cycle_end }, pack: { priority: 1, expires: never }";
    const sends = "sends:\n  - { name: a, meter: call, quantity: 10, at: 2026-11-05T09:00:00Z }\n  - { name: b, meter: call, quantity: 20, at: 2026-12-05T09:00:00Z }\n  - { name: c, meter: call, quantity: 20, at: 2027-01-05T09:00:00Z }\n";
    const dir = folder({ "card.yaml": card({ kinds }), "scn.yaml": `name: first\ncard: card.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\n${sends}` });
    const out = await table(["simulate", "scn.yaml", "--compare-plans", "--emit-usage", "out"], dir);
    expect(out).toMatch(/Money +46\.00 USD over 3 cycles, overage 10\.00 USD\n/);
    expect(out).toMatch(/Cheapest plan +Solo without packs, covering the scenario, at 46\.00 USD\n/);
    expect(out).not.toContain("with packs");
    expect(readFileSync(join(dir, "out", "account.yaml"), "utf8")).not.toContain("grants:");
    expect(await billed(dir)).toEqual([
      ["12", "0", "0", 0],
      ["17", "500", "0", 0],
      ["17", "500", "0", 0],
    ]);
  });

  it("buys nothing where packs ending with their cycle would move a purchase to a dearer version (red70a H2)", async () => {
    // Packs end with their cycle. 20 calls a cycle, spread over it: Solo's 1,500 are spent three quarters through each.
    // Versions: 0.01 from November, 0.02 from December 1, 0.01 again from December 16. As is: November 12 + 5; December's
    // 500 past zero fall after the 16th, 12 + 5; January 12 + 5: 51. December's packs, bought at its start under the
    // 0.02 version, would be 12 + 10 = 22: the row was 56 and the headline followed it.
    const kinds = "included: { priority: 1, expires: cycle_end }, pack: { priority: 2, expires: cycle_end }";
    const v1 = card({ kinds, head: 'version: "1"\neffective: "2026-11-01"\ncredit_price: "0.01"' });
    const v2 = v1.replace('version: "1"\neffective: "2026-11-01"\ncredit_price: "0.01"', 'version: "2"\neffective: "2026-12-01"\ncredit_price: "0.02"');
    const v3 = v1.replace('version: "1"\neffective: "2026-11-01"', 'version: "3"\neffective: "2026-12-16"');
    const dir = folder({ "v1.yaml": v1, "v2.yaml": v2, "v3.yaml": v3, "scn.yaml": scenario({ plan: "solo", calls: 20, cycles: 3 }).replace("card.yaml", "v1.yaml") });
    const cards = ["--card", "v1.yaml", "--card", "v2.yaml", "--card", "v3.yaml"];
    const out = await table(["simulate", "scn.yaml", ...cards, "--compare-plans", "--emit-usage", "out"], dir, versionsNote(["v1.yaml", "v2.yaml", "v3.yaml"]));
    expect(out).toMatch(/Money +51\.00 USD over 3 cycles, overage 15\.00 USD\n/);
    expect(out).toMatch(/Cheapest plan +Solo without packs, covering the scenario, at 51\.00 USD\n/);
    expect(out).not.toContain("with packs");
    expect(await billed(dir, ["v1.yaml", "v2.yaml", "v3.yaml"])).toEqual([
      ["17", "500", "0", 0],
      ["17", "500", "0", 0],
      ["17", "500", "0", 0],
    ]);
  });

  it("buys nothing on a run where one cycle spends its credits exactly to zero (red69b M1)", async () => {
    // November: 15 calls, 1,500 credits, Solo's to the last: 12. December: 20 calls, 500 past zero: 12 + 5 = 17. 29.
    const sends = "sends:\n  - { name: calls, meter: call, quantity: 15, every: cycle on day 2 at 10:00 }\n  - { name: extra, meter: call, quantity: 5, at: 2026-12-20T10:00:00Z }\n";
    const dir = folder({ "card.yaml": card(), "scn.yaml": `name: exact\ncard: card.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 2\ntimezone: UTC\n${sends}` });
    const out = await table(["simulate", "scn.yaml", "--compare-plans", "--emit-usage", "out"], dir);
    expect(out).toMatch(/Money +29\.00 USD over 2 cycles, overage 5\.00 USD\n/);
    expect(out).toMatch(/ 1 +Solo \(scenario\) +without packs +- +29\.00 USD +yes\n/);
    expect(out).not.toContain("with packs");
    expect(readFileSync(join(dir, "out", "account.yaml"), "utf8")).not.toContain("grants:");
    expect(await billed(dir)).toEqual([
      ["12", "0", "0", 0],
      ["17", "500", "0", 0],
    ]);
  });

  it("buys only in the cycle where a blocking pool beside would refuse usage (red69b L2)", async () => {
    // 20 calls a cycle (2,000 credits) in the overage pool; on December 20 a build of 10 (500) in the blocking pool,
    // when Solo's 1,500 are gone: refused without top-ups. November and January: 500 past zero, 12 + 5 = 17, nothing
    // bought. December: 2,500, 1,000 bought at 0.01 (drawn by both pools, as the statement draws them): 12 + 10 = 22.
    const build = "sends:\n  - { name: bigbuild, meter: build, quantity: 10, at: 2026-12-20T09:00:00Z }\n";
    const dir = folder({ "card.yaml": card(MIXED), "scn.yaml": scenario({ plan: "solo", calls: 20, cycles: 3 }) + build });
    const out = await table(["simulate", "scn.yaml", "--compare-plans", "--emit-usage", "out"], dir);
    expect(out).toMatch(/Money +56\.00 USD over 3 cycles, of which top-ups 10\.00 USD \(1,000\.00 credits\), overage\s+10\.00 USD\n/);
    expect(out).toMatch(/ 1 +Solo \(scenario\) +with top-ups +1,000\.00 +56\.00 USD +yes\n/);
    // Without top-ups: 17 + (12 + 500 x 0.01, the build refused) + 17 = 51, one usage row refused.
    expect(out).toMatch(/Solo \(scenario\) +without top-ups +- +51\.00 USD +no: 1 usage row refused\n/);
    expect(await billed(dir, [], "topup")).toEqual([
      ["17", "500", "0", 0],
      ["22", "0", "1000", 0],
      ["17", "500", "0", 0],
    ]);
  });

  it("buys nothing in the cycles that never run out, where top-ups are drawn first and another cycle must buy (red70c H2)", async () => {
    // Top-ups first (priority 1), a blocking pool beside the overage pool. November: 10 calls, 1,000 of Solo's 1,500: 12.
    // December: a build of 20 (2,000) in the blocking pool, refused without top-ups; bought at December's start as
    // needed, the top-ups are drawn first and take all 2,000: 12 + 20 = 32. January as November: 12. 56, where November
    // and January bought 1,000 each for nothing (76). Buying as needed buys what the cycle draws of them: 500 bought
    // ahead, drawn after the included credits, would do for December (41); simulate does not choose amounts.
    const dir = sentOnMixed("included: { priority: 2, expires: cycle_end }, topup: { priority: 1, expires: never }", ["a: call 10 2026-11-05", "b: build 40 2026-12-05", "c: call 10 2027-01-05"]);
    const out = await table(["simulate", "scn.yaml", "--compare-plans", "--emit-usage", "out"], dir);
    expect(out).toMatch(/Money +56\.00 USD over 3 cycles, of which top-ups 20\.00 USD \(2,000\.00 credits\)\n/);
    expect(await billed(dir, [], "topup")).toEqual([
      ["12", "0", "0", 0],
      ["32", "0", "2000", 0],
      ["12", "0", "0", 0],
    ]);
  });

  it("buys top-ups that end with their cycle in each cycle that needs them, not once for the run (red70a M1)", async () => {
    // Top-ups end with their cycle. 20 calls (2,000 credits) on the 5th of each month in the overage pool; a build of
    // 10 (500) on December 6 and January 6 in the blocking pool, once Solo's 1,500 are gone. November: 12 + 500 x 0.01
    // = 17, nothing bought. December and January each buy 1,000 at their start, drawn after the included credits by the
    // calls' last 500 and the build's 500: 12 + 10 = 22. 61, nothing refused. Bought once, at December's start, the
    // grant ended with December: January's build was refused and Team (120) named the cheapest.
    const dir = sentOnMixed("included: { priority: 1, expires: cycle_end }, topup: { priority: 2, expires: cycle_end }", ["a: call 20 2026-11-05", "b: call 20 2026-12-05", "bb: build 10 2026-12-06", "c: call 20 2027-01-05", "cb: build 10 2027-01-06"]);
    const out = await table(["simulate", "scn.yaml", "--compare-plans", "--emit-usage", "out"], dir);
    expect(out).toMatch(/Money +61\.00 USD over 3 cycles, of which top-ups 20\.00 USD \(2,000\.00 credits\), overage\s+5\.00 USD\n/);
    expect(out).toMatch(/ 1 +Solo \(scenario\) +with top-ups +2,000\.00 +61\.00 USD +yes\n/);
    expect(await billed(dir, [], "topup")).toEqual([
      ["17", "500", "0", 0],
      ["22", "0", "1000", 0],
      ["22", "0", "1000", 0],
    ]);
  });

  it("names a crossing charge's usage past zero beside an overage pool as such, not grace (red69b L1)", async () => {
    // Free, 100 credits: a build of 3 (150) in a blocking pool crosses zero and is accepted (crossing: accept), 50
    // past zero billed nothing; then 2 calls (200) in the overage pool, billed 200 x 0.01 = 2.00.
    const sends = "sends:\n  - { name: b, meter: build, quantity: 3, at: 2026-11-05T09:00:00Z }\n  - { name: c, meter: call, quantity: 2, at: 2026-11-06T09:00:00Z }\n";
    const dir = folder({ "card.yaml": card({ ...MIXED, head: 'version: "1"\ncredit_price: "0.01"\ncrossing: accept' }), "scn.yaml": `name: crossing\ncard: card.yaml\nplan: free\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\n${sends}` });
    const out = await table(["simulate", "scn.yaml", "--compare-plans"], dir);
    expect(out).toMatch(/Free \(scenario\) +as is \(no top-ups sold\) +- +2\.00 USD +no: usage past zero;/);
    expect(out).not.toContain("grace used");
  });

  it("counts a user of their own account served where the pool bills their usage past zero", async () => {
    const dir = folder({ "card.yaml": card(), "scn.yaml": scenario({ plan: "solo", calls: 20, growth: true, billing: "    billing: per_user\n" }) });
    const sim = await json(["simulate", "scn.yaml", "--compare-plans"], dir);
    // Each user 2,000 credits a cycle; user 1 both cycles, user 2 December: 3 user-cycles.
    // Solo: 17 each, 51; Free: 19 each, 57; Team: 40 each, 120. No user is refused on any plan.
    const accounts = Object.fromEntries(sim.plans.filter((p: any) => p.accounts).map((p: any) => [p.plan, [p.accounts.refused, p.accounts.money.sum]]));
    expect(accounts).toEqual({ solo: [0, "51"], free: [0, "57"], team: [0, "120"] });
    expect(sim.users_cheapest).toBe("solo");
  });

  it("asks nothing of a plan whose card sells no credits but bills what goes past them", async () => {
    const dir = folder({ "card.yaml": card({ kinds: "included: { priority: 1, expires: cycle_end }" }), "scn.yaml": scenario({ plan: "solo", calls: 20, growth: true }) });
    const sim = await json(["simulate", "scn.yaml"], dir);
    expect([sim.plans[0].covers, sim.plans[0].money, sim.plans[0].cycles.map((c: any) => c.asked)]).toEqual([true, "54", [null, null]]);
  });

  it("leaves a pool that lets usage past zero unbilled (allow) falling short, as before", async () => {
    const dir = folder({ "card.yaml": card({ pools: "p: { label: P, when_exhausted: allow }" }), "scn.yaml": scenario({ plan: "solo", calls: 20, growth: true }) });
    // 12 + 12, nothing billed past zero; packs at 0.01 lift it: 500 + 2,500 = 3,000, 30 USD more.
    const out = await table(["simulate", "scn.yaml", "--compare-plans", "--plan", "solo"], dir);
    expect(out).toMatch(/Solo \(scenario\) +with packs +3,000\.00 +54\.00 USD +yes\n/);
    expect(out).toMatch(/Solo \(scenario\) +without packs +- +24\.00 USD +no: usage past zero/);
  });
});
