import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callMeter, smallCard } from "./helpers/cards.js";

// newcomer72b M3: a card that sells top-ups and an add-on pack was quoted with top-ups alone, the first kind it
// declares, and nothing said so. A scenario's `buys:` names the kind. A call costs 10 credits, once a day at 02:00:
// January's 31 calls are 310 credits against 100 included, 210 bought at 0.01, 2.10 USD.
const CARD = smallCard({
  provider: "packs", version: "1", effective: "2027-01-01", currency: "USD",
  kinds: ["topup: { priority: 3, expires: never, counts_toward_allowance: false }", "addon: { priority: 2, expires: { after_months: 1 }, counts_toward_allowance: false }", "promo: { priority: 0, expires: cycle_end, paid: false }"],
  plans: ["basic: { label: Basic, included: 100, price: 0 }"],
  meters: [callMeter({ price: "10" })],
});

function folder(buys: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "buys72-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "prospect.yaml"), `name: prospect\ncard: card.yaml\nplan: basic\n${buys === undefined ? "" : `buys: ${buys}\n`}start: 2027-01-01\ncycles: 1\ntimezone: UTC\nschedules:\n  - { name: digest, meter: call, every: day at 02:00 }\n`);
  return dir;
}

const simulate = (dir: string) => burnrate(["simulate", "prospect.yaml", "--format", "json"], { cwd: dir });

describe("the kind a simulation buys (newcomer72b M3)", () => {
  it("buys the first kind the card sells unasked, top-ups, and says the card sells add-ons too", async () => {
    const r = await simulate(folder(undefined));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("burnrate: note: prospect.yaml:1:1: the card sells topup and addon: a plan that runs short is priced with top-ups, the first; buys: addon in the scenario prices it with add-ons\n");
    const [plan] = JSON.parse(r.stdout).plans;
    expect(plan.purchase).toEqual({ kind: "topup", price: "0.01" });
    expect(plan.money).toBe("2.1");
  });

  it("buys add-ons where the scenario says buys: addon, the same 210 credits at 0.01", async () => {
    const r = await simulate(folder("addon"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [plan] = JSON.parse(r.stdout).plans;
    expect(plan.purchase).toEqual({ kind: "addon", price: "0.01" });
    expect(plan.money).toBe("2.1");
  });

  for (const [buys, says, expected] of [
    ["adon", 'the card declares no grant kind "adon"; did you mean "addon"?', "a kind the card sells: topup, addon"],
    ["included", 'grant kind "included" is given by the plan, not bought', "a kind the card sells: topup, addon"],
    ["promo", 'grant kind "promo" is given free (paid: false) by a version of the card: no customer buys it', "a kind the card sells: topup, addon"],
  ] as const) {
    it(`refuses buys: ${buys} at its key`, async () => {
      const r = await simulate(folder(buys));
      expect([r.code, r.stderr]).toEqual([2, `burnrate: error: prospect.yaml:4:7: ${says} (expected ${expected}, found "${buys}")\n`]);
    });
  }
});
