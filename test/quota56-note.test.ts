import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// newcomer55 M1: an entry under accounts: has only the terms it says, so a customer written `{ plan: starter }` under a
// top level with `overage: true` had its requests past the quota refused, their overage unbilled, and nothing said so.
// A plan of 2 requests a month, 0.5 USD a request past it; a call costs 1 credit of the 100 included.
const CARD = callCard({ provider: "quota", policy: "block", plan: 'starter: { label: Starter, included: 100, price: 0, quota: { meters: [call], requests: 2, overage_price: "0.5" } }', price: "1" });

function run(accounts: string, calls: Record<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), "quota56-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: own\nplan: starter\noverage: true\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n${accounts}`);
  const rows = Object.entries(calls).flatMap(([account, n]) => Array.from({ length: n }, (_, i) => `2026-11-0${i + 1}T10:00:00Z,call,1,${account}`));
  writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity,account", ...rows, ""].join("\n"));
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
}

describe("accounts that say nothing of overage under a top level that bills it", () => {
  it("are told when their requests are refused past the quota: bolt's 3rd and 4th of 4, cove's 3rd of 3", async () => {
    const r = await run("  bolt: { plan: starter }\n  cove: { plan: starter }\n", { own: 4, bolt: 4, cove: 3 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "burnrate: note: 2 accounts under accounts: that say nothing of overage had 3 requests refused past their plan's quota (\"bolt\" 2, \"cove\" 1), which the top level's overage: true would bill: an entry has only the terms it says; write overage: true in each entry billed overage, or overage: false where the refusals are meant\n",
    );
    // The file's own account has the top level's overage: its 2 requests past the quota are billed, 2 x 0.5 = 1 USD.
    const own = JSON.parse(r.stdout).accounts.find((a: { account: string }) => a.account === "own").cycles[0];
    expect([own.overage.requests, own.overage.amount]).toEqual(["2", "1"]);
  });

  it("says nothing of an entry that says overage: false, nor of one that never reached its quota", async () => {
    const r = await run("  bolt: { plan: starter, overage: false }\n  cove: { plan: starter }\n", { bolt: 4, cove: 2 });
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("names one account alone in the singular", async () => {
    const r = await run("  bolt: { plan: starter }\n", { bolt: 3 });
    expect(r.stderr).toContain("note: an account under accounts: that says nothing of overage had 1 request refused past its plan's quota (\"bolt\" 1)");
  });
});
