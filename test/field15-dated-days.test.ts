import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Finding 6 of the fifteenth field report: OpenRouter's activity export has one row a day (`date`),
// read at 00:00 UTC by the layout; under America/New_York, November starts at 04:00 UTC, so the rows
// of November 1st are October's. The figures keep the documented rule; a note names the day.
// Floopy's card, cents a token: gpt-4o in 0.00025, out 0.001; claude-sonnet-4 in 0.0003, out 0.0015.

const HEADER = "date,model,provider_name,requests,prompt_tokens,completion_tokens\n";
const ROWS = "2026-10-31,gpt-4o,openai,10,10000,2000\n2026-11-01,gpt-4o,openai,20,20000,4000\n2026-11-01,claude-sonnet-4,anthropic,5,5000,1000\n";

function setup(zone: string, rows = ROWS, mapping?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field15-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: nyc\nplan: pro\nanchor: 2026-10-01\ntimezone: ${zone}\ngrants:\n  - { kind: purchase, amount: 5000, at: 2026-10-01 }\n`);
  writeFileSync(join(dir, "activity.csv"), HEADER + rows);
  if (mapping !== undefined) writeFileSync(join(dir, "activity.csv.mapping.yaml"), mapping);
  return dir;
}

async function run(dir: string) {
  const out = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--layout", "openrouter", "--usage", join(dir, "activity.csv"), "--format", "json"]);
  expect(out.code, out.stderr).toBe(0);
  const totals = (JSON.parse(out.stdout).accounts[0].cycles as { total: string }[]).map((c) => c.total);
  return { totals, stderr: out.stderr };
}

describe("dated rows read at UTC midnight under an account zone", () => {
  it("names the file, the day and timestamp_zone:, the figures unchanged", async () => {
    const dir = setup("America/New_York");
    const { totals, stderr } = await run(dir);
    // October 31st: 10000 x 0.00025 + 2000 x 0.001 = 4.5; November 1st: 20000 x 0.00025 + 4000 x 0.001 = 9,
    // and 5000 x 0.0003 + 1000 x 0.0015 = 3: all 16.5 in October's cycle, as the layout's UTC reads them.
    expect(totals).toEqual(["16.5"]);
    expect(stderr).toBe(`burnrate: note: ${join(dir, "activity.csv")}: its timestamps are dates without a time, read at midnight UTC (timestamp_zone: UTC), and a cycle boundary of America/New_York falls inside a day of it, whose rows are all counted in the cycle before: 2026-11-01 (read as 2026-11-01T00:00:00Z; the cycle starts 2026-11-01 00:00); timestamp_zone: "America/New_York" in the file's usage mapping reads the dates as the account's days\n`);
  });

  it("timestamp_zone: of the account's zone reads the days as its own: no note, November's rows in November", async () => {
    const { totals, stderr } = await run(setup("America/New_York", ROWS, "timestamp_zone: America/New_York\n"));
    expect(totals).toEqual(["4.5", "12"]);
    expect(stderr).toBe("");
  });

  it("says nothing for an account in UTC, nor for days no boundary falls inside", async () => {
    expect((await run(setup("UTC"))).stderr).toBe("");
    expect((await run(setup("America/New_York", "2026-10-30,gpt-4o,openai,10,10000,2000\n2026-10-31,gpt-4o,openai,10,10000,2000\n"))).stderr).toBe("");
  });

  it("says nothing for timestamps with a time", async () => {
    const { stderr } = await run(setup("America/New_York", "2026-11-01T00:00:00Z,gpt-4o,openai,10,10000,2000\n"));
    expect(stderr).toBe("");
  });
});
