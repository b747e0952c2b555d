import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A dollar invoice's grand total, and a credit on it (newcomer, stop 38). Floopy: unit cents at 0.01 USD a cent; Pro
// is 20 USD a month; gpt-4o on openai is 0.00025 cents an input token and 0.001 an output token.
//
// Usage: three requests of 1000 input and 1000 output tokens: input 3000 x 0.00025 = 0.75 cents, output 3000 x 0.001 =
// 3 cents. The invoice, in USD: the plan 20.00, input 0.01 (0.75 cents to the nearest cent), output 0.03, a sales tax
// of 1.78 the mapping ignores, and an SLA credit of -5.00 on the plan's line (charge category Credit).
//   every row: 20.00 + 0.01 + 0.03 + 1.78 - 5.00 = 16.82 USD; compared rows 20.04; not compared 1.78 - 5 = -3.22
//   burnrate for the compared rows: 20 + 0.0075 + 0.03 = 20.0375 USD
//   difference: 16.82 - 20.0375 = -3.2175; on the compared rows 20.04 - 20.0375 = +0.0025

function setup(mapping = ""): { args: string[]; dir: string; bill: string } {
  const dir = mkdtempSync(join(tmpdir(), "fix20b-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
  const rows = [1, 2, 3].map((k) => `2026-11-0${k + 1}T10:00:00Z,request,e${k},gpt-4o,openai,1000,1000`);
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,event_id,model,provider,input_tokens,output_tokens\n${rows.join("\n")}\n`);
  const bill = join(dir, "bills", "invoice.csv");
  mkdirSync(join(dir, "bills"));
  writeFileSync(bill, [
    "period_start,activity,model,provider,quantity,amount,currency,charge_category",
    "2026-11-01,Pro plan,,,1,20.00,USD,Usage",
    "2026-11-01,Input tokens,gpt-4o,openai,3000,0.01,USD,Usage",
    "2026-11-01,Output tokens,gpt-4o,openai,3000,0.03,USD,Usage",
    "2026-11-01,Sales tax,,,,1.78,USD,Tax",
    "2026-11-01,SLA credit,,,,-5.00,USD,Credit",
  ].join("\n") + "\n");
  writeFileSync(`${bill}.mapping.yaml`, `activities:\n  Pro plan: plan\n  Input tokens: request:input_tokens\n  Output tokens: request:output_tokens\n  Sales tax: ignore\n  SLA credit: plan\n${mapping}`);
  return { args: ["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", bill], dir, bill };
}

describe("reconcile: the invoice's grand total, in its currency, in every format", () => {
  it("JSON: every row as billed, burnrate's for the same, and the difference; each line's unit as the CSV names it", async () => {
    const { args } = setup();
    const run = await burnrate([...args, "--format", "json"]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.invoice).toEqual({ currency: "USD", bill_total: "16.82", converted: false, compared: "20.04", ignored: "1.78", credits: "-5", computed_total: "20.0375", delta: "-3.2175", compared_delta: "0.0025" });
    // The tokens' lines count cents, the plan's USD: no line says "credits" or "money".
    expect(Object.fromEntries(json.lines.map((l: { meter: string; unit: string }) => [l.meter, l.unit]))).toEqual({ "request": "cents", "request:input_tokens": "cents", "request:output_tokens": "cents", "plan": "USD" });
    expect(json.ignored).toEqual([expect.objectContaining({ activity: "Sales tax", amount: "178", unit: "cents" })]);
  });

  it("table, markdown and HTML state the total beside burnrate's and the difference, and whose it is", async () => {
    const { args } = setup();
    const table = (await burnrate([...args, "--format", "table"])).stdout;
    expect(table).toMatch(/Invoice total \(USD\) +16\.82 as billed, every row: 20\.04 compared, 1\.78 ignored by the mapping,\s+-5\s+credits/);
    expect(table).toMatch(/Computed \(USD\) +20\.0375 for the compared rows/);
    expect(table).toMatch(/Invoice difference +-3\.2175 USD \(bill minus computed\): \+0\.0025 on the compared rows, -3\.22 the\s+rows not compared/);
    const markdown = (await burnrate([...args, "--format", "markdown"])).stdout;
    expect(markdown).toContain("**Invoice total (USD)**: 16.82 as billed");
    const html = (await burnrate([...args, "--format", "html"])).stdout;
    expect(html).toContain("Invoice total (USD)");
    expect(html).toContain("16.82 as billed");
  });

  it("CSV: the credit on a row of its own, then the invoice's total row in USD", async () => {
    const { args, bill } = setup();
    const rows = parse((await burnrate([...args, "--format", "csv"])).stdout, { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.status === "credit")).toMatchObject({ meter: "plan", unit: "USD", bill_amount: "-5", attention: "no", explanation: expect.stringContaining(`${bill}:6, SLA credit`) });
    expect(rows.at(-1)).toMatchObject({ meter: "invoice total", status: "total", unit: "USD", bill_amount: "16.82", computed_amount: "20.0375", delta: "-3.2175" });
  });
});

describe("reconcile: a credit on the invoice is its own class, listed and totalled", () => {
  it("the plan's line agrees without the credit, which is listed, and the run passes", async () => {
    const { args, bill } = setup();
    const run = await burnrate([...args, "--format", "json"]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.status).toBe("within_tolerance");
    // 20 billed, 20 owed; the input line's 0.75 cents billed 1 cent is a rounding.
    expect(json.lines.find((l: { meter: string }) => l.meter === "plan")).toMatchObject({ status: "agrees", bill_amount: "20", computed_amount: "20" });
    expect(json.differences.map((d: { class: string }) => d.class)).toEqual(["rounding"]);
    expect(json.credits).toEqual({ rule: "pass", amount: "0", money: "-5", rows: [{ cycle: "2026-11-01T00:00:00Z", meters: ["plan"], activity: "SLA credit", dimensions: {}, amount: "-5", unit: "USD", bill_line: 6, attention: false }] });
    const table = (await burnrate([...args, "--format", "table"])).stdout;
    expect(table).toMatch(/Credits +1 row\(s\), -5 USD: listed apart from the lines they were given on, and passed/);
    expect(table).toContain("Credits on the bill (not compared)");
    expect(table).toContain(`${bill}:6`);
  });

  it("credits: fail in the bill mapping has each need attention: exit 1, naming the first", async () => {
    const { args, bill } = setup("credits: fail\n");
    const run = await burnrate([...args, "--format", "json"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`1 credit(s) on the bill need attention (the bill mapping's credits: fail); first: ${bill}:6 SLA credit`);
    const json = JSON.parse(run.stdout);
    expect([json.status, json.credits.rule, json.credits.rows[0].attention]).toEqual(["attention", "fail", true]);
    expect((await burnrate([...args, "--format", "table"])).stdout).toMatch(/Status +needs attention \(1 credit\(s\)\)/);
  });

  it("a credits: value that is neither pass nor fail is refused at its key", async () => {
    const { args, bill } = setup("credits: maybe\n");
    const run = await burnrate(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bill}.mapping.yaml:7:10`);
    expect(run.stderr).toMatch(/pass.*fail/);
  });
});
