import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A channel published again while it is published is free within the cycle (Fliplet: "republishing in the same cycle
// is free"), but what it was published with holds from then on: web published public, then again private, bills
// private's price from the next cycle (red team, stop 38: every later month kept public's 2 credits).
async function cycles(rows: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "eng20d-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\n`);
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,channel,distribution\n${rows.join("\n")}\n`);
  const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--through", "2026-12-15", "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout).accounts[0].cycles.map((c: { total: string; lines: { meter: string; dimensions: Record<string, string>; amount: string }[] }) => [c.total, c.lines.map((l) => [l.meter, l.dimensions.distribution, l.amount])]);
}

describe("a published channel published again with another distribution", () => {
  it("is free in its cycle and billed at the new distribution from the next", async () => {
    // November: web public, 2 credits; the private publish on the 10th is a republish, free. December: web 2 + private 2.
    expect(await cycles(["2026-11-02T10:00:00Z,published,1,alpha,web,public", "2026-11-10T10:00:00Z,published,1,alpha,web,private"])).toEqual([
      ["2", [["published", "public", "2"]]],
      ["4", [["published", "private", "4"]]],
    ]);
  });

  it("is billed at the last distribution published in the cycle before", async () => {
    // Private, then public again: December is public's 2.
    expect(await cycles(["2026-11-02T10:00:00Z,published,1,alpha,web,private", "2026-11-10T10:00:00Z,published,1,alpha,web,public"])).toEqual([
      ["4", [["published", "private", "4"]]],
      ["2", [["published", "public", "2"]]],
    ]);
  });
});
