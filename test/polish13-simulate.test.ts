import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSchedule } from "../src/scenario/schedule.js";
import { burnrate, ROOT } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "polish13-simulate-"));
const CARD = join(ROOT, "ratecards/fliplet.yaml");

function scenario(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `card: ${CARD}\nstart: 2026-11-01\ntimezone: UTC\n${body}`);
  return file;
}

describe("simulate counts what it refuses in usage rows, and says so", () => {
  // Free: 100 credits, no top-ups, no grace, crossing: reject. 7,200 automation runs (0.15 each) over
  // November's 720 hours are one row of 10 runs an hour, 1.5 credits: 66 rows fit (99 credits), the
  // 67th (at hour 66, 3 November 18:00) would pass 100 and is refused whole, and so is every later one:
  // 720 - 66 = 654 rows, 6,540 runs.
  const file = scenario("free-runs.yaml", "plan: free\ncycles: 1\npopulations:\n  - name: bot\n    users: 1\n    dimensions: { project: portal }\n    per_user:\n      - { meter: automation_run, quantity: 7200 }\n");

  it("in the table, the comparison and JSON", async () => {
    const table = await burnrate(["simulate", file, "--format", "markdown", "--compare-plans", "--no-progress"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("| 1 | 2026-11-01 | 99.00 | 99.00% | 2026-11-03 18:00 | 0.00 | 654 rows | not sold | 0.00 USD |");
    // With its credits unlimited the month asks 7,200 runs x 0.15 = 1,080 credits, against Free's 100.
    expect(table.stdout).toContain("| Free (scenario) | as is (no top-ups sold) | - | 0.00 USD | no: 654 usage rows refused; asks up to 1,080.00 a cycle against 100.00 |");
    expect(table.stdout).not.toMatch(/\bevents? refused\b/);
    const json = JSON.parse((await burnrate(["simulate", file, "--format", "json", "--no-progress"])).stdout);
    expect(json.plans[0].cycles[0].rejected).toEqual([{ meter: "automation_run", reason: "credits exhausted", events: 654, quantity: "6540", first_at: "2026-11-03T18:00:00Z" }]);
  });

  it("in CSV, the same count", async () => {
    const csv = (await burnrate(["simulate", file, "--format", "csv", "--no-progress"])).stdout.trim().split("\n");
    const header = csv[0]!.split(",");
    expect(csv[1]!.split(",")[header.indexOf("rejected_events_without_topups")]).toBe("654");
  });
});

describe("a population that growth takes below zero users", () => {
  const body = (cycles: number) => `plan: pro\ncycles: ${cycles}\npopulations:\n  - name: member\n    users: 300\n    growth: -50\n    dimensions: { project: portal }\n    per_user:\n      - { meter: end_user_open, quantity: 1 }\n`;

  it("is held at 0, and the run says from which cycle on standard error, at the growth", async () => {
    const file = scenario("churn.yaml", body(12));
    const run = await burnrate(["simulate", file, "--format", "csv", "--no-progress"]);
    expect(run.code).toBe(0);
    // 300, 250, ..., 50 users in cycles 1 to 6 (0.25 credits each), 0 from cycle 7: 300 - 6 x 50.
    expect(run.stderr).toBe(`burnrate: warning: ${file}:9:13: population "member" has no users left from cycle 7 of 12 (300 users, -50 a cycle): the count stops at 0, so cycles 7 to 12 have none of its usage\n`);
    const totals = run.stdout.trim().split("\n").slice(1).map((l) => l.split(",")[7]);
    expect(totals).toEqual(["75", "62.5", "50", "37.5", "25", "12.5", "0", "0", "0", "0", "0", "0"]);
  });

  it("says nothing when it reaches 0 only in the last cycle", async () => {
    const run = await burnrate(["simulate", scenario("churn-7.yaml", body(7)), "--format", "csv", "--no-progress"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });
});

describe("weekday schedules at a clock's time", () => {
  it("read the hour with or without its leading zero, and a weekday name in the plural", () => {
    const monday9 = { kind: "daily", days: 1, hour: 9, minute: 0 };
    expect(parseSchedule("monday at 9:00")).toEqual(monday9);
    expect(parseSchedule("every Mondays at 09:00")).toEqual(monday9);
    expect(parseSchedule("sundays")).toEqual({ kind: "daily", days: 7, hour: 0, minute: 0 });
    expect(parseSchedule("cycle on day 3 at 7:05")).toEqual({ kind: "cycle", day: 3, hour: 7, minute: 5 });
    for (const bad of ["monday at 9", "monday at 24:00", "monday at 9:0", "mondayss", "weekdayss at 9:00"]) expect(parseSchedule(bad)).toBeUndefined();
  });

  it("`every: monday at 9:00` runs at 09:00 on each Monday of the cycle", async () => {
    const file = scenario("monday.yaml", "plan: pro\ncycles: 1\nschedules:\n  - { name: digest, meter: push, every: monday at 9:00, quantity: 50, dimensions: { project: portal, source: project } }\n");
    const emitted = join(dir, "monday-usage");
    const run = await burnrate(["simulate", file, "--format", "json", "--no-progress", "--emit-usage", emitted]);
    expect(run.code, run.stderr).toBe(0);
    // November 2026's Mondays are the 2nd, 9th, 16th, 23rd and 30th: 5 x 50 pushes at 0.02 credit.
    expect(JSON.parse(run.stdout).plans[0].cycles[0].total).toBe("5");
    const rows = readFileSync(join(emitted, "usage.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",").slice(0, 3).join(","));
    expect(rows).toEqual([2, 9, 16, 23, 30].map((d) => `2026-11-${String(d).padStart(2, "0")}T09:00:00Z,push,50`));
  });
});

describe("the per-cycle table on a terminal, with values too wide for 100 columns", () => {
  // 10,000,000 reads a cycle at 0.01 credit: 100,000.00 credits, in hourly rows of 13,888.9 reads (138.89
  // credits). On Pro (1,000 credits) the 8th row, at 07:00, is the first the credits cannot cover: 713 of
  // November's 720 rows are refused, 99,000 credits are top-ups, 9 + 990 = 999.00 USD. On Free (100 credits,
  // from cycle 2, no top-ups sold) the first row is refused at 00:00, and all 744 of December's and January's:
  // 0.00 credits, none bought, 0 USD. A Plan and a Grace used column, and credits of six digits.
  const file = scenario("wide.yaml", "plan: pro\ncycles: 3\npopulations:\n  - name: reader\n    users: 1\n    dimensions: { project: portal }\n    per_user:\n      - { meter: data_read, quantity: 10000000 }\nchanges:\n  - { cycle: 2, plan: free }\n");

  async function perCycle(columns: number): Promise<string[][]> {
    const r = await burnrate(["simulate", file, "--format", "table", "--no-color", "--no-progress"], { terminal: { columns, colors: 0 } });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const start = lines.findIndex((l) => /: per cycle$/.test(l));
    const end = lines.findIndex((l, i) => i > start && /^ {2}Total /.test(l));
    for (const line of lines.slice(start + 1, end + 1)) expect(line.length).toBeLessThanOrEqual(columns);
    return lines.slice(start + 1, end + 1).filter((l) => /^ +(\d+|Total) /.test(l)).map((l) => l.trim().split(/ {2,}/));
  }

  it("keeps each run-out on one line: without the year its row's start gives, and a share of 1,000% or more without decimals", async () => {
    expect(await perCycle(100)).toEqual([
      ["1", "2026-11-01", "Pro", "100,000.00", "10,000%", "11-01 07:00", "0.00", "713", "99,000.00", "999.00"],
      ["2", "2026-12-01", "Free", "0.00", "0.00%", "12-01 00:00", "0.00", "744", "not sold", "0.00"],
      ["3", "2027-01-01", "Free", "0.00", "0.00%", "01-01 00:00", "0.00", "744", "not sold", "0.00"],
      ["Total", "100,000.00", "99,000.00", "999.00"],
    ]);
  });

  it("writes them whole where the terminal is wide enough", async () => {
    const rows = await perCycle(160);
    expect(rows[0]).toEqual(["1", "2026-11-01", "Pro", "100,000.00", "10,000.00%", "2026-11-01 07:00", "0.00", "713", "99,000.00", "999.00"]);
    expect(rows[2]).toEqual(["3", "2027-01-01", "Free", "0.00", "0.00%", "2027-01-01 00:00", "0.00", "744", "not sold", "0.00"]);
  });
});
