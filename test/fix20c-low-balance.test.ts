import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Flowly Starter (1,000 credits a cycle), low_balance 150, a bonus of 100 on Nov 10; claude-haiku-4.5 input tokens
// cost 0.001 credits each, so 1,000 tokens are 1 credit (red team, stop 38: one alert a cycle, though the bonus had
// lifted the balance back above the level before it fell below again).
const ACCOUNT = `card: ${join(ROOT, "ratecards/flowly.yaml")}\naccount: ws\nplan: starter\nanchor: 2026-11-01\ntimezone: UTC\nlow_balance: 150\ngrants:\n  - { kind: bonus, amount: 100, at: "2026-11-10T00:00:00Z" }\n`;
const row = (at: string, tokens: number) => `${at},message,s1,claude-haiku-4.5,false,${tokens},0`;

async function alerts(rows: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20c-low-"));
  writeFileSync(join(dir, "account.yaml"), ACCOUNT);
  writeFileSync(join(dir, "u.csv"), `timestamp,meter,server,model,byok,input_tokens,output_tokens\n${rows.join("\n")}\n`);
  const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"]);
  expect(r.code, r.stderr).toBe(0);
  const cycles = JSON.parse(r.stdout).accounts[0].cycles as { start: string; alerts: { kind: string; at: string }[] }[];
  return cycles.flatMap((c) => c.alerts.filter((a) => a.kind === "low_balance").map((a) => a.at));
}

describe("the low-balance alert, each time the balance falls below the level (red team, stop 38)", () => {
  it("alerts again after a purchase lifts the balance above the level and it falls below again", async () => {
    // Nov 2: 1,000 - 900 = 100 < 150, alert. Nov 9: 100 - 10 = 90, still below: no second alert. Nov 10: bonus, 190.
    // Nov 11: 190 - 10 = 180, above. Nov 12: 180 - 100 = 80 < 150: alert again. Dec 2: 1,000 + 80 - 900 = 180: none.
    expect(await alerts([
      row("2026-11-02T00:00:00Z", 900_000), row("2026-11-09T00:00:00Z", 10_000), row("2026-11-11T00:00:00Z", 10_000),
      row("2026-11-12T00:00:00Z", 100_000), row("2026-12-02T00:00:00Z", 900_000),
    ])).toEqual(["2026-11-02T00:00:00Z", "2026-11-12T00:00:00Z"]);
  });

  it("on a long run of small rows (the known path) the second alert comes at the row that crosses the level", async () => {
    // Nov 2: 100 left, alert. Nov 10: bonus, 200. Then rows of 1 credit a minute from Nov 11 00:00: after the 50th
    // (00:49), 150, not below; the 51st leaves 149 < 150, at 00:50.
    const minute = (i: number) => new Date(Date.UTC(2026, 10, 11) + i * 60_000).toISOString().replace(".000Z", "Z");
    const rows = [row("2026-11-02T00:00:00Z", 900_000), ...Array.from({ length: 100 }, (_, i) => row(minute(i), 1000))];
    expect(await alerts(rows)).toEqual(["2026-11-02T00:00:00Z", "2026-11-11T00:50:00Z"]);
  });

  it("a balance never back at the level gives one alert", async () => {
    // Nov 2: 1,000 - 900 = 100 < 150, alert. Nov 9: 100 - 60 = 40. Nov 10: the bonus lifts it to 140, still below 150.
    // Nov 11: 140 - 10 = 130: no second alert, the balance was never back at the level.
    expect(await alerts([row("2026-11-02T00:00:00Z", 900_000), row("2026-11-09T00:00:00Z", 60_000), row("2026-11-11T00:00:00Z", 10_000)]))
      .toEqual(["2026-11-02T00:00:00Z"]);
  });
});
