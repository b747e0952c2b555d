import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// simulate's CSV column grace_used (and JSON's) held the credits an overage pool bills past zero: on such a card a
// spreadsheet read 786,400 credits of "grace" that were overage, billed in money. grace_used now holds what went past
// the credits unbilled (a grace buffer, an allow pool); JSON's past_zero_billed what an overage pool bills.
//
// Card: a call costs 100 credits; Solo includes 1,500 credits for 12 USD; credit_price 0.01. One user makes 20 calls a
// cycle: 2,000 credits, 500 past the allowance.
function folder(whenExhausted: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pastzero71-"));
  writeFileSync(join(dir, "card.yaml"), `provider: payg
version: "1"
credit_price: "0.01"
unit: credits
currency: USD
categories: { c: { label: Calls } }
pools: { p: { label: P, when_exhausted: ${whenExhausted} } }
grant_kinds: { included: { priority: 1, expires: cycle_end } }
plans:
  solo: { label: Solo, included: 1500, price: 12 }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: p, price: "100" }
`);
  writeFileSync(join(dir, "s.yaml"), "name: payg\ncard: card.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\npopulations:\n  - name: u\n    users: 1\n    per_user:\n      - { meter: call, quantity: 20 }\n");
  return dir;
}

async function outputs(dir: string): Promise<{ csv: Record<string, string>; json: Record<string, string> }> {
  const csv = await burnrate(["simulate", "s.yaml", "--format", "csv"], { cwd: dir });
  const json = await burnrate(["simulate", "s.yaml", "--format", "json"], { cwd: dir });
  expect([csv.code, json.code]).toEqual([0, 0]);
  const [head, row] = csv.stdout.trim().split("\n").map((line) => line.split(","));
  return { csv: Object.fromEntries(head!.map((name, i) => [name, row![i]!])), json: JSON.parse(json.stdout).plans[0].cycles[0] };
}

describe("grace_used apart from the credits an overage pool bills past zero", () => {
  it("an overage pool: grace_used 0, the 500 credits past zero in past_zero_billed, billed at 0.01 in overage and money", async () => {
    // 500 x 0.01 = 5 USD of overage; 12 + 5 = 17 USD.
    const { csv, json } = await outputs(folder("overage"));
    expect([csv.grace_used, csv.past_zero_billed, csv.overage, csv.money]).toEqual(["0", "500", "5", "17"]);
    expect([json.grace_used, json.past_zero_billed, json.overage, json.money]).toEqual(["0", "500", "5", "17"]);
  });

  it("an allow pool: the 500 credits past zero are unbilled, in grace_used, and past_zero_billed is 0", async () => {
    // Nothing billed past zero: the plan's 12 USD.
    const { csv, json } = await outputs(folder("allow"));
    expect([csv.grace_used, csv.past_zero_billed, csv.overage, csv.money]).toEqual(["500", "0", "0", "12"]);
    expect([json.grace_used, json.past_zero_billed, json.money]).toEqual(["500", "0", "12"]);
  });
});
