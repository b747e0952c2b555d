import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { terminalWidth } from "../src/render/shared/document.js";
import { burnrate, ROOT } from "./helpers/cli.js";

const DIR = "fixtures/reconcile";
const CLEAN = readFileSync(join(ROOT, DIR, "bill-clean.csv"), "utf8").trimEnd().split("\n");
const USAGE = readFileSync(join(ROOT, DIR, "usage.csv"), "utf8");
/** Every line of the clean bill agrees; its total, from the card's prices, is in test/reconcile.test.ts. */
const CLEAN_TOTAL = 32.269;

/** The clean bill with some lines replaced (by activity and project) and some added. */
function bill(replace: Record<string, string | null>, ...added: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-signoff-"));
  const lines = CLEAN.flatMap((l) => {
    const key = l.split(",").slice(1, 3).join(",");
    return key in replace ? (replace[key] === null ? [] : [replace[key]!]) : [l];
  });
  const file = join(dir, "bill.csv");
  writeFileSync(file, [...lines, ...added].join("\n") + "\n");
  return file;
}

function usage(...added: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-signoff-"));
  const file = join(dir, "usage.csv");
  writeFileSync(file, USAGE + added.map((l) => `${l}\n`).join(""));
  return file;
}

const reconcile = (billFile: string, usageFile = `${DIR}/usage.csv`, ...more: string[]) =>
  burnrate(["reconcile", "--account", `${DIR}/account.yaml`, "--usage", usageFile, "--bill", billFile, ...more]);

const json = async (billFile: string, usageFile?: string) => {
  const r = await reconcile(billFile, usageFile, "--format", "json");
  return { ...r, json: JSON.parse(r.stdout) };
};

const lineOf = (j: { lines: { meter: string; dimensions: Record<string, string> }[] }, meter: string, project: string) =>
  j.lines.find((l) => l.meter === meter && l.dimensions.project === project);

describe("reconcile sign-off: amounts decide agreement", () => {
  // Deleting 1 GB of alpha's 2 GB in November refunds 1 x 4 credits (the card's price per GB) against that cycle.
  const refundUsage = usage("2026-11-12T09:00:00Z,storage_deleted,1,st-alpha-del,alpha,,,,,");

  it("a refund billed as quantity 1 for -4 agrees with the statement's -1 for -4, with a note", async () => {
    const { code, stderr, json: j } = await json(bill({}, "2026-11-01,storage_deleted,alpha,1,-4"), refundUsage);
    expect([code, stderr]).toEqual([0, ""]);
    expect(j.status).toBe("agrees");
    expect(j.differences).toEqual([]);
    expect(Number(j.bill_total)).toBeCloseTo(CLEAN_TOTAL - 4, 9);
    expect(j.computed_total).toBe(j.bill_total);
    expect(lineOf(j, "storage_deleted", "alpha")).toMatchObject({
      status: "agrees", bill_quantity: "1", bill_amount: "-4", computed_quantity: "-1", computed_amount: "-4", delta: "0", class: null,
      note: expect.stringContaining("the same quantity with the other sign"),
    });
  });

  it("the note shows in the table beside the agreeing line", async () => {
    const r = await reconcile(bill({}, "2026-11-01,storage_deleted,alpha,1,-4"), refundUsage, "--format", "table", "--all-lines");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Lines that agree  15 (1 with a note)");
    expect(r.stdout).toMatch(/storage_deleted project=alpha +amounts agree; the bill shows quantity 1, usage -1/);
  });

  it("a quantity counted otherwise behind the same amount never fails a run", async () => {
    // 560 reads at 0.01 are 5.6 credits; the bill says 600 reads for the same 5.6.
    const { code, json: j } = await json(bill({ "Data reads,alpha": "2026-11-01,Data reads,alpha,600,5.6" }));
    expect(code).toBe(0);
    expect(lineOf(j, "data_read", "alpha")).toMatchObject({ status: "agrees", bill_quantity: "600", computed_quantity: "560", note: expect.stringContaining("the bill counts in its own way") });
  });
});

