import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer48 F7 and red48b #4: the headline's money is each cycle's rounded to the currency's unit and summed; its
// top-ups and overage were each their credits' price summed, a cent (or in yen some units) off the total. Each is
// now what it adds to the cycle's rounded money, so that fees, overage and top-ups add up to the total.
const CARD = `provider: simco
version: "2026-11"
effective: "2026-11-01"
unit: credits
currency: JPY
credit_price: "0.37"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories: { main: { label: Main } }
pools: { main: { label: Main, when_exhausted: block } }
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
  topup: { priority: 2, expires: never, counts_toward_allowance: false }
plans:
  quota: { label: Quota, included: 100, price: 1000, quota: { meters: [call], requests: 500, overage_price: "0.37" } }
meters:
  call: { aggregation: flow, dimensions: [], category: main, pool: main, price: "1", labels: [Calls] }
`;

describe("simulate's money, its overage and top-ups (red48b #4)", () => {
  it("adds up: fees, overage and top-ups, each as it adds to each cycle's rounded money", async () => {
    const dir = mkdtempSync(join(tmpdir(), "money48-"));
    writeFileSync(join(dir, "card.yaml"), CARD);
    writeFileSync(join(dir, "scenario.yaml"), "name: hourly\ncard: card.yaml\nplan: quota\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\nschedules:\n  - { name: hourly, meter: call, every: hour }\noverage: true\n");
    const out = await burnrate(["simulate", join(dir, "scenario.yaml"), "--format", "markdown"]);
    expect(out.code).toBe(0);
    // One call an hour: 720, 744 and 744 calls at 1 credit. 100 included; 620, 644 and 644 credits bought at 0.37
    // (229.40, 238.28, 238.28 JPY). 500 calls a cycle in the quota: 220, 244 and 244 past it at 0.37 (81.40, 90.28,
    // 90.28). Each cycle's money to the yen: 1000 + 81.40 + 229.40 = 1310.80, 1311; 1000 + 90.28 + 238.28 = 1328.56,
    // 1329; 1329: 3,969. Overage as it adds: 1081 - 1000, 1090 - 1000 twice = 261; top-ups 1311 - 1081, 1329 - 1090
    // twice = 230 + 239 + 239 = 708; 3,000 + 261 + 708 = 3,969.
    expect(out.stdout).toContain("- **Money**: 3,969.00 JPY over 3 cycles, of which top-ups 708.00 JPY (1,908.00 credits), overage 261.00 JPY");
  });
});
