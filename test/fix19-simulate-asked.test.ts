import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A plan whose credits run out, with nothing priced to buy, said "no: N usage rows refused" and nothing of how far
// short it falls (newcomer, stop 37: Flowly's Starter refusing 98% of a helpdesk copilot's usage).
function scenario(users: number, hourly = true): string {
  const dir = mkdtempSync(join(tmpdir(), "fix19-asked-"));
  const file = join(dir, "copilot.yaml");
  writeFileSync(file, `name: copilot
card: ${join(ROOT, "ratecards/flowly.yaml")}
plan: starter
start: 2027-01-01
cycles: 2
timezone: UTC
populations:
  - name: agent
    users: ${users}
    per_user:
      - meter: message
        quantity: 30
        dimensions: { server: helpdesk, model: claude-haiku-4.5, byok: "false" }
        components: { input_tokens: 1200, output_tokens: 300 }
${hourly ? `schedules:
  - name: hourly triage
    meter: message
    every: hour
    dimensions: { server: helpdesk, model: claude-haiku-4.5, byok: "false" }
    components: { input_tokens: 4000, output_tokens: 600 }
` : ""}`);
  return file;
}

describe("simulate: what a plan that falls short is asked", () => {
  it("is each cycle's usage priced with the credits unlimited, on every plan whose credits run out", async () => {
    const r = await burnrate(["simulate", scenario(100), "--compare-plans", "--format", "json"]);
    expect(r.code).toBe(0);
    const plans = JSON.parse(r.stdout).plans as { plan: string; cycles: { asked: string | null }[] }[];
    // A message: 1,200 input tokens at 0.001 and 300 output at 0.005 = 1.2 + 1.5 = 2.7 credits; the hourly run:
    // 4,000 at 0.001 + 600 at 0.005 = 7. January: 100 users x 30 x 2.7 = 8,100 + 744 hours x 7 = 5,208, 13,308;
    // February: 8,100 + 672 x 7 = 4,704, 12,804. Starter (1,000) and Pro (5,000) both run out; Flowly sells nothing.
    for (const plan of ["starter", "pro"]) expect(plans.find((p) => p.plan === plan)!.cycles.map((c) => c.asked)).toEqual(["13308", "12804"]);
    const table = await burnrate(["simulate", scenario(100), "--format", "table"]);
    // The table wraps its notes at the terminal's width: read as one line.
    expect(table.stdout.replace(/\s+/g, " ")).toContain("the usage asks 12,804.00 to 13,308.00 credits a cycle, up to 13.3 times the 1,000.00 of its allowance: what the customer would need.");
    // Flowly's bonus credits are bought beside the plan (newcomer65b H1): 13,308 - 1,000 and 12,804 - 1,000 of them.
    expect(table.stdout.replace(/\s+/g, " ")).toContain("plus 24,112.00 bonus credits, which the card does not price");
  });

  it("is not measured where the plan's credits last", async () => {
    // Ten users and no hourly run: 10 x 30 x 2.7 = 810 credits a cycle, within Starter's 1,000.
    const r = await burnrate(["simulate", scenario(10, false), "--format", "json"]);
    expect(r.code).toBe(0);
    const starter = JSON.parse(r.stdout).plans[0].cycles as { total: string; asked: string | null }[];
    expect(starter.map((c) => [c.total, c.asked])).toEqual([["810", null], ["810", null]]);
  });
});

describe("simulate bills a cycle's money as the statement does", () => {
  it("rounded once to the currency's cent: Pro at 9.995 and 3 credits of top-ups at 0.0125 is 10.03, not 10.0325", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix19-money-"));
    const card = join(dir, "card.yaml");
    writeFileSync(card, readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8").replace('credit_price: "0.01"', 'credit_price: "0.0125"').replace(/^(    price: )9( .*)$/m, "$19.995$2"));
    const file = join(dir, "reads.yaml");
    writeFileSync(file, `name: reads\ncard: ${card}\nplan: pro\nstart: 2026-11-01\ncycles: 1\npopulations:\n  - name: reader\n    users: 1\n    dimensions: { project: alpha }\n    per_user:\n      - { meter: data_read, quantity: 100300 }\n`);
    const out = JSON.parse((await burnrate(["simulate", file, "--format", "json"])).stdout);
    // 100,300 reads at 0.01 = 1,003 credits: 3 past Pro's 1,000, bought at 0.0125 = 0.0375 USD. 9.995 + 0.0375 =
    // 10.0325, half-even to the cent: 10.03.
    expect(out.plans[0].topup_needed).toBe("3");
    expect([out.plans[0].money, out.plans[0].cycles[0].money]).toEqual(["10.03", "10.03"]);
  });
});

