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
    // 14 lines agree, then the two ignored activities.
    expect(rows).toHaveLength(1 + 14 + 2);
    expect(rows.slice(-2)).toEqual([
      ",Sales tax,,ignored,,,credits,,5,,,,,,no,not reconciled: 2 row(s) the bill mapping ignores (activities: { Sales tax: ignore })",
      ",Goodwill,,ignored,,,credits,,-3,,,,,,no,not reconciled: 1 row(s) the bill mapping ignores (activities: { Goodwill: ignore })",
    ]);
  });
});