describe("reconcile sign-off: direction first", () => {
  // Overcharge: 40 writes billed at 0.06 (2.4) where the card says 0.05 (2): +0.4, explained as rate drift.
  // Undercharge: 4 SMS billed at the card's 0.5 (2) where usage has 6 (3): -1, a quantity mismatch.
  const planted = bill({ "Data writes,alpha": "2026-11-01,Data writes,alpha,40,2.4", "SMS,beta": "2026-11-01,SMS,beta,4,2" });

  it("totals the overcharged and undercharged lines apart, an explained overcharge included", async () => {
    const { code, json: j } = await json(planted);
    expect(code).toBe(1);
    expect(Number(j.bill_total)).toBeCloseTo(CLEAN_TOTAL + 0.4 - 1, 9);
    expect(j.delta).toBe("-0.6");
    expect(j.overcharged).toEqual({ differences: 1, amount: "0.4", money: "0" });
    expect(j.undercharged).toEqual({ differences: 1, amount: "-1", money: "0" });
    const over = j.differences.find((d: { direction: string }) => d.direction === "overcharged");
    const under = j.differences.find((d: { direction: string }) => d.direction === "undercharged");
    expect(over).toMatchObject({ meter: "data_write", class: "rate_drift", delta: "0.4", status: "differs", attention: true });
    expect(under).toMatchObject({ meter: "sms", class: "quantity_mismatch", delta: "-1", status: "differs", attention: true });
  });

  it("lists each direction under its own heading in the table and the markdown", async () => {
    const table = (await reconcile(planted, undefined, "--format", "table")).stdout;
    expect(table).toMatch(/Net difference +-0\.6 credits \(bill minus computed\)/);
    expect(table).toMatch(/Overcharged +1 line\(s\), \+0\.4 credits: the bill above usage/);
    expect(table).toMatch(/Undercharged +1 line\(s\), -1 credits: the bill below usage/);
    expect(table).toMatch(/Reason found +2 difference\(s\): rate_drift 1, quantity_mismatch 1/);
    const over = table.indexOf("Overcharged: the bill above usage");
    const under = table.indexOf("Undercharged: the bill below usage");
    expect(over).toBeGreaterThan(0);
    expect(table.slice(over, under)).toContain("data_write");
    expect(table.slice(under)).toMatch(/sms +project=beta/);
    const md = (await reconcile(planted, undefined, "--format", "markdown")).stdout;
    expect(md).toContain("**Overcharged: the bill above usage**");
    expect(md).toContain("**Undercharged: the bill below usage**");
    expect(md).toContain("- **Overcharged**: 1 line(s), +0.4 credits: the bill above usage");
  });
});