describe("simulate refuses a daily limit keyed by no server of the scenario (red team, stop 37; newcomer58a L7)", () => {
  it("one slip from a server its items name: the limit would cap nothing, and the quote run that server's credits out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix19-limits-"));
    const file = join(dir, "agency.yaml");
    const text = readFileSync(join(ROOT, "fixtures/scenarios/flowly/agency.yaml"), "utf8");
    expect(text).toContain("daily_limits: { dental: 100 }");
    writeFileSync(file, text.replace(/^card: .*$/m, `card: ${join(ROOT, "ratecards/flowly.yaml")}`).replace("daily_limits: { dental: 100 }", "daily_limits: { Dental: 100 }"));
    const r = await burnrate(["simulate", file, "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const line = text.split("\n").findIndex((l) => l.startsWith("daily_limits:")) + 1;
    // At the entry's value: "daily_limits: { Dental: " is 24 characters.
    expect(r.stderr).toBe(`burnrate: error: ${file}:${line}:25: the daily limit for server "Dental" names no server of the scenario, which has "dental"; did you mean "dental"? (expected a server of the scenario's items ("dental"'s spending is capped by no daily limit as written), found "Dental")\n`);
    // The bundled key, written as the server is, is taken in silence; so is a key nothing is one slip from (a server the scenario does not use).
    expect((await burnrate(["simulate", join(ROOT, "fixtures/scenarios/flowly/agency.yaml"), "--format", "json"])).stderr).toBe("");
    writeFileSync(file, text.replace(/^card: .*$/m, `card: ${join(ROOT, "ratecards/flowly.yaml")}`).replace("daily_limits: { dental: 100 }", "daily_limits: { dental: 100, radiology: 50 }"));
    const other = await burnrate(["simulate", file, "--format", "json"]);
    expect([other.code, other.stderr]).toEqual([0, ""]);
    // red59 F6: a key a digit from a server (dental2), or one slip from a server with a limit of its own (Dental beside
    // dental), is another server's limit, as an account's block pasted into the scenario holds: taken as written.
    for (const limits of ["{ dental: 100, dental2: 50 }", "{ dental: 100, Dental: 50 }"]) {
      writeFileSync(file, text.replace(/^card: .*$/m, `card: ${join(ROOT, "ratecards/flowly.yaml")}`).replace("daily_limits: { dental: 100 }", `daily_limits: ${limits}`));
      const pasted = await burnrate(["simulate", file, "--format", "json"]);
      expect([pasted.code, pasted.stderr], limits).toEqual([0, ""]);
    }
  });
});

describe("simulate buys credits at the price of the card version in force (red team, stop 37)", () => {
  it("December under a version whose credit price is 0.02 buys its top-ups at 0.02, as the statement bills them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix19-versions-"));
    const text = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    const v2 = join(dir, "fliplet-2026-11b.yaml");
    writeFileSync(v2, text.replace(/^version: .*$/m, 'version: "2026-11b"').replace(/^effective: .*$/m, 'effective: "2026-11-15"').replace('credit_price: "0.01"', 'credit_price: "0.02"'));
    const file = join(dir, "reads.yaml");
    writeFileSync(file, `name: reads\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-12-01\ncycles: 1\ntimezone: UTC\nschedules:\n  - { name: sync, meter: data_read, every: hour, quantity: 3000, dimensions: { project: portal } }\n`);
    const out = JSON.parse((await burnrate(["simulate", file, "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", v2, "--format", "json"])).stdout);
    // 744 hours x 3,000 reads x 0.01 = 22,320 credits; 21,320 past Pro's 1,000, at 0.02 = 426.40; Pro's 9: 435.40.
    expect([out.plans[0].topup_needed, out.plans[0].money]).toEqual(["21320", "435.4"]);
    const table = await burnrate(["simulate", file, "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", v2, "--format", "table"]);
    expect(table.stdout).toContain("Money     435.40 USD over 1 cycle, of which top-ups 426.40 USD (21,320.00 credits)");
  });

  it("November before the switch at 0.01 and December after it at 0.02, for the account and for per-user accounts alike", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix19-versions-"));
    const text = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    const v2 = join(dir, "fliplet-2026-11b.yaml");
    writeFileSync(v2, text.replace(/^version: .*$/m, 'version: "2026-11b"').replace(/^effective: .*$/m, 'effective: "2026-11-15"').replace('credit_price: "0.01"', 'credit_price: "0.02"'));
    const cards = ["--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", v2];
    const file = join(dir, "reads.yaml");
    writeFileSync(file, `name: reads\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 2\ntimezone: UTC\nschedules:\n  - { name: sync, meter: data_read, every: hour, quantity: 3000, dimensions: { project: portal } }\n`);
    const out = JSON.parse((await burnrate(["simulate", file, ...cards, "--format", "json"])).stdout);
    // November: 720 x 3,000 x 0.01 = 21,600 credits, 20,600 bought on Nov 1 under the first version at 0.01 = 206 + 9 = 215.
    // December: 22,320 credits, 21,320 bought on Dec 1 under the version of Nov 15 at 0.02 = 426.40 + 9 = 435.40. 650.40.
    expect([out.plans[0].cycles.map((c: { money: string }) => c.money), out.plans[0].money]).toEqual([["215", "435.4"], "650.4"]);
    const table = (await burnrate(["simulate", file, ...cards, "--format", "table"])).stdout.replace(/\s+/g, " ");
    // The footer names each version's price of a credit, as each cycle bought at its own.
    expect(table).toContain("at 0.01 USD per credit, then 0.02 from 2026-11-15.");
    const users = join(dir, "users.yaml");
    writeFileSync(users, `name: users\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 2\ntimezone: UTC\npopulations:\n  - name: reader\n    users: 2\n    billing: per_user\n    dimensions: { project: portal }\n    per_user:\n      - { meter: data_read, quantity: 150000 }\n`);
    const each = JSON.parse((await burnrate(["simulate", users, ...cards, "--format", "json"])).stdout).plans[0].accounts.money;
    // Each user: 150,000 reads = 1,500 credits a cycle, 500 bought: November 9 + 5 = 14, December 9 + 10 = 19; 33 each.
    expect([each.p50, each.max, each.sum]).toEqual(["33", "33", "66"]);
  });
});

