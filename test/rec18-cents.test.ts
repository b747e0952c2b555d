import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Bills in dollars, each row rounded to a cent (newcomer and red team, stop 36). Floopy prices in cents at
// 0.01 USD a cent, so a cent of USD is 1 unit: gpt-4o on openai is 0.00025 an input token, 0.001 an output token.
// Fliplet prices in credits at 0.01 USD a credit, so a cent of USD is 1 credit: a data read is 0.01 credits.

function dir(): string {
  return mkdtempSync(join(tmpdir(), "rec18-"));
}

function floopy(d: string, events: readonly { id: string; at: string; input: number; output: number }[]): string[] {
  writeFileSync(join(d, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
  const rows = events.map((e) => `${e.at},request,${e.id},gpt-4o,openai,${e.input},${e.output}`);
  writeFileSync(join(d, "usage.csv"), `timestamp,meter,event_id,model,provider,input_tokens,output_tokens\n${rows.join("\n")}\n`);
  return ["reconcile", "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv")];
}

// Three requests of 1000 input and 1000 output tokens: 3 x (1000 x 0.00025 + 1000 x 0.001) = 3 x 1.25 = 3.75 cents.
const THREE = [1, 2, 3].map((k) => ({ id: `e${k}`, at: `2026-11-0${k + 1}T10:00:00Z`, input: 1000, output: 1000 }));

function focus(d: string, rows: readonly string[]): string {
  const bill = join(d, "focus.csv");
  const tags = '"{""model"":""gpt-4o"",""provider"":""openai""}"';
  writeFileSync(bill, `BillingPeriodStart,ChargePeriodStart,BilledCost,BillingCurrency,ChargeCategory,ConsumedQuantity,SkuId,ChargeDescription,Tags\n${rows.map((r) => `${r},${tags}`).join("\n")}\n`);
  return bill;
}

const AT = "2026-11-01T00:00:00Z,2026-11-01T00:00:00Z";

describe("reconcile: a tax or credit on a dollar invoice (FOCUS) whose usage row is rounded to a cent", () => {
  it("names the tax, not a rate drift, and fails even within a wide --tolerance-percent", async () => {
    const d = dir();
    // The usage row: 3.75 cents is 0.0375 USD, billed 0.04 (to the nearest cent); the tax row: 0.28 USD, 28 cents.
    // The line: 4 + 28 = 32 cents against 3.75, +28.25; without the tax's 28 it is the cent's rounding alone.
    const bill = focus(d, [`${AT},0.04,USD,Usage,3,request,gpt-4o`, `${AT},0.28,USD,Tax,,request,Sales tax`]);
    const run = await burnrate([...floopy(d, THREE), "--bill", bill, "--bill-layout", "focus", "--tolerance-percent", "95", "--format", "json"]);
    expect(run.code).toBe(1);
    const [diff] = JSON.parse(run.stdout).differences;
    expect(diff.class).toBe("unexplained");
    expect(diff.delta).toBe("28.25");
    expect(diff.explanation).toContain("the bill's usage rows come to 4 cents, the usage's 3.75 rounded to a cent of its currency (step 1); its credit, adjustment or tax rows add 28");
  });

  it("lists a credit apart from usage rows each rounded to a cent, which are then a rounding", async () => {
    const d = dir();
    // Two daily rows: requests 1 and 2 (2.5 cents, billed 0.03 USD, up) and request 3 (1.25 cents, billed 0.01 USD, down):
    // 4 cents for 3.75; a goodwill credit of -0.02 USD, -2 cents. Changed on purpose (newcomer, stop 38): the credit
    // was summed into the line (2 against 3.75, unexplained); it is listed apart, and the line is its two rows' cents.
    const bill = focus(d, [`${AT},0.03,USD,Usage,2,request,gpt-4o`, `${AT},0.01,USD,Usage,1,request,gpt-4o`, `${AT},-0.02,USD,Credit,,request,Goodwill credit`]);
    const run = await burnrate([...floopy(d, THREE), "--bill", bill, "--bill-layout", "focus", "--format", "json"]);
    const json = JSON.parse(run.stdout);
    const [diff] = json.differences;
    expect([diff.class, diff.delta]).toEqual(["rounding", "0.25"]);
    expect(diff.explanation).toContain("the bill rounds each of its 2 rows to a cent of its currency (step 1)");
    expect(json.credits.rows).toEqual([expect.objectContaining({ activity: "request", bill_line: 4, amount: "-2", unit: "cents" })]);
    // The invoice: 0.03 + 0.01 - 0.02 = 0.02 USD as billed; burnrate's 3.75 cents is 0.0375 USD.
    expect(json.invoice).toMatchObject({ currency: "USD", bill_total: "0.02", compared: "0.04", credits: "-0.02", computed_total: "0.0375", delta: "-0.0175" });
  });
});

describe("reconcile: a repeated event on a dollar invoice", () => {
  // e1 repeated under its id: priced once. Computed: e1 1.25 + e2 (2000 x 0.00025 + 400 x 0.001 = 0.9) = 2.15 cents;
  // the repeat costs 1.25, so a bill counting it is 3.4 cents, to the nearest cent 0.03 USD.
  const events = [
    { id: "e1", at: "2026-11-02T10:00:00Z", input: 1000, output: 1000 },
    { id: "e2", at: "2026-11-03T10:00:00Z", input: 2000, output: 400 },
    { id: "e1", at: "2026-11-04T10:00:00Z", input: 1000, output: 1000 },
  ];
  /** The differences of the bill that charges the line `amount` in `currency`. */
  const differences = async (amount: string, currency: string) => {
    const d = dir();
    const bill = join(d, "bill.csv");
    writeFileSync(bill, `period_start,activity,model,provider,quantity,amount,currency\n2026-11-01,request,gpt-4o,openai,3,${amount},${currency}\n`);
    const run = await burnrate([...floopy(d, events), "--bill", bill, "--format", "json"]);
    return JSON.parse(run.stdout).differences as { class: string; delta: string; explanation: string }[];
  };

  it("is duplicate_events at the nearest cent, and does not say exactly when the cent rounds it", async () => {
    const [diff] = await differences("0.03", "USD");
    expect(diff!.class).toBe("duplicate_events");
    expect(diff!.delta).toBe("0.85");
    expect(diff!.explanation).not.toContain("exactly");
    expect(diff!.explanation).toContain("cost, 1.25 cents, the line's 3.4 rounded to the nearest cent of the bill's currency (step 1)");
  });

  it("says exactly where it is: 3.4 cents billed in cents", async () => {
    const [diff] = await differences("3.4", "cents");
    expect(diff!.class).toBe("duplicate_events");
    expect(diff!.explanation).toContain("exactly what the events the log repeats under an existing event_id cost");
  });

  it("is not a repeat where the cent is not the nearest: 0.04 USD for 3.4 cents, as 4 cents is", async () => {
    for (const [amount, currency] of [["0.04", "USD"], ["4", "cents"]] as const) {
      expect((await differences(amount, currency)).map((x) => x.class)).toEqual(["unexplained"]);
    }
  });
});

describe("reconcile: a line of several rows in dollars is rounding only where each row was rounded to a cent", () => {
  const fliplet = (d: string, rows: readonly string[]) => {
    writeFileSync(join(d, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
    // 300 + 260 reads = 560 x 0.01 = 5.6 credits.
    writeFileSync(join(d, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,300,alpha\n2026-11-03T10:00:00Z,data_read,260,alpha\n");
    writeFileSync(join(d, "bill.csv"), `period_start,activity,project,quantity,amount,currency\n${rows.map((r) => `2026-11-01,data_read,alpha,${r},USD`).join("\n")}\n`);
    return ["reconcile", "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv"), "--bill", join(d, "bill.csv"), "--tolerance", "1.5", "--format", "json"];
  };
  const classes = async (rows: readonly string[]) => JSON.parse((await burnrate(fliplet(dir(), rows))).stdout).differences.map((x: { class: string }) => x.class);

  it("a row of 300 reads, 3 credits, exactly 0.03 USD, billed 0.04 is a rate drift, as it is alone", async () => {
    // 4 + 3 = 7 credits for 5.6: 560 reads at 0.0125.
    expect(await classes(["300,0.04", "260,0.03"])).toEqual(["rate_drift"]);
  });

  it("a row that is no whole cent (0.0269 USD) was not rounded to one", async () => {
    expect(await classes(["300,0.03", "260,0.0269"])).toEqual(["rate_drift"]);
  });

  it("rows each rounded to a cent stay rounding: 305 reads (3.05) billed 0.03, 255 reads (2.55) billed 0.03", async () => {
    expect(await classes(["305,0.03", "255,0.03"])).toEqual(["rounding"]);
    const d = dir();
    const run = await burnrate(fliplet(d, ["310,0.04", "250,0.03"]));
    // 310 reads, 3.1 credits, up to 4; 250 reads, exactly 2.5, rounded to 3 (half-up): 7 for 5.6, rounding, 1.4 within 1.5.
    const [diff] = JSON.parse(run.stdout).differences;
    expect(diff.class).toBe("rounding");
    expect(diff.explanation).toContain("the bill rounds each of its 2 rows to a cent of its currency (step 1)");
  });
});
