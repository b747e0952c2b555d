import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A bill in money read at the credit price of the card version in force in each row's period (red team, stop 37, #3).
// Fliplet: data_read 1 credit per 100 reads, Pro 9 USD a month, credit_price 0.01 USD (version 2026-11). A second
// version raises the credit price to 0.02. 10,000 reads on Nov 2 and on Dec 2: 100 credits each month, which is
// 100 x 0.01 = 1.00 USD in November and, under the new version, 100 x 0.02 = 2.00 USD in December.
const V1 = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const v2 = (effective: string, applies = "") => V1.replace('version: "2026-11"', `version: "2026-11b"${applies}`).replace('effective: "2026-11-01"', `effective: "${effective}"`).replace('credit_price: "0.01"', 'credit_price: "0.02"');

function folder(december: string, v2Text: string, withColumn = false) {
  const dir = mkdtempSync(join(tmpdir(), "ver19b-"));
  writeFileSync(join(dir, "v1.yaml"), V1);
  writeFileSync(join(dir, "v2.yaml"), v2Text);
  writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\n");
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,project,quantity\n2026-11-02T10:00:00Z,data_read,a,10000\n2026-12-02T10:00:00Z,data_read,a,10000\n");
  const cur = withColumn ? ",currency" : "";
  const usd = withColumn ? ",USD" : "";
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,project,quantity,amount${cur}\n2026-11-01,data_read,a,10000,1.00${usd}\n2026-11-01,plan,,,9${usd}\n2026-12-01,data_read,a,10000,${december}${usd}\n2026-12-01,plan,,,9${usd}\n`);
  if (!withColumn) writeFileSync(join(dir, "bill.csv.mapping.yaml"), "currency: USD\n");
  return dir;
}

const reconcile = (dir: string) =>
  burnrate(["reconcile", "--card", join(dir, "v1.yaml"), "--card", join(dir, "v2.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
const differences = (stdout: string): { cycle_start?: string; activity: string; class?: string; bill?: string; computed?: string }[] => JSON.parse(stdout).differences;

describe("reconcile: a bill in money is converted at the credit price of the version in force in its period", () => {
  for (const withColumn of [false, true]) {
    const how = withColumn ? "a currency column" : "the mapping's currency: USD";
    it(`agrees with December's 2.00 USD at the new version's 0.02 (${how})`, async () => {
      const run = await reconcile(folder("2.00", v2("2026-11-15"), withColumn));
      expect(run.stderr).toBe("");
      expect(differences(run.stdout)).toEqual([]);
      expect(run.code).toBe(0);
    });
    it(`finds December's 1.00 USD at the old price 50 credits short (${how})`, async () => {
      // 1.00 USD / 0.02 = 50 credits billed against 100 used.
      const run = await reconcile(folder("1.00", v2("2026-11-15"), withColumn));
      expect(run.code).toBe(1);
      const found = differences(run.stdout);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ activity: "data_read", class: "rate_drift" });
      expect(JSON.stringify(found[0])).toContain("2026-12-01");
    });
  }

  it("takes a version that waits for the next cycle (applies: next_cycle) from that cycle: December at 0.02", async () => {
    // Effective Nov 15, applies from the first cycle start on or after it, Dec 1: November at 0.01, December at 0.02.
    const run = await reconcile(folder("2.00", v2("2026-11-15", "\napplies: next_cycle")));
    expect(differences(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it("turns a plan fee line in credits into money at the same version's price: 450 credits in December is 9 USD", async () => {
    // December's Pro fee, 9 USD, billed as 450 credits: 450 x 0.02 = 9 USD under the new version (at 0.01 it read 4.50).
    const dir = folder("2.00", v2("2026-11-15"), true);
    const bill = join(dir, "bill.csv");
    writeFileSync(bill, readFileSync(bill, "utf8").replace("2026-12-01,plan,,,9,USD", "2026-12-01,plan,,,450,credits"));
    const run = await reconcile(dir);
    expect(differences(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it("reads a period at the version in force at its start: a version effective Dec 10 leaves December at 0.01", async () => {
    // The period starts Dec 1, under the first version: 1.00 USD / 0.01 = 100 credits, as used.
    const agree = await reconcile(folder("1.00", v2("2026-12-10")));
    expect(differences(agree.stdout)).toEqual([]);
    const drift = await reconcile(folder("2.00", v2("2026-12-10")));
    expect(drift.code).toBe(1);
    expect(differences(drift.stdout)).toHaveLength(1);
  });
});