describe("reconcile sign-off: every line with its status", () => {
  // Email is not billed (usage has 3 credits of it), and the bill has 4 SMS for gamma that usage does not.
  const sides = bill({ "Email,beta": null }, "2026-11-01,SMS,gamma,4,2");
  const statuses = { agrees: 13, only_in_usage: 1, only_on_bill: 1 };

  it("the JSON carries every line, agreeing or not", async () => {
    const { json: j } = await json(sides);
    expect(j.lines).toHaveLength(15);
    const count = (s: string) => j.lines.filter((l: { status: string }) => l.status === s).length;
    expect({ agrees: count("agrees"), only_in_usage: count("only_in_usage"), only_on_bill: count("only_on_bill") }).toEqual(statuses);
    expect(lineOf(j, "email", "beta")).toMatchObject({ status: "only_in_usage", class: "missing_on_bill", direction: "undercharged", delta: "-3" });
    expect(lineOf(j, "sms", "gamma")).toMatchObject({ status: "only_on_bill", class: "missing_in_usage", direction: "overcharged", delta: "2" });
  });

  it("--all-lines lists every line in the table", async () => {
    const out = (await reconcile(sides, undefined, "--format", "table", "--all-lines")).stdout;
    const every = out.slice(out.indexOf("Every line"));
    const rows = every.split("\n").filter((l) => /^\s+2026-11-01 /.test(l));
    expect(rows).toHaveLength(15);
    expect(rows.filter((l) => / agrees$/.test(l))).toHaveLength(statuses.agrees);
    // The status cell may wrap its class onto the next line, within 100 columns.
    expect(rows.find((l) => l.includes("email"))).toMatch(/ only in usage:( missing_on_bill)?$/);
    expect(rows.find((l) => l.includes("gamma"))).toMatch(/ only on bill:( missing_in_usage)?$/);
    // Without the flag, only the differences are listed.
    expect((await reconcile(sides, undefined, "--format", "table")).stdout).not.toContain("Every line");
  });

  it("the CSV is a review sheet: one row per line with its status", async () => {
    const r = await reconcile(sides, undefined, "--format", "csv");
    const rows: Record<string, string>[] = parse(r.stdout, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual(["cycle", "meter", "project", "status", "direction", "class", "unit", "bill_quantity", "bill_amount",
      "computed_quantity", "computed_amount", "computed_events", "delta", "within_tolerance", "attention", "explanation"]);
    // The 15 lines, then the invoice's total (newcomer, stop 38).
    expect(rows).toHaveLength(16);
    expect(rows.filter((row) => row.status === "agrees")).toHaveLength(statuses.agrees);
    expect(rows.at(-1)).toMatchObject({ meter: "invoice total", status: "total", unit: "credits" });
    expect(rows.find((row) => row.meter === "email")).toMatchObject({ status: "only_in_usage", class: "missing_on_bill", bill_amount: "", computed_amount: "3", delta: "-3", attention: "yes" });
    expect(rows.find((row) => row.meter === "data_read")).toMatchObject({ status: "agrees", class: "", bill_amount: "5.6", computed_amount: "5.6", delta: "0", attention: "no" });
  });
});

describe("reconcile and simulate tables fit 100 columns off a terminal", () => {
  const widest = (text: string) => Math.max(...text.split("\n").slice(1).map((l) => l.length));

  it("reconcile, with every line", async () => {
    const r = await reconcile(`${DIR}/bill-boundary.csv`, undefined, "--format", "table", "--all-lines");
    expect(r.stdout).toContain("Every line");
    expect(widest(r.stdout)).toBeLessThanOrEqual(100);
  });

  it("simulate, comparing plans", async () => {
    const r = await burnrate(["simulate", "fixtures/scenarios/fliplet/headline.yaml", "--compare-plans", "--format", "table"]);
    expect(r.code).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(100);
  });
});

describe("the width tables take", () => {
  it("is 100 off a terminal and on a narrower one, the terminal's own when it is wider", () => {
    expect(terminalWidth(undefined)).toBe(100);
    expect(terminalWidth({ columns: 80 })).toBe(100);
    expect(terminalWidth({ columns: 160 })).toBe(160);
  });
});

describe("reconcile sign-off: a bill whose cycles start on another day than the account's anchor", () => {
  // The account's cycles start on the 1st (New York); this bill's on the 15th. Its lines are the card's
  // prices on the usage that falls in each bill period, with the recurring items and storage the account's
  // cycle starts (Nov 1, Dec 1) charge: 35.669 credits from Oct 15 and 12.1 from Nov 15.
  const OFF = `${DIR}/bill-off-anchor.csv`;

  it("re-cuts the usage at the bill's periods, and says so with the boundary class", async () => {
    const { code, stderr, json: j } = await json(OFF);
    expect([code, stderr]).toEqual([0, ""]);
    expect(j.cycles).toEqual([
      { start: "2026-10-15T04:00:00Z", end: "2026-11-15T05:00:00Z" },
      { start: "2026-11-15T05:00:00Z", end: "2026-12-15T05:00:00Z" },
    ]);
    expect(j.boundary).toMatchObject({ class: "boundary_shift", account_cycle_start: "2026-10-01T04:00:00Z", bill_cycle_start: "2026-10-15T04:00:00Z" });
    expect(Number(j.bill_total)).toBeCloseTo(35.669 + 12.1, 9);
    expect(j.computed_total).toBe(j.bill_total);
    expect(j.lines).toHaveLength(19);
    expect(j.lines.every((l: { status: string; class: string }) => l.status === "agrees" && l.class === "boundary_shift")).toBe(true);
    // 940 reads from Oct 15 to Nov 14 (300 + 40 + 100 + 500), 70 after (60 + 10).
    expect(j.lines.filter((l: { meter: string }) => l.meter === "data_read").map((l: { computed_quantity: string }) => l.computed_quantity)).toEqual(["940", "70"]);
    // Before Oct 15: the two projects (0.5 each) and the web publication (2) of early October.
    expect(j.outside_bill).toEqual([{ start: "2026-10-01T04:00:00Z", end: "2026-10-15T04:00:00Z", computed_amount: "3" }]);
  });

  it("still classes a difference within a re-cut bill", async () => {
    // 940 reads billed at 0.0101 each: 9.494 where the card gives 9.4.
    const file = join(mkdtempSync(join(tmpdir(), "burnrate-signoff-")), "off.csv");
    writeFileSync(file, readFileSync(join(ROOT, OFF), "utf8").replace("2026-10-15,Data reads,alpha,940,9.4\n", "2026-10-15,Data reads,alpha,940,9.494\n"));
    const { code, json: j } = await json(file);
    expect(code).toBe(1);
    expect(j.differences).toEqual([expect.objectContaining({ meter: "data_read", class: "rate_drift", delta: "0.094", direction: "overcharged" })]);
    expect(j.boundary.class).toBe("boundary_shift");
  });

  it("the table names the boundary and marks each re-cut line", async () => {
    const out = (await reconcile(OFF, undefined, "--format", "table", "--all-lines")).stdout;
    expect(out).toMatch(/Boundary +boundary_shift: the bill's cycles start on 2026-10-15, the account's on\s+2026-10-01; usage re-cut at the bill's periods/);
    expect(out.split("\n").filter((l) => l.endsWith("agrees (re-cut)"))).toHaveLength(19);
  });
});

describe("reconcile sign-off: money-billed lines reconcile in money", () => {
  // bolt is on Floopy Free: a quota of 1,000 requests a month, each request past it 0.002 USD (ratecards/floopy.yaml).
  const requests = readFileSync(join(ROOT, "fixtures/floopy/gateway.csv"), "utf8").trimEnd().split("\n").slice(1)
    .map((l) => l.split(",")).filter((c) => c[1] === "bolt" && c[0]!.startsWith("2026-11")).reduce((n, c) => n + Number(c[8]), 0);
  const over = requests - 1000;
  const floopyBill = (...rows: string[]) => {
    const file = join(mkdtempSync(join(tmpdir(), "burnrate-signoff-")), "bill.csv");
    writeFileSync(file, ["period_start,account,activity,quantity,amount", ...rows].join("\n") + "\n");
    return file;
  };
  const run = (file: string, format = "json") =>
    burnrate(["reconcile", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv", "--bill", file, "--format", format]);
  const credits = async (file: string) => JSON.parse((await run(file)).stdout).lines.find((l: { meter: string }) => l.meter === "request").computed_amount;

  it("an overage line agrees in USD, apart from the credit totals", async () => {
    expect(over).toBe(200);
    // A bill of overage alone compares no usage line (fees56): the probe bills the requests at 0 to read their credits.
    const probe = floopyBill("2026-11-01,bolt,Request,,0", `2026-11-01,bolt,Overage,${over},${over * 0.002}`);
    const file = floopyBill(`2026-11-01,bolt,Request,,${await credits(probe)}`, `2026-11-01,bolt,Overage,${over},0.4`);
    const r = await run(file);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const j = JSON.parse(r.stdout);
    expect(j.money).toEqual({ currency: "USD", bill_total: "0.4", computed_total: "0.4", delta: "0" });
    expect(j.bill_total).toBe(await credits(probe));
    // The unit named as the CSV names it (newcomer, stop 38: "money" and "credits" where the sheet said USD and cents).
    expect(j.lines.find((l: { meter: string }) => l.meter === "overage")).toMatchObject({ unit: "USD", status: "agrees", bill_quantity: "200", computed_quantity: "200", computed_amount: "0.4" });
  });

  it("a money difference is classed and totalled in money", async () => {
    // 250 requests billed past the quota where the usage has 200: 50 x 0.002 = 0.1 USD too much.
    const file = floopyBill(`2026-11-01,bolt,Request,,${await credits(floopyBill("2026-11-01,bolt,Request,,0", "2026-11-01,bolt,Overage,200,0.4"))}`, "2026-11-01,bolt,Overage,250,0.5");
    const r = await run(file);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.money).toMatchObject({ bill_total: "0.5", computed_total: "0.4", delta: "0.1" });
    expect(j.overcharged).toEqual({ differences: 1, amount: "0", money: "0.1" });
    expect(j.differences).toEqual([expect.objectContaining({ meter: "overage", unit: "USD", class: "quantity_mismatch", delta: "0.1" })]);
    expect((await run(file, "table")).stdout).toMatch(/Overage \(USD\) +bill 0\.5, computed 0\.4, difference \+0\.1 USD/);
  });
});
