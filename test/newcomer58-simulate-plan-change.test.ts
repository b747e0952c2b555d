import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer58a M2: a scenario that upgrades kept its first plan's key on every CSV row of its series, so that a pivot
// by plan read Free at Pro's allowance and fee. Fliplet's Free: 100 credits, 0 USD; Pro: 1,000 credits, 9 USD.
function scenario(): string {
  const dir = mkdtempSync(join(tmpdir(), "newcomer58-"));
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, `name: upgrade\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: free\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\nschedules:\n  - { name: sync, meter: automation_run, every: day, dimensions: { project: portal } }\nchanges:\n  - { cycle: 2, plan: pro }\n`);
  return file;
}

describe("simulate's CSV of a scenario that changes plan", () => {
  it("names the plan in force of each cycle in cycle_plan, beside the series' plan", async () => {
    const run = await burnrate(["simulate", scenario(), "--compare-plans", "--format", "csv"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const [head, ...rows] = run.stdout.trim().split(/\r?\n/).map((l) => l.split(","));
    const col = (name: string) => head!.indexOf(name);
    const own = rows.filter((r) => r[col("scenario")] === "yes" && r[col("part")] === "");
    expect(own.map((r) => [r[col("plan")], r[col("cycle_start")], r[col("cycle_plan")], r[col("allowance")]])).toEqual([
      ["free", "2026-11-01T00:00:00Z", "free", "100"],
      ["free", "2026-12-01T00:00:00Z", "pro", "1000"],
      ["free", "2027-01-01T00:00:00Z", "pro", "1000"],
    ]);
    // The plans compared plain keep theirs on every cycle.
    const plainPro = rows.filter((r) => r[col("plan")] === "pro" && r[col("scenario")] === "no");
    expect(plainPro.map((r) => r[col("cycle_plan")])).toEqual(["pro", "pro", "pro"]);
  });
});

// newcomer58a M1: the rows that cover the scenario with add-ons of no price are ranked by the money known beside them,
// as docs/simulate.md says; they were left in the card's order (Creator at 30 USD, Pro at 70, then Custom at 0).
describe("--compare-plans' rows with add-ons of no price", () => {
  it("rank by their known money: Custom 0, Creator 2 x 15 = 30, Pro 2 x 35 = 70, after Team's 160 at a known price", async () => {
    const run = await burnrate(["simulate", join(ROOT, "fixtures/scenarios/flikly/creator-team.yaml"), "--compare-plans", "--format", "markdown"]);
    expect(run.code).toBe(0);
    const ranked = run.stdout.split("\n").filter((l) => /^\| [1-4] \| /.test(l) && l.includes(" USD")).slice(0, 4).map((l) => l.split(" | ").slice(1, 3).join(" "));
    expect(ranked).toEqual(["Team without add-ons", "Custom with add-ons", "Creator with add-ons", "Pro (scenario) with add-ons"]);
  });
});

// newcomer58a M3: the parts of a scenario that moves from Creator to Team were priced on Creator alone, whose gate
// refuses veo: in the cycles wholly on Team they came to 141 and 160 against the cycles' 196 and 226.
describe("what each part comes to, in a scenario that changes plan", () => {
  it("is priced on the plan in force: in the cycles wholly on Team the parts add up to the cycle's credits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer58-"));
    const file = join(dir, "agency.yaml");
    writeFileSync(file, `name: agency\ncard: ${join(ROOT, "ratecards/flikly.yaml")}\nplan: creator\nstart: 2026-11-10\ncycles: 4\ntimezone: Europe/Paris\npopulations:\n  - name: editor\n    users: 3\n    growth: +1\n    per_user:\n      - { meter: generate, quantity: 40, dimensions: { workflow: text_to_video, model: luma, resolution: 1080p } }\n      - { meter: generate, quantity: 10, dimensions: { workflow: image_to_video, model: veo, resolution: 4k } }\n      - { meter: caption, quantity: 30, dimensions: { workflow: captions } }\nschedules:\n  - { name: daily teaser, meter: generate, every: day at 07:00, quantity: 5, dimensions: { workflow: text_to_video, model: pika, resolution: 720p } }\nchanges:\n  - { at: 2026-12-25, plan: team }\n`);
    const run = await burnrate(["simulate", file, "--format", "json"]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const cycles = out.plans[0].cycles as { plan: string; total: string }[];
    const parts = out.parts as { cycles: string[] }[];
    const partsOf = (i: number) => parts.reduce((sum, p) => sum + Number(p.cycles[i]), 0);
    expect(cycles.map((c) => c.plan)).toEqual(["creator", "team", "team", "team"]);
    // The credits here are whole numbers of a few hundred (196 and 226): their sums are exact as numbers.
    for (const i of [2, 3]) expect(partsOf(i)).toBe(Number(cycles[i]!.total));
  });
});

