import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { floopyNewYork } from "./helpers/floopy-new-york.js";

/**
 * Once reconcile finds that a bill cuts its months at 00:00 UTC for a New York account, every line is judged at the
 * bill's cut, not only the lines the cut explains (newcomer, stop 38: a rate drift on a line the cut also moved was
 * "quantity and price both differ", +60 cents, where at the cut it is a rate_drift of +60.75); and a line the cut
 * explains, as billed there once rounded, passes (it was over tolerance, so every UTC-billed month exited 1).
 *
 * Floopy (ratecards/floopy.yaml) prices a request by its tokens, in cents: gpt-4o on openai 0.00025 an input token
 * and 0.001 an output token; on azure 0.000275 and 0.0011. Its bills in USD are read at 0.01 USD a cent.
 */
const HEADER = "timestamp,meter,model,provider,input_tokens,output_tokens,event_id,account";

interface Line {
  meter: string;
  account?: string;
  dimensions: Record<string, string>;
  class: string | null;
  status: string;
  direction: string | null;
  delta: string;
  computed_quantity: string | null;
  computed_amount: string | null;
  within_tolerance: boolean;
  explanation: string | null;
  moved?: { quantity: string; amount: string; events_in: number; events_out: number; account_computed_quantity: string | null; account_computed_amount: string | null };
  bill_unit_price?: string;
  card_unit_price?: string;
}

