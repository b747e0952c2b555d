import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cardHead } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

/** A card whose one meter reads dimensions named as the sheets' own columns are: kind, amount, status. */
const CARD = cardHead("g: { label: G, when_exhausted: block }", "included: 1000, price: 9", `meters:
  call:
    description: a call
    aggregation: flow
    dimensions: [kind, amount, status]
    category: c1
    pool: g
    price: { by: [kind], table: { a: "2", b: "3" } }
    labels: [Calls]
`);

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-csv-columns-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,kind,amount,status\n2026-11-02T10:00:00Z,call,3,a,big,ok\n2026-11-03T10:00:00Z,call,2,b,small,error\n");
  return dir;
}

const ACCOUNT = ["--card", "card.yaml", "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"];

describe("a dimension named as one of a CSV sheet's own columns", () => {
  it("is dimension_NAME in the statement CSV, so that kind and amount are not written twice", async () => {
    const dir = folder();
    const run = await burnrate(["statement", ...ACCOUNT, "--format", "csv"], { cwd: dir });
    expect(run.stderr).toBe("");
    // 3 calls of kind a at 2 credits, 2 of kind b at 3; the plan's 9 USD, the cycle's money (stop 38).
    expect(run.stdout).toBe(
      [
        "account,plan,cycle_start,cycle_end,meter,kind,category,pool,dimension_amount,dimension_kind,status,quantity,unit_price,amount,money_item,money,currency",
        "default,pro,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,call,usage,c1,g,big,a,ok,3,2,6,,,",
        "default,pro,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,call,usage,c1,g,small,b,error,2,3,6,,,",
        "default,pro,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,,money,,,,,,,,,plan,9,USD",
        "default,pro,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,,money,,,,,,,,,total,9,USD",
        "",
      ].join("\n"),
    );
  });

  it("is dimension_NAME in the reconcile CSV: a bill's status beside the line's status", async () => {
    const dir = folder();
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,kind,status,quantity,amount\n2026-11-01,Calls,a,ok,3,6\n2026-11-01,Calls,b,error,2,6\n");
    const run = await burnrate(["reconcile", ...ACCOUNT, "--bill", "bill.csv", "--format", "csv"], { cwd: dir });
    expect(run.code).toBe(0);
    const [header, ...rows] = run.stdout.trimEnd().split("\n");
    expect(header).toBe("cycle,meter,kind,dimension_status,status,direction,class,unit,bill_quantity,bill_amount,computed_quantity,computed_amount,computed_events,delta,within_tolerance,attention,explanation");
    // The two lines, then the invoice's total: 6 + 6 = 12 credits billed and computed (newcomer, stop 38).
    expect(rows).toEqual(["2026-11-01T00:00:00Z,call,a,ok,agrees,,,credits,3,6,3,6,1,0,,no,", "2026-11-01T00:00:00Z,call,b,error,agrees,,,credits,2,6,2,6,1,0,,no,",
      ",invoice total,,,total,,,credits,,12,,12,,0,,no,\"every row of the bill: 12 compared, 0 ignored, 0 credits; computed for the compared rows; 0 of the delta on them\""]);
  });

  it("is prefixed again while the prefixed name is a dimension too", async () => {
    const { dimensionColumns } = await import("../src/render/shared/csv.js");
    expect(dimensionColumns(["amount", "dimension_amount", "team"], ["quantity", "amount"])).toEqual(["dimension_dimension_amount", "dimension_amount", "team"]);
  });
});