// red58b F6: where an upgrade starts a new cycle, the account's own cycles are not the scenario's: the parts were priced
// on the plan of the account's cycle of the same number (Creator's on Team and the other way round).
describe("what each part comes to, where an upgrade starts a new cycle", () => {
  it("is priced on the plan the account is on at the end of each of the scenario's cycles: veo refused on Creator, priced on Team and Pro", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer58-"));
    const card = join(dir, "flikly.yaml");
    const text = readFileSync(join(ROOT, "ratecards/flikly.yaml"), "utf8");
    const anchor = "\nplans:\n";
    expect(text).toContain(anchor);
    writeFileSync(card, text.replace(anchor, "\nplan_changes: { upgrade: new_cycle, downgrade: at_once }\nplans:\n"));
    const file = join(dir, "several.yaml");
    writeFileSync(file, `name: several\ncard: ${card}\nplan: creator\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\npopulations:\n  - name: editor\n    users: 1\n    per_user:\n      - { meter: generate, quantity: 10, dimensions: { workflow: text_to_video, model: veo, resolution: 720p } }\nschedules:\n  - { name: pika daily, meter: generate, every: day, quantity: 1, dimensions: { workflow: text_to_video, model: pika, resolution: 720p } }\nchanges:\n  - { at: 2026-11-10T00:00:00Z, plan: team }\n  - { at: 2026-12-10T00:00:00Z, plan: creator }\n  - { cycle: 3, plan: pro }\n`);
    const json = await burnrate(["simulate", file, "--format", "json"]);
    expect(json.code, json.stderr).toBe(0);
    const editor = (JSON.parse(json.stdout).parts as { name: string; cycles: string[] }[]).find((p) => p.name === "editor")!;
    // November ends on Team, December on Creator (whose gate refuses veo), January on Pro.
    expect(editor.cycles.map((c) => Number(c) > 0)).toEqual([true, false, true]);
    const csv = await burnrate(["simulate", file, "--format", "csv"]);
    const [head, ...rows] = csv.stdout.trim().split(/\r?\n/).map((l) => l.split(","));
    const col = (name: string) => head!.indexOf(name);
    const parts = rows.filter((r) => r[col("part")] === "editor").map((r) => [r[col("cycle_start")], r[col("cycle_end")], r[col("cycle_plan")]]);
    expect(parts).toEqual([
      ["2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "team"],
      ["2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z", "creator"],
      ["2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", "pro"],
    ]);
  });
});

// newcomer58a L5: a card whose pools all block showed a "Grace used" column of zeros.
describe("the per-cycle table of a card whose pools all block", () => {
  it("has no column of what went past the credits, where Fliplet's (a grace pool) keeps it", async () => {
    const flowly = await burnrate(["simulate", join(ROOT, "fixtures/scenarios/flowly/agency.yaml"), "--format", "markdown"]);
    expect(flowly.code).toBe(0);
    expect(flowly.stdout).toContain("| Cycle | Start |");
    expect(flowly.stdout).not.toMatch(/Grace used|Past zero/);
    const fliplet = await burnrate(["simulate", join(ROOT, "fixtures/scenarios/fliplet/headline.yaml"), "--format", "markdown"]);
    expect(fliplet.stdout).toContain("| Grace used |");
  });
});
