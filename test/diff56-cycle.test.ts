import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// newcomer56 M4: a month's export with a few rows past midnight ran both replays a cycle further, and diff's money
// billed every account a second month's fee, with no note and no --cycle to compare the month alone.
// Basic: 10 USD a month, 100 credits; a call costs 1 credit on the base card, 2 on the new one.
// November 2 to 29, four calls a day: 112 calls, 112 credits then 224; one call at 00:00:05 on December 1.
const CARD = callCard({ provider: "dc", policy: "allow", plan: "basic: { label: Basic, included: 100, price: 10 }", price: "1" });

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), "diff56-"));
  writeFileSync(join(dir, "base.yaml"), CARD);
  writeFileSync(join(dir, "new.yaml"), CARD.replace('price: "1"', 'price: "2"').replace('version: "1"', 'version: "2"'));
  writeFileSync(join(dir, "account.yaml"), "card: new.yaml\naccount: acme\nplan: basic\nanchor: 2026-11-01\ntimezone: UTC\n");
  const rows = [];
  for (let day = 2; day <= 29; day++) for (const hour of [0, 6, 12, 18]) rows.push(`2026-11-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00Z,call,1`);
  writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity", ...rows, "2026-12-01T00:00:05Z,call,1", ""].join("\n"));
  return dir;
}

const args = ["diff", "--base", "base.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"];

describe("diff of a month whose export runs a row past its end", () => {
  it("notes the cycle the row makes, whose fee both cards bill: 10 + 10 USD", async () => {
    const r = await burnrate(args, { cwd: setup() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).money).toMatchObject({ base_total: "20", card_total: "20" });
    expect(r.stderr).toBe(
      "burnrate: note: 1 row of the usage falls in the cycle from 2026-12-01 (0.88% of the usage), the statement's last: its account is billed that cycle's plan fee and recurring grants; if those rows belong to the cycle before, leave them out of the usage, or show the cycles before it alone with --cycle 2026-11-01\n",
    );
  });

  it("--cycle 2026-11 compares November alone: 112 credits then 224, 10 USD under both", async () => {
    const r = await burnrate([...args, "--cycle", "2026-11"], { cwd: setup() });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const d = JSON.parse(r.stdout);
    expect([d.base_total, d.card_total]).toEqual(["112", "224"]);
    expect(d.money).toMatchObject({ base_total: "10", card_total: "10" });
  });

  it("refuses a period the replays do not reach, at the flag", async () => {
    const r = await burnrate([...args, "--cycle", "2027-03"], { cwd: setup() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: --cycle: /);
  });
});
