import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// The sign-off sheet shows every bill row's money: rows the mapping ignores too (newcomer, stop 36).
const FIX = join(ROOT, "fixtures/reconcile");

describe("reconcile --format csv: rows the bill mapping ignores", () => {
  it("are on the sheet, one row per activity, with their amount in the card's unit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rec18-"));
    const bill = join(dir, "bill.csv");
    // The clean November bill, plus two tax rows of 2.5 credits (2.5 + 2.5 = 5 credits of Sales tax) and a goodwill
    // credit of -3 credits, both ignored by the mapping.
    const clean = readFileSync(join(FIX, "bill-clean.csv"), "utf8").trimEnd().split("\n");
    writeFileSync(bill, `${clean.join("\n")}\n2026-11-01,Sales tax,alpha,,2.5\n2026-11-01,Sales tax,beta,,2.5\n2026-11-01,Goodwill,alpha,,-3\n`);
    writeFileSync(`${bill}.mapping.yaml`, "activities: { Sales tax: ignore, Goodwill: ignore }\n");
    const run = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", join(FIX, "usage.csv"), "--bill", bill, "--format", "csv"]);
    expect(run.code).toBe(0);
    const rows = run.stdout.trimEnd().split("\n");
    expect(rows[0]).toBe("cycle,meter,project,status,direction,class,unit,bill_quantity,bill_amount,computed_quantity,computed_amount,computed_events,delta,within_tolerance,attention,explanation");
    // 14 lines agree, then the two ignored activities, in November's cycle: local midnight in New York on
    // 2026-11-01, still daylight time (UTC-4), is 04:00 UTC; then the invoice's total, every row: the clean bill's
    // 32.269 credits, 5 - 3 = 2 ignored, 34.269 against the usage's 32.269 (newcomer, stop 38).
    expect(rows).toHaveLength(1 + 14 + 2 + 1);
    expect(rows.at(-1)).toBe(",invoice total,,total,,,credits,,34.269,,32.269,,2,,no,\"every row of the bill: 32.269 compared, 2 ignored, 0 credits; computed for the compared rows; 0 of the delta on them\"");
    expect(rows.slice(-3, -1)).toEqual([
      "2026-11-01T04:00:00Z,Sales tax,,ignored,,,credits,,5,,,,,,no,not reconciled: 2 row(s) the bill mapping ignores (activities: { Sales tax: ignore })",
      "2026-11-01T04:00:00Z,Goodwill,,ignored,,,credits,,-3,,,,,,no,not reconciled: 1 row(s) the bill mapping ignores (activities: { Goodwill: ignore })",
    ]);
  });

  it("are summed by account and cycle: whose tax it was, and in which month (newcomer, stop 36)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rec18-"));
    const bill = join(dir, "bill.csv");
    // The clean November bill with an account column (every line the account file's own, "acme"), then tax rows:
    // two of acme's in November (1 + 2 = 3), one of acme's in October (4), and one of another account, "bolt",
    // in November (8), which the usage does not have.
    const [header, ...lines] = readFileSync(join(FIX, "bill-clean.csv"), "utf8").trimEnd().split("\n");
    const withAccount = [`${header},account`, ...lines.map((l) => `${l},acme`)];
    const taxes = ["2026-11-01,Sales tax,alpha,,1,acme", "2026-10-01,Sales tax,alpha,,4,acme", "2026-11-01,Sales tax,beta,,2,acme", "2026-11-01,Sales tax,alpha,,8,bolt"];
    writeFileSync(bill, `${[...withAccount, ...taxes].join("\n")}\n`);
    writeFileSync(`${bill}.mapping.yaml`, "activities: { Sales tax: ignore }\n");
    writeFileSync(join(dir, "account.yaml"), readFileSync(join(FIX, "account.yaml"), "utf8").replace("card: ../../", `card: ${ROOT}/`).replace("plan: pro", "account: acme\nplan: pro"));
    const run = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(FIX, "usage.csv"), "--bill", bill, "--format", "json"]);
    expect(run.code).toBe(0);
    // New York's midnight: 04:00 UTC on 2026-11-01 and on 2026-10-01, both in daylight time.
    expect(JSON.parse(run.stdout).ignored).toEqual([
      { cycle: "2026-11-01T04:00:00Z", account: "acme", activity: "Sales tax", rows: 2, amount: "3", unit: "credits" },
      { cycle: "2026-10-01T04:00:00Z", account: "acme", activity: "Sales tax", rows: 1, amount: "4", unit: "credits" },
      { cycle: "2026-11-01T04:00:00Z", account: "bolt", activity: "Sales tax", rows: 1, amount: "8", unit: "credits" },
    ]);
    const table = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(FIX, "usage.csv"), "--bill", bill, "--format", "table"]);
    // The report sums them by activity: 3 + 4 + 8 = 15 credits in 4 rows.
    expect(table.stdout).toContain("Not reconciled (ignored by the bill mapping): 4 Sales tax row(s), 15");
  });
});
