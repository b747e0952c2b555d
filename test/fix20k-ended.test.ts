import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callMeter, smallCard } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

/**
 * red20c #8 (stop 38). Basic: 100 included credits a cycle (ending with it), a call 1 credit, blocking when the credits
 * run out; top-ups never expire. Anchored 2026-09-15 in UTC; both subscriptions end 2026-11-01, so cycle 3
 * (11-15..12-15) has no plan and no included credits, and a charge past the credits left is refused as
 * "subscription ended". acme has nothing left: its 3 calls on 11-20 are refused. bob has a 5-credit top-up (09-20):
 * 3 calls on 11-20 leave 5 - 3 = 2, and 3 more on 11-21 (3 > 2) are refused.
 */
function statement(format: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), "fix20k-ended-"));
  writeFileSync(join(dir, "card.yaml"), smallCard({
    kinds: ["topup: { priority: 2, expires: never, counts_toward_allowance: false }"],
    plans: ["basic: { label: Basic, included: 100, price: 10 }"],
    meters: [callMeter()],
  }));
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml
account: acme
plan: basic
anchor: 2026-09-15
timezone: UTC
subscription_end: 2026-11-01
grants:
  - { kind: topup, amount: 5, at: "2026-09-20T00:00:00Z", account: bob }
accounts:
  bob: { plan: basic, subscription_end: 2026-11-01 }
`);
  writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,quantity\n2026-11-20T12:00:00Z,acme,call,3\n2026-11-20T12:00:00Z,bob,call,3\n2026-11-21T12:00:00Z,bob,call,3\n");
  return burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", format, "--no-chart"]);
}

describe("a cycle after the subscription ended says so, not that its credits ran out (red team, stop 38)", () => {
  it("no credits this cycle: the refusals are the subscription's end", async () => {
    const run = await statement("table");
    expect(run.code, run.stderr).toBe(0);
    const acme = run.stdout.slice(0, run.stdout.indexOf("account bob"));
    expect(acme).toMatch(/Refused from +2026-11-20 12:00: no credits this cycle, the subscription had ended 2026-11-01 00:00/);
    expect(acme).not.toContain("Credits ran out");
  });

  it("credits left but too few: refused, the subscription had ended and what outlives it could not pay", async () => {
    const run = await statement("markdown");
    expect(run.code, run.stderr).toBe(0);
    const bob = run.stdout.slice(run.stdout.indexOf("account bob"));
    // Said as the end's refusal, not as credits run out: the same words where the credits that outlive the end are
    // none by then, the included ones lapsed at it (red team, stop 38).
    expect(bob).toContain("2026-11-21 12:00: the subscription had ended 2026-11-01 00:00, and the credits that outlive it could not pay");
  });
});