describe("simulate's headline names every card version and the plan's later terms (red team, stop 37)", () => {
  it("Pro at 1,000 credits for 9, then 1,500 for 12 from a version of Nov 15", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix19-headline-"));
    const text = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    const v2 = join(dir, "fliplet-2026-11b.yaml");
    writeFileSync(v2, text.replace(/^version: .*$/m, 'version: "2026-11b"').replace(/^effective: .*$/m, 'effective: "2026-11-15"').replace(/^(    included: )1000( .*)$/m, "$11500$2").replace(/^(    price: )9( .*)$/m, "$112$2"));
    const file = join(dir, "reads.yaml");
    writeFileSync(file, `name: reads\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\npopulations:\n  - name: reader\n    users: 1\n    dimensions: { project: alpha }\n    per_user:\n      - { meter: data_read, quantity: 100 }\n`);
    const r = await burnrate(["simulate", file, "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", v2, "--format", "table"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("  Card      fliplet 2026-11, 2026-11b from 2026-11-15 · 1 cycle from 2026-11-01 · UTC\n");
    // The facts wrap at the terminal's width: read as one line.
    expect(r.stdout.replace(/\s+/g, " ")).toContain(" Plan Pro (1,000.00 credits a cycle for 9.00 USD); 1,500.00 credits, 12.00 USD from 2026-11-15 (2026-11b) Money 12.00 USD over 1 cycle");
    // The account file --emit-usage writes names one card, and says how to give the versions again.
    const out = join(dir, "emitted");
    expect((await burnrate(["simulate", file, "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", v2, "--emit-usage", out, "--format", "json"])).code).toBe(0);
    expect(readFileSync(join(out, "account.yaml"), "utf8")).toContain(`# Priced by card versions: replay with --card ${JSON.stringify(join(ROOT, "ratecards/fliplet.yaml"))} --card ${JSON.stringify(v2)}, as card: names the first alone.\n`);
  });
});

describe("simulate sells credits as the card version in force sells them (red team, stop 37)", () => {
  it("a version from Nov 15 whose Pro sells no top-ups: November buys until the 15th, December none, as the statement of its usage bills", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix19-sold-"));
    const text = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    const v2 = join(dir, "fliplet-2026-11b.yaml");
    // Pro sells top-ups in the card as bundled (no topups: key); the later version says topups: false.
    const pro = text.indexOf("  pro:");
    const later = text.slice(0, pro) + text.slice(pro).replace(/^(    price: 9 .*)$/m, "$1\n    topups: false");
    writeFileSync(v2, later.replace(/^version: .*$/m, 'version: "2026-11b"').replace(/^effective: .*$/m, 'effective: "2026-11-15"'));
    const file = join(dir, "reads.yaml");
    writeFileSync(file, `name: reads\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 2\ntimezone: UTC\nschedules:\n  - { name: sync, meter: data_read, every: hour, quantity: 300, dimensions: { project: portal } }\n`);
    const cards = ["--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", v2];
    const r = await burnrate(["simulate", file, ...cards, "--emit-usage", join(dir, "emitted"), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    // To Nov 15: 336 hours x 300 x 0.01 = 1,008 credits, 8 bought at 0.01: 9.08. After it Pro sells none: the rest is
    // refused, and December buys nothing: 9.
    expect(JSON.parse(r.stdout).plans[0].cycles.map((c: { topup_needed: string; money: string }) => [c.topup_needed, c.money])).toEqual([["8", "9.08"], ["0", "9"]]);
    const st = await burnrate(["statement", ...cards, "--account", join(dir, "emitted", "account.yaml"), "--usage", join(dir, "emitted", "usage.csv"), "--format", "json"]);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout).accounts[0].cycles.map((c: { money: { total: string } }) => c.money.total)).toEqual(["9.08", "9"]);
  });
});

