import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

const DIR = "fixtures/reconcile";
const account = ["--account", `${DIR}/account.yaml`, "--usage", `${DIR}/usage.csv`];

/** The clean bill (fixtures/reconcile/bill-clean.csv) with its period cells written another way. */
function cleanBillWithPeriod(period: string, header = "period_start,activity,project,quantity,amount"): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-bill-"));
  const file = join(dir, "bill.csv");
  const [, ...rows] = readFileSync(`${DIR}/bill-clean.csv`, "utf8").trim().split("\n");
  const cell = period.includes(",") ? `"${period}"` : period;
  writeFileSync(file, [header, ...rows.map((r) => r.replace(/^2026-11-01,/, `${cell},`))].join("\n") + "\n");
  return file;
}

async function reconcileJson(bill: string, ...more: string[]) {
  const r = await burnrate(["reconcile", ...account, "--bill", bill, ...more, "--format", "json"]);
  return { ...r, json: r.code === 2 ? undefined : JSON.parse(r.stdout) };
}

describe("bill periods as bills write them", () => {
  // The account's cycles are New York months from local midnight on the 1st: November is 2026-11-01T04:00Z to 2026-12-01T05:00Z.
  for (const period of ["2026-11", "Nov 2026", "November 2026", "nov. 2026", "2026-11-01/2026-11-30", "2026-11-01 to 2026-11-30", "2026-11-01/2026-12-01", "2026-11-01T04:00:00Z", "2026-11-01T04:00:00Z/2026-12-01T05:00:00Z"]) {
    it(`reads ${period} as the November cycle`, async () => {
      const { code, stderr, json } = await reconcileJson(cleanBillWithPeriod(period));
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(json.status).toBe("agrees");
      // 14 lines of the clean bill: 0.5+0.5+2+8+0.75+5.6+2+3+3+2+0.45+0.4+2.469+1.6
      expect(json.bill_total).toBe("32.269");
      expect(json.cycles).toEqual([{ start: "2026-11-01T04:00:00Z", end: "2026-12-01T05:00:00Z" }]);
    });
  }

  const refused: [string, string][] = [
    ["2026-11-01/2026-11-15", 'period range is not a cycle (expected the cycle 2026-11-01 to 2026-11-30 in America/New_York, found "2026-11-01/2026-11-15")'],
    ["2026-11-01/2026-12-15", 'period range is not a cycle (expected the cycle 2026-11-01 to 2026-11-30 in America/New_York, found "2026-11-01/2026-12-15")'],
    ["2026-11-30/2026-11-01", "period range ends before it starts"],
    ["11/12/2026", 'ambiguous date (expected an ISO date such as 2026-11-01 (day-first and month-first dates read alike), found "11/12/2026")'],
    ["2026-13", 'no such month'],
    ["Novembre 2026", 'unknown month name (expected an English month name such as Nov or November, found "Novembre")'],
    ["2026-11-31", "bad period: no such date"],
    ["2026-11-01/2026-12-01T05:00:00Z", "period range mixes a date and an instant"],
  ];
  for (const [period, says] of refused) {
    it(`refuses ${period} at its cell`, async () => {
      const file = cleanBillWithPeriod(period);
      const { code, stderr } = await reconcileJson(file);
      expect(code).toBe(2);
      expect(stderr).toContain(`burnrate: error: ${file}:2:1: ${says}`);
    });
  }
});

describe("a bill mapping renames dimension columns", () => {
  it("reads the Project column as the project dimension", async () => {
    const file = cleanBillWithPeriod("2026-11", "Period,Item,Project,Qty,Credits");
    writeFileSync(`${file}.mapping.yaml`, "columns: { period_start: Period, activity: Item, quantity: Qty, amount: Credits }\ndimensions: { Project: project }\n");
    const { code, stderr, json } = await reconcileJson(file);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(json.bill.dimensions).toEqual(["project"]);
    expect(json.agreeing_lines).toBe(14);
    expect(json.lines.find((l: { meter: string }) => l.meter === "email").dimensions).toEqual({ project: "beta" });
  });

  it("refuses a rename to a dimension the card does not have, at the mapping's line", async () => {
    const file = cleanBillWithPeriod("2026-11", "period_start,activity,Project,quantity,amount");
    writeFileSync(`${file}.mapping.yaml`, "dimensions:\n  Project: projekt\n");
    const { code, stderr } = await reconcileJson(file);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`${file}\\.mapping\\.yaml:2:\\d+: unknown dimension "projekt"`));
  });
});

describe("a FOCUS 1.2 bill", () => {
  const focus = (bill: string, ...more: string[]) => reconcileJson(`${DIR}/focus/${bill}`, "--bill-mapping", `${DIR}/focus/mapping.yaml`, ...more);

  it("reconciles: daily charge rows sum to the cycle's lines, SkuIds and labels name the meters, a tag is the project", async () => {
    const { code, stderr, json } = await focus("bill.csv", "--bill-layout", "focus");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(json.bill.layout).toBe("focus");
    expect(json.bill.dimensions).toEqual(["project"]);
    expect(json.status).toBe("agrees");
    expect(json.bill_total).toBe("32.269");
    expect(json.agreeing_lines).toBe(14);
    // Data reads come as two days: 300 reads (3) and 260 reads (2.6), 560 at 0.01.
    const reads = json.lines.find((l: { meter: string }) => l.meter === "data_read");
    expect(reads).toMatchObject({ bill_quantity: "560", bill_amount: "5.6", computed_amount: "5.6", bill_rows: 2, bill_line: 7, activity: "FLP-DR" });
    // Email has no SkuId: its ChargeDescription is the card's label.
    expect(json.lines.find((l: { meter: string }) => l.meter === "email")).toMatchObject({ activity: "Email", dimensions: { project: "beta" }, bill_amount: "3" });
  });

  it("finds an overcharged line: Email billed 3.3 for 30 recipients at 0.1", async () => {
    const { code, json } = await focus("bill-overcharged.csv");
    expect(code).toBe(1);
    expect(json.differences).toHaveLength(1);
    expect(json.differences[0]).toMatchObject({ meter: "email", bill_amount: "3.3", computed_amount: "3", delta: "0.3" });
  });

  it("refuses a charge period outside its billing period, at the ChargePeriodStart cell", async () => {
    const { code, stderr } = await focus("bill-charge-outside.csv");
    expect(code).toBe(2);
    expect(stderr).toBe(`burnrate: error: ${DIR}/focus/bill-charge-outside.csv:11:5: charge period outside its billing period (expected an instant in 2026-11-01T04:00:00Z/2026-12-01T05:00:00Z, found 2026-12-02T05:00:00Z)\n`);
  });

  it("refuses a tag that is no dimension, naming the mapping keys that fix it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-focus-"));
    const file = join(dir, "bill.csv");
    writeFileSync(file, 'BillingPeriodStart,BilledCost,ChargeDescription,Tags\n2026-11-01T04:00:00Z,3,Email,"{""team"": ""x""}"\n');
    const r = await burnrate(["reconcile", ...account, "--bill", file, "--bill-layout", "focus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:4: tag "team" is not a dimension of any meter (expected a dimension (channel, distribution, model, project, source), a dimensions: entry renaming it, or ignore_columns: in the bill mapping`);
  });
});
