import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { smallCard, tokenMeter } from "./helpers/cards.js";

// newcomer72b M5: a prospect's scenario on a card that prices cached input tokens apart and on one that does not. With
// both given as versions, the later version's cached tokens, left out of the item, cost nothing without a word; on the
// older card alone, `input_cached_tokens: 0` was refused. A call: 100 input tokens at 1, cached at 0.1 (version 2 only).
function card(version: "1" | "2", effective: string): string {
  return smallCard({ provider: "tok", version, effective, currency: "USD", creditPrice: null, pool: "allow", plans: ["starter: { label: Starter, included: 1000, price: 0 }"], meters: tokenMeter(version === "2") });
}

function folder(components: string): string {
  const dir = mkdtempSync(join(tmpdir(), "scenario72-"));
  writeFileSync(join(dir, "v1.yaml"), card("1", "2027-01-01"));
  writeFileSync(join(dir, "v2.yaml"), card("2", "2027-02-01"));
  writeFileSync(join(dir, "prospect.yaml"), `name: prospect\nplan: starter\nstart: 2027-01-01\ncycles: 3\ntimezone: UTC\nschedules:\n  - { name: digest, meter: call, every: day at 02:00, components: { ${components} } }\n`);
  return dir;
}

const simulate = (dir: string, ...cards: string[]) => burnrate(["simulate", "prospect.yaml", ...cards.flatMap((c) => ["--card", c]), "--format", "json"], { cwd: dir });
const totals = (stdout: string) => JSON.parse(stdout).plans[0].cycles.map((c: { total: string }) => c.total);

describe("a scenario's components on every version in force (newcomer72b M5)", () => {
  it("refuses an item that leaves out a component a later version prices, naming that version", async () => {
    const r = await simulate(folder("input_tokens: 100"), "v1.yaml", "v2.yaml");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('prospect.yaml:7:67: meter "call" is priced on input_tokens and input_cached_tokens per event by version "2" of the card (effective 2027-02-01), and this item gives no input_cached_tokens');
  });

  it("takes a 0 for a component the card does not price: one file prices on both, 31 + 28 + 31 days of 100 credits", async () => {
    const dir = folder("input_tokens: 100, input_cached_tokens: 0");
    const alone = await simulate(dir, "v1.yaml");
    expect(alone.code).toBe(0);
    expect(totals(alone.stdout)).toEqual(["3100", "2800", "3100"]);
    const both = await simulate(dir, "v1.yaml", "v2.yaml");
    expect(both.code).toBe(0);
    expect(totals(both.stdout)).toEqual(["3100", "2800", "3100"]);
  });

  // Cached tokens 50 a call: 100 + 50 x 0.1 = 105 a day under a version that prices them, 100 under one that does not.
  const priced: [string, string[], string[]][] = [
    ["prices cached tokens under the version that prices them: alone, v2 prices January too, as the card given", ["v2.yaml"], ["3255", "2940", "3255"]],
    ["prices a component under the versions that price it, and at nothing under one that does not: 100 a day in January, 105 from February", ["v1.yaml", "v2.yaml"], ["3100", "2940", "3255"]],
    ["prices a version that stops pricing a component at nothing for it (red72b M1): 105 a day in January, then 100", ["early.yaml", "late.yaml"], ["3255", "2800", "3100"]],
  ];
  for (const [title, cards, expected] of priced) {
    it(title, async () => {
      const dir = folder("input_tokens: 100, input_cached_tokens: 50");
      writeFileSync(join(dir, "early.yaml"), card("2", "2027-01-01"));
      writeFileSync(join(dir, "late.yaml"), card("1", "2027-02-01"));
      const r = await simulate(dir, ...cards);
      expect([r.code, totals(r.stdout)]).toEqual([0, expected]);
    });
  }

  it("still refuses a name no version prices, 0 or not, where it is a typo of one", async () => {
    const r = await simulate(folder("input_tokens: 100, input_cahced_tokens: 0"), "v2.yaml");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('meter "call" has no component "input_cahced_tokens"; did you mean "input_cached_tokens"?');
  });
});
