import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer66 M2: Flikly's card gives no credit price, so an invoice's add-on pack line had no money to be compared
// with, and read "the usage log has no such events" whether or not the account file bought the pack.
async function reconcile(grants: string) {
  const dir = mkdtempSync(join(tmpdir(), "bought66-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/flikly.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n${grants}`);
  // 2 minutes of captions at 0.2 credits a minute: 0.4.
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,workflow\n2026-11-02T10:00:00Z,caption,2,short\n");
  writeFileSync(join(dir, "bill.csv"), "period_start,activity,workflow,quantity,amount\n2026-11-01,Caption,short,2,0.4\n2026-11-01,Pro plan,,1,35\n2026-11-01,Add-on pack,,1,20\n");
  writeFileSync(join(dir, "bill.csv.mapping.yaml"), "activities: { Caption: caption, Pro plan: plan, Add-on pack: credits_bought }\n");
  const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
  expect(r.code).toBe(1);
  return JSON.parse(r.stdout).differences as { activity: string; class: string; explanation: string }[];
}

describe("reconcile: a bill's credits bought on a card of no credit price (newcomer66 M2)", () => {
  it("names the credits the account file buys, which it cannot price", async () => {
    expect(await reconcile('grants:\n  - { kind: addon, amount: 50, at: "2026-11-10T00:00:00Z" }\n')).toEqual([
      {
        activity: "Add-on pack",
        class: "unexplained",
        explanation: "the bill charges 20 USD for credits bought, quantity 1; the account file's grants buy 50 credits in this cycle, but the card gives no credit_price to price them: checked by hand, the line is listed apart with ignore in the bill mapping's activities:",
      },
    ].map((d) => expect.objectContaining(d)));
  });

  it("says the account file buys none where it has no such grant", async () => {
    expect(await reconcile("")).toEqual([
      expect.objectContaining({ activity: "Add-on pack", class: "missing_in_usage", explanation: "the bill charges 20 USD for credits bought, quantity 1; the account file's grants buy no credits in this cycle: a purchase missing from its grants:, or dated in another cycle?" }),
    ]);
  });
});

// newcomer66 L10: without a credit price, credits and money have no common measure; a 20 USD pack was named the
// largest difference beside a drift in credits.
describe("reconcile's finding on a card of no credit price", () => {
  it("names the largest difference in credits and the largest in money apart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bought66-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/flikly.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: addon, amount: 50, at: "2026-11-10T00:00:00Z" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,workflow\n2026-11-02T10:00:00Z,caption,2,short\n");
    // 2 minutes billed at 0.25 where the card's 0.2 makes 0.4.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,workflow,quantity,amount\n2026-11-01,Caption,short,2,0.5\n2026-11-01,Pro plan,,1,35\n2026-11-01,Add-on pack,,1,20\n");
    writeFileSync(join(dir, "bill.csv.mapping.yaml"), "activities: { Caption: caption, Pro plan: plan, Add-on pack: credits_bought }\n");
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("burnrate: 2 bill difference(s) need attention; largest in credits: 2026-11-01T00:00:00Z caption rate_drift, over tolerance; in USD: 2026-11-01T00:00:00Z credits_bought unexplained, over tolerance\n");
  });
});