async function reconcile(usage: readonly string[], bill: readonly string[], options: { mapping?: string; flags?: string[] } = {}) {
  const { dir, account } = floopyNewYork("fix20g-", { grants: { acme: 10000000, globex: 10000000 }, header: HEADER, usage, bill });
  const mapping = options.mapping === undefined ? [] : (writeFileSync(join(dir, "map.yaml"), options.mapping), ["--bill-mapping", join(dir, "map.yaml")]);
  const r = await burnrate(["reconcile", "--account", account, "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), ...mapping, ...(options.flags ?? []), "--format", "json"]);
  const json = JSON.parse(r.stdout);
  const line = (meter: string, provider: string, account?: string): Line => json.lines.find((l: Line) => l.meter === meter && l.dimensions.provider === provider && (account === undefined || l.account === account));
  return { code: r.code, stderr: r.stderr, json, line };
}

// n0 is October in New York and November at UTC; d1 is November in New York and December at UTC.
const OPENAI = [
  "2026-10-15T12:00:00Z,request,gpt-4o,openai,1000000,100000,o1,acme",
  "2026-11-01T02:00:00Z,request,gpt-4o,openai,2000000,200000,n0,acme",
  "2026-11-15T12:00:00Z,request,gpt-4o,openai,1000003,100000,n1,acme",
  "2026-12-01T02:00:00Z,request,gpt-4o,openai,4000000,400000,d1,acme",
  "2026-12-15T12:00:00Z,request,gpt-4o,openai,1000000,100000,d2,acme",
];
// New York's November: n1 + d1 = 5,000,003 input tokens x 0.00025 = 1,250.00075 cents; 500,000 output x 0.001 = 500.
// The UTC month:      n0 + n1 = 3,000,003 input tokens x 0.00025 =   750.00075 cents; 300,000 output x 0.001 = 300.
const BILL = "period_start,activity,model,provider,quantity,amount,currency";

describe("a rate drift on a line the bill's cut also moves is a rate drift, of the drift's amount (newcomer, stop 38)", () => {
  it("a dollar bill by token component: output billed at 0.0011 a token is rate_drift +30 cents at the cut", async () => {
    const { code, stderr, json, line } = await reconcile(OPENAI, [
      BILL,
      "2026-11-01,request:input_tokens,gpt-4o,openai,3000003,7.50,USD", // 750.00075 cents to the cent
      "2026-11-01,request:output_tokens,gpt-4o,openai,300000,3.30,USD", // 300,000 x 0.0011 = 330 cents
    ]);
    const output = line("request:output_tokens", "openai");
    // At the cut: the billed quantity, 300 cents at the card's price, 330 billed: +30, at 0.0011 against 0.001.
    expect(output).toMatchObject({ class: "rate_drift", computed_quantity: "300000", computed_amount: "300", delta: "30", direction: "overcharged", within_tolerance: false, bill_unit_price: "0.0011", card_unit_price: "0.001" });
    // What the cut moved on it: 300,000 - 500,000 tokens, 300 - 500 cents; New York's figures kept.
    expect(output.moved).toEqual({ quantity: "-200000", amount: "-200", events_in: 1, events_out: 1, account_computed_quantity: "500000", account_computed_amount: "500" });
    expect(output.explanation).toContain("at the bill's cut (the bill cuts cycles at 00:00 UTC, not 00:00 America/New_York) usage gives quantity 300000, 300 cents");
    expect(output.explanation).toContain("same quantity (300000), but the bill charges 0.0011 per unit and the card 0.001");
    // The input line is as billed at the cut once rounded (750.00075 cents is 7.50 USD): explained, and it passes.
    const input = line("request:input_tokens", "openai");
    expect(input).toMatchObject({ class: "boundary_shift", computed_quantity: "3000003", computed_amount: "750.00075", delta: "-0.00075", within_tolerance: true });
    expect(input.moved).toMatchObject({ quantity: "-2000000", amount: "-500", account_computed_amount: "1250.00075" });
    // The drift alone needs attention.
    expect(code).toBe(1);
    expect(stderr).toContain("1 bill difference(s) need attention; first: 2026-11-01T04:00:00Z request:output_tokens rate_drift, over tolerance");
    // Totals at the cut: 1,050.00075 computed, 1,080 billed; the cut moved -500 - 200 = -700 out, from New York's 1,750.00075.
    expect(json).toMatchObject({ computed_total: "1050.00075", bill_total: "1080", delta: "29.99925" });
    expect(json.boundary_shifts).toEqual([{ explanation: "the bill cuts cycles at 00:00 UTC, not 00:00 America/New_York", moved_amount: "-700", moved_money: "0", account_computed_total: "1750.00075", explained_lines: 1, rule: "pass", cut: "00:00 UTC", declared_cut: "00:00 UTC", at_declared_cut: true }]);
    // Nothing lost: the neighbouring months at the cut hold what moved. UTC October: o1 1,000,000 x 0.00025 + 100,000 x 0.001
    // = 350; UTC December: d1 + d2 = 5,000,000 x 0.00025 + 500,000 x 0.001 = 1,750.
    expect(json.outside_bill.map((c: { computed_amount: string }) => c.computed_amount)).toEqual(["350", "1750"]);
  });

  it("the same run with a tolerance over the drift passes, and --timezone UTC gives the drift the same figures", async () => {
    const bill = [BILL, "2026-11-01,request:input_tokens,gpt-4o,openai,3000003,7.50,USD", "2026-11-01,request:output_tokens,gpt-4o,openai,300000,3.30,USD"];
    expect((await reconcile(OPENAI, bill, { flags: ["--tolerance", "30"] })).code).toBe(0);
    const utc = await reconcile(OPENAI, bill, { flags: ["--timezone", "UTC"] });
    const [at, cut] = [utc.line("request:output_tokens", "openai"), (await reconcile(OPENAI, bill)).line("request:output_tokens", "openai")];
    expect([cut.class, cut.delta, cut.computed_amount]).toEqual([at.class, at.delta, at.computed_amount]);
  });

  it("a line the bill leaves out is missing_on_bill for what the cut leaves on it, not the account's month", async () => {
    const { line } = await reconcile(OPENAI, [BILL, "2026-11-01,request:input_tokens,gpt-4o,openai,3000003,7.50,USD"]);
    // At the cut the output tokens are n0 + n1 = 300,000 x 0.001 = 300 cents; New York's month has 500.
    expect(line("request:output_tokens", "openai")).toMatchObject({ class: "missing_on_bill", computed_amount: "300", delta: "-300" });
  });

  it("a count that differs at the cut is quantity_mismatch by the cut's gap", async () => {
    const { line } = await reconcile(OPENAI, [
      BILL,
      "2026-11-01,request:input_tokens,gpt-4o,openai,3000003,7.50,USD",
      "2026-11-01,request:output_tokens,gpt-4o,openai,310000,3.10,USD", // 10,000 tokens more than the UTC month, at 0.001: 310 cents
    ]);
    // At the cut: 310,000 billed against 300,000, priced at the card's 0.001: +10 cents (New York's month read 500,000, -190).
    expect(line("request:output_tokens", "openai")).toMatchObject({ class: "quantity_mismatch", computed_quantity: "300000", computed_amount: "300", delta: "10" });
  });

  it("repeats billed on a line the cut moves are duplicate_events at the cut", async () => {
    // azure: z0 (Nov 1 03:00Z, October in New York) and a1, repeated under its id; each 1,000 x 0.000275 + 100 x 0.0011
    // = 0.385 cents. The UTC month has z0 and a1, 0.77; the bill counts the repeat too: 3 requests, 1.155 cents.
    const usage = [
      ...OPENAI,
      "2026-11-01T03:00:00Z,request,gpt-4o,azure,1000,100,z0,acme",
      "2026-11-10T12:00:00Z,request,gpt-4o,azure,1000,100,a1,acme",
      "2026-11-10T12:05:00Z,request,gpt-4o,azure,1000,100,a1,acme",
    ];
    const { line } = await reconcile(usage, [
      "period_start,activity,model,provider,quantity,amount",
      "2026-11-01,request:input_tokens,gpt-4o,openai,3000003,750.00075",
      "2026-11-01,request:output_tokens,gpt-4o,openai,300000,300",
      "2026-11-01,request,gpt-4o,azure,3,1.155",
    ]);
    expect(line("request", "azure")).toMatchObject({ class: "duplicate_events", computed_quantity: "2", computed_amount: "0.77", delta: "0.385" });
    expect(line("request:input_tokens", "openai")).toMatchObject({ class: "boundary_shift", delta: "0", status: "agrees", direction: null, within_tolerance: true });
  });

  it("a bill naming accounts: each account's lines at the cut, the drift on globex's alone", async () => {
    // globex as acme's openai requests, its output billed at 0.0011 a token: 300,000 x 0.0011 = 330 cents.
    const usage = [...OPENAI, ...OPENAI.map((l) => l.replace(/,(\w+),acme$/, ",g$1,globex"))];
    const { code, line } = await reconcile(usage, [
      "period_start,activity,model,provider,quantity,amount,account",
      "2026-11-01,request:input_tokens,gpt-4o,openai,3000003,750.00075,acme",
      "2026-11-01,request:output_tokens,gpt-4o,openai,300000,300,acme",
      "2026-11-01,request:input_tokens,gpt-4o,openai,3000003,750.00075,globex",
      "2026-11-01,request:output_tokens,gpt-4o,openai,300000,330,globex",
    ]);
    expect(line("request:output_tokens", "openai", "acme")).toMatchObject({ class: "boundary_shift", delta: "0", within_tolerance: true });
    expect(line("request:output_tokens", "openai", "globex")).toMatchObject({ class: "rate_drift", computed_amount: "300", delta: "30" });
    expect(line("request:input_tokens", "openai", "globex")).toMatchObject({ class: "boundary_shift", delta: "0" });
    expect(code).toBe(1);
  });
});

describe("accounts compared in groups of their own cycles: the cut found for one group judges that group's lines", () => {
  it("default's UTC-cut lines at the cut (a drift on writes), bob's moved cycles as they are", async () => {
    // Fliplet (ratecards/fliplet.yaml): a data read 0.01 credits, a data write 0.05. bob upgraded with new_cycle on Nov 10,
    // so his cycles are not default's months: the two are compared apart (rec19).
    const dir = mkdtempSync(join(tmpdir(), "fix20g-"));
    writeFileSync(join(dir, "card.yaml"), `${readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8")}\nplan_changes: { upgrade: new_cycle }\n`);
    writeFileSync(join(dir, "account.yaml"), "card: card.yaml\nplan: pro\nanchor: 2026-10-01\ntimezone: America/New_York\naccounts:\n  bob: { plan: free, changes: [ { at: 2026-11-10, plan: pro } ] }\n");
    writeFileSync(join(dir, "usage.csv"), [
      "timestamp,meter,quantity,event_id,project,account",
      "2026-11-01T02:00:00Z,data_read,50,r0,alpha,default", // October in New York, November at UTC
      "2026-11-01T02:30:00Z,data_write,10,w0,alpha,default", // the same
      "2026-11-03T14:00:00Z,data_read,100,r1,alpha,default",
      "2026-11-05T14:00:00Z,data_write,20,w1,alpha,default",
      "2026-11-04T14:00:00Z,data_read,200,r2,alpha,bob",
      "2026-11-14T14:00:00Z,data_read,300,r3,alpha,bob",
    ].join("\n") + "\n");
    writeFileSync(join(dir, "bill.csv"), [
      "period_start,activity,project,quantity,amount,account",
      "2026-11-01,data_read,alpha,150,1.5,default", // r0 + r1 = 150 x 0.01
      "2026-11-01,data_write,alpha,30,1.8,default", // w0 + w1 = 30 at 0.06 against the card's 0.05 (1.5)
      "2026-11-01,plan,,,9,default",
      "2026-11-01,data_read,alpha,200,2,bob",
      "2026-11-10,data_read,alpha,300,3,bob",
      "2026-11-10,plan,,,9,bob",
    ].join("\n") + "\n");
    const r = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    const json = JSON.parse(r.stdout);
    const line = (meter: string, account: string, cycle: string) => json.lines.find((l: Line & { cycle: string }) => l.meter === meter && l.account === account && l.cycle === cycle);
    expect(line("data_write", "default", "2026-11-01T04:00:00Z")).toMatchObject({ class: "rate_drift", computed_quantity: "30", computed_amount: "1.5", delta: "0.3" });
    expect(line("data_read", "default", "2026-11-01T04:00:00Z")).toMatchObject({ class: "boundary_shift", delta: "0", within_tolerance: true });
    expect(line("data_read", "bob", "2026-11-10T05:00:00Z")).toMatchObject({ status: "agrees", class: null, computed_amount: "3" });
    // New York's month: r1 1 credit and w1 20 x 0.05 = 1; the cut moves r0 0.5 and w0 0.5 in.
    expect(json.boundary_shifts).toEqual([expect.objectContaining({ accounts: "default", moved_amount: "1", account_computed_total: "2", explained_lines: 1 })]);
    expect(r.code).toBe(1);
  });
});

describe("a line the bill's cut explains passes; boundary_shift: fail holds its whole gap (newcomer, stop 38)", () => {
  const bill = [BILL, "2026-11-01,request:input_tokens,gpt-4o,openai,3000003,7.50,USD", "2026-11-01,request:output_tokens,gpt-4o,openai,300000,3.00,USD"];

  it("as billed at the cut once rounded to the cent: within tolerance, exit 0", async () => {
    const { code, stderr, json, line } = await reconcile(OPENAI, bill);
    expect([code, stderr, json.status]).toEqual([0, "", "within_tolerance"]);
    // 750 cents billed for 750.00075 at the cut; 300 for 300.
    expect(line("request:input_tokens", "openai")).toMatchObject({ class: "boundary_shift", delta: "-0.00075", within_tolerance: true, direction: "undercharged" });
    expect(line("request:output_tokens", "openai")).toMatchObject({ class: "boundary_shift", delta: "0", within_tolerance: true, direction: null, status: "agrees" });
  });

  it("the table says where the bill cuts and what the cut moved, and lists the line as billed at the cut", async () => {
    const { dir, account } = floopyNewYork("fix20g-", { grants: { acme: 10000000 }, header: HEADER, usage: OPENAI, bill });
    const r = await burnrate(["reconcile", "--account", account, "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "markdown"]);
    expect(r.code).toBe(0);
    // -500 on input and -200 on output: 700 cents moved out of New York's month, whose lines come to 1,750.00075.
    expect(r.stdout).toContain("700 cents moved out to the neighbouring cycles (usage at the account's cycles 1,750.00075 cents)");
    expect(r.stdout).toContain("As billed at the bill's cut: the boundary explains the gap");
  });

  it("boundary_shift: fail in the bill mapping holds each explained line's whole gap at the account's cycles: exit 1", async () => {
    const mapping = "currency: USD\nboundary_shift: fail\n";
    const { code, stderr, json, line } = await reconcile(OPENAI, bill, { mapping });
    expect(code).toBe(1);
    // The input line's gap at New York's month: 750 - 1,250.00075 = -500.00075 cents; over no tolerance.
    expect(line("request:input_tokens", "openai")).toMatchObject({ class: "boundary_shift", within_tolerance: false });
    expect(stderr).toContain("2 bill difference(s) need attention");
    expect(json.boundary_shifts[0].rule).toBe("fail");
    // A tolerance of 500.00075 cents covers both gaps (output: 300 - 500 = -200): exit 0.
    expect((await reconcile(OPENAI, bill, { mapping, flags: ["--tolerance", "500.00075"] })).code).toBe(0);
  });
});
