import { describe, expect, it } from "vitest";
import { folderMaker } from "./helpers/gateway-logs.js";
import { burnrate } from "./helpers/cli.js";

// red71c M2: on a card of a grace pool and an overage pool, the table's "Grace used" held the grace buffer's credits and
// the overage pool's billed past zero, where JSON and CSV grace_used hold the grace buffer's alone: one run, two figures
// under one name. Card: Solo, 100 credits for 10 USD, a grace buffer of 10% (10 credits) on the Run pool; the Bill pool
// bills past zero at 0.01 USD a credit. A call (Run) and a job (Bill) cost 1 credit each.
const CARD = `provider: gr
version: "1"
unit: credits
currency: USD
credit_price: "0.01"
categories: { c: { label: Calls } }
pools: { run: { label: Run, when_exhausted: grace }, bill: { label: Bill, when_exhausted: overage } }
grant_kinds: { included: { priority: 1, expires: cycle_end } }
plans:
  solo: { label: Solo, included: 100, price: 10, grace: { run: "0.10" } }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: run, price: "1" }
  job: { description: a job, aggregation: flow, category: c, pool: bill, price: "1" }
`;

const made = folderMaker("grace71b-");
const folder = (): string => made({ "card.yaml": CARD, "s.yaml": "name: g\ncard: card.yaml\nplan: solo\nstart: 2027-01-01\ncycles: 1\ntimezone: UTC\nsends:\n  - { name: a, meter: call, quantity: 105, every: cycle on day 2 at 10:00 }\n  - { name: b, meter: job, quantity: 50, every: cycle on day 3 at 10:00 }\n" });

describe("simulate's table on a card of a grace pool and an overage pool", () => {
  it("shows under \"Grace used\" what JSON's grace_used holds, and says the credits billed past zero in a note", async () => {
    // 105 calls: 100 from the included credits, 5 on the grace buffer (of 10). 50 jobs on day 3: all past zero in the
    // Bill pool, billed: 50 × 0.01 = 0.50 USD. Money 10 + 0.50 = 10.50 USD. Grace used 5; billed past zero 50.
    const dir = folder();
    const json = await burnrate(["simulate", "s.yaml", "--format", "json"], { cwd: dir });
    const cycle = JSON.parse(json.stdout).plans[0].cycles[0];
    expect([cycle.grace_used, cycle.past_zero_billed, cycle.money]).toEqual(["5", "50", "10.5"]);
    const md = await burnrate(["simulate", "s.yaml", "--format", "markdown"], { cwd: dir });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("| Cycle | Start | Credits | Of allowance | Runs out | Grace used | Refused | Top-ups | Money |");
    expect(md.stdout).toContain("| 1 | 2027-01-01 | 155.00 | 155.00% | 2027-01-02 10:00 | 5.00 | none | not sold | 10.50 USD |");
    expect(md.stdout).toContain("> \"Grace used\" leaves out the credits the Bill pool (when_exhausted: overage) bills past zero for a customer who buys no top-ups: 50.00 credits a cycle (JSON and CSV past_zero_billed).");
  });

  it("names the pool that bills past zero in a later version of the card (red71d L2: the first version's named none)", async () => {
    // Version 1 blocks the Bill pool; version 2, from February, bills it past zero. Three cycles: January's 50 jobs are
    // refused, February's and March's billed past zero, 50 each.
    const first = CARD.replace("bill: { label: Bill, when_exhausted: overage }", "bill: { label: Bill, when_exhausted: block }").replace('version: "1"', 'version: "1"\neffective: 2027-01-01');
    const later = CARD.replace('version: "1"', 'version: "2"\neffective: 2027-02-01');
    const dir = made({ "v1.yaml": first, "v2.yaml": later, "s.yaml": "name: g\nplan: solo\nstart: 2027-01-01\ncycles: 3\ntimezone: UTC\nsends:\n  - { name: a, meter: call, quantity: 105, every: cycle on day 2 at 10:00 }\n  - { name: b, meter: job, quantity: 50, every: cycle on day 3 at 10:00 }\n" });
    const md = await burnrate(["simulate", "s.yaml", "--card", "v1.yaml", "--card", "v2.yaml", "--format", "markdown"], { cwd: dir });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("> \"Grace used\" leaves out the credits the Bill pool (when_exhausted: overage) bills past zero for a customer who buys no top-ups: 0.00 to 50.00 credits a cycle");
  });
});
