import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { Charging } from "../src/engine/charging.js";
import { burnrate } from "./helpers/cli.js";

// eng21 (stop 39): on the app builder's card every in-app AI request went the full way, a key string and Decimals
// a row: its meter has a per-event surcharge (web search, +15) and the card pays creators a reward. A 500,000-row
// log of one builder's own apps took 3.9 s, where the bench's Fliplet log does 2M rows in 2.4 s. A request without
// web search meets no surcharge, and a creator's own usage earns it nothing, so such rows now take the known path;
// a request with web search, and usage of another creator's app (its reward), still go the full way. The same rows
// as CSV (the scanner's rows, the known path where it may) and as events (every row the full way) must
// give the same statement, and the figures are worked out by hand from ratecards/appbuilder.yaml. (Stop 41: JSON Lines
// take the scanner's rows too; the full way is now the same rows with a quoted note holding a comma, which only
// csv-parse reads, as events. Stop 57: a column nothing reads may hold a quoted comma on the scanner too; the note
// holds a carriage return as well, which only csv-parse reads within a cell.)

const CARD = resolve("ratecards/appbuilder.yaml");

interface Row {
  at: string;
  meter: string;
  app: string;
  creator: string;
  tier: string;
  web: string;
  input: number;
  output: number;
}

function logs(rows: readonly Row[]): { csv: string; events: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-eng21-appbuilder-"));
  const csv = join(dir, "usage.csv");
  writeFileSync(csv, ["timestamp,account,meter,app,creator,tier,web_search,input_tokens,output_tokens", ...rows.map((r) => `${r.at},alice,${r.meter},${r.app},${r.creator},${r.tier},${r.web},${r.input},${r.output}`)].join("\n") + "\n");
  writeFileSync(join(dir, "account.yaml"), `card: ${CARD}\naccount: alice\nplan: standard\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  bob: { plan: standard }\ngrants:\n  - { kind: pack, amount: 100000, at: "2026-11-01T00:00:00Z", account: alice }\n`);
  const events = join(dir, "events.csv");
  writeFileSync(events, ["timestamp,account,meter,app,creator,tier,web_search,input_tokens,output_tokens,note", ...rows.map((r) => `${r.at},alice,${r.meter},${r.app},${r.creator},${r.tier},${r.web},${r.input},${r.output},"a,\r b"`)].join("\n") + "\n");
  writeFileSync(`${events}.mapping.yaml`, "ignore_columns: [note]\n");
  return { csv, events, dir };
}

async function statement(dir: string, usage: string): Promise<{ json: any; full: number }> {
  const spy = vi.spyOn(Charging.prototype as unknown as { price(event: unknown): void }, "price");
  try {
    const result = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", usage, "--format", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return { json: JSON.parse(result.stdout), full: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

const minute = (i: number) => new Date(Date.UTC(2026, 10, 2) + i * 60_000).toISOString().replace(".000", "");

describe("the app builder's card on the known path", () => {
  it("prices a builder's own requests without web search as the full path does, most of them known", async () => {
    // 300 own requests of 400 input and 200 output tokens (standard: 0.8 + 1.2 = 2 each), every tenth with web search
    // (+15), and 30 of them in bob's app (alice pays; bob earns a tenth of what they cost).
    const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({
      at: minute(i),
      meter: "app_request",
      app: i % 10 === 5 ? "quiz" : "recipes",
      creator: i % 10 === 5 ? "bob" : "alice",
      tier: "standard",
      web: i % 10 === 0 ? "true" : "false",
      input: 400,
      output: 200,
    }));
    const { csv, events, dir } = logs(rows);
    const known = await statement(dir, csv);
    const full = await statement(dir, events);
    const same = (s: any) => JSON.stringify(s).replaceAll(/(usage|events)\.csv/g, "usage");
    expect(same(known.json)).toBe(same(full.json));
    const alice = known.json.accounts.find((a: any) => a.account === "alice").cycles[0];
    const amount = (component: string | undefined, app: string) =>
      alice.lines.filter((l: any) => l.meter === "app_request" && l.component === component && l.dimensions.app === app).reduce((sum: number, l: any) => sum + Number(l.amount), 0);
    // recipes: 270 requests, 30 with web search; quiz (bob's): 30 requests, none with web search.
    expect([amount("input_tokens", "recipes"), amount("output_tokens", "recipes"), amount("web_search", "recipes")]).toEqual([216, 324, 450]);
    expect([amount("input_tokens", "quiz"), amount("output_tokens", "quiz")]).toEqual([24, 36]);
    const bob = known.json.accounts.find((a: any) => a.account === "bob").cycles[0];
    expect(bob.rewards.earned).toBe("6");
    // The full way: a shape's first row, the 30 with web search and the 30 of bob's app; not the 240 others.
    expect(full.full).toBe(300);
    expect(known.full).toBeLessThan(70);
  });

  it("still refuses a near miss of the surcharge's condition at its row", async () => {
    const rows: Row[] = [0, 1, 2].map((i) => ({ at: minute(i), meter: "app_request", app: "recipes", creator: "alice", tier: "standard", web: i === 2 ? "True" : "false", input: 400, output: 200 }));
    const { csv, dir } = logs(rows);
    const result = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", csv]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${csv}:4:`);
    expect(result.stderr).toContain('"True"');
  });
});
