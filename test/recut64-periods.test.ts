import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red63e H2: a bill cut on the 5th at 00:00 UTC, for an account in New York, was re-cut at New York's midnight, with
// `cut: "00:00 UTC"` declared in its mapping, and its correct lines failed where a row fell between the two.
describe("reconcile re-cuts a bill cut on another day at the cut its mapping declares (red63e H2)", () => {
  // Floopy Free, in New York, anchored on November 1; gpt-4o at 0.00025 a token in. By hand: 1,000,000 tokens on Nov
  // 10 (250), 400,000 at 2026-12-05T02:00Z (100: December 5 in UTC, still December 4 in New York), 200,000 on Dec 10
  // (50). At 00:00 UTC the period from November 5 holds 1,000,000 (250), the one from December 5 600,000 (150).
  function args(mapping: string | undefined): string[] {
    const dir = mkdtempSync(join(tmpdir(), "recut64-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${JSON.stringify(join(ROOT, "ratecards/floopy.yaml"))}\nplan: free\nanchor: 2026-11-01\ntimezone: America/New_York\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-10T10:00:00Z,request,gpt-4o,openai,1000000,0\n2026-12-05T02:00:00Z,request,gpt-4o,openai,400000,0\n2026-12-10T10:00:00Z,request,gpt-4o,openai,200000,0\n");
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,model,provider,quantity,amount\n2026-11-05,request:input_tokens,gpt-4o,openai,1000000,250\n2026-12-05,request:input_tokens,gpt-4o,openai,600000,150\n");
    const out = ["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"];
    if (mapping === undefined) return out;
    writeFileSync(join(dir, "bill.mapping.yaml"), mapping);
    return [...out, "--bill-mapping", join(dir, "bill.mapping.yaml")];
  }
  const inputLines = (stdout: string) =>
    JSON.parse(stdout)
      .lines.filter((l: { activity: string }) => l.activity === "request:input_tokens")
      .map((l: { cycle: string; computed_quantity: string; computed_amount: string; status: string }) => [l.cycle.slice(0, 10), l.computed_quantity, l.computed_amount, l.status]);

  it("agrees at 00:00 UTC, declared", async () => {
    const r = await burnrate(args('cut: "00:00 UTC"\n'));
    expect(inputLines(r.stdout)).toEqual([
      ["2026-11-05", "1000000", "250", "agrees"],
      ["2026-12-05", "600000", "150", "agrees"],
    ]);
    expect(r.code).toBe(0);
  });

  it("is re-cut at New York's midnight where nothing is declared, and the row between moves", async () => {
    const r = await burnrate(args(undefined));
    expect(r.code).toBe(1);
    expect(inputLines(r.stdout).map((l: string[]) => l.slice(0, 3))).toEqual([
      ["2026-11-05", "1400000", "350"],
      ["2026-12-05", "200000", "50"],
    ]);
  });
});

// red63e M2: a bill by calendar month for an account whose cycles an upgrade moved (`new_cycle`) owes, each month, the
// fees of the cycles that start in it; a cycle that starts after the log's last row was never replayed, and December's
// fee was "missing in usage".
describe("reconcile compares the fee of a moved cycle that starts after the log's last row (red63e M2)", () => {
  // Floopy Free from November 1, Pro (20 USD) from November 10 starting a cycle of its own: cycles Nov 10 to Dec 10 and
  // Dec 10 to Jan 10. The log's last row is on December 8. November owes Pro's first fee, December its second.
  function args(bill: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), "recut64-"));
    writeFileSync(join(dir, "card.yaml"), `${readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8")}\nplan_changes: { upgrade: new_cycle }\n`);
    writeFileSync(join(dir, "account.yaml"), 'plan: free\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: 2026-11-10, plan: pro }\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01" }\n');
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-20T10:00:00Z,request,gpt-4o,openai,1000,0\n2026-12-08T10:00:00Z,request,gpt-4o,openai,1000,0\n");
    writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount,currency\n${bill}`);
    return ["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"];
  }

  // Each month's row: 1,000 tokens of gpt-4o in at 0.00025 cents, 0.25 cents, 0.0025 USD.
  const usage = "2026-11-01,request:input_tokens,gpt-4o,openai,1000,0.0025,USD\n2026-12-01,request:input_tokens,gpt-4o,openai,1000,0.0025,USD\n";

  it("agrees with both months' fees", async () => {
    const r = await burnrate(args(`2026-11-01,plan,,,,20,USD\n2026-12-01,plan,,,,20,USD\n${usage}`));
    const plans = JSON.parse(r.stdout).lines.filter((l: { activity: string }) => l.activity === "plan");
    expect(plans.map((l: { cycle: string; status: string }) => [l.cycle.slice(0, 10), l.status])).toEqual([
      ["2026-11-01", "agrees"],
      ["2026-12-01", "agrees"],
    ]);
    expect(r.code).toBe(0);
  });

  it("finds December's fee left off the bill", async () => {
    const r = await burnrate(args(`2026-11-01,plan,,,,20,USD\n${usage}`));
    expect(r.code).toBe(1);
    const december = JSON.parse(r.stdout).lines.find((l: { activity: string; cycle: string }) => l.activity === "plan" && l.cycle.startsWith("2026-12-01"));
    expect(december).toMatchObject({ status: "only_in_usage", class: "missing_on_bill" });
  });
});

// red64b M1, M2, M3: the declared cut on the other ways a bill is re-cut. Floopy (effective from January, so that
// October's rows are priced) in New York; gpt-4o at 0.00025 cents a token in. Rows: Oct 15 2,000 tokens; 2026-11-01T02Z
// 4,000 (October 31 in New York, November in UTC); Nov 15 1,000; 2026-12-01T03Z 8,000 (November 30 in New York). At
// UTC months: October 2,000 (0.005 USD), November 5,000 (0.0125), December 8,000 (0.02).
describe("reconcile honours a declared cut on a bill of an account whose cycles moved, and of instants (red64b)", () => {
  const floopy = () => readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace('effective: "2026-11-01"', 'effective: "2026-01-01"');
  function args(account: string, bill: string, card = floopy()): string[] {
    const dir = mkdtempSync(join(tmpdir(), "recut64-"));
    writeFileSync(join(dir, "card.yaml"), card);
    writeFileSync(join(dir, "account.yaml"), `anchor: 2026-10-01\ntimezone: America/New_York\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-10-01" }\n${account}`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-10-15T12:00:00Z,request,gpt-4o,openai,2000,0\n2026-11-01T02:00:00Z,request,gpt-4o,openai,4000,0\n2026-11-15T12:00:00Z,request,gpt-4o,openai,1000,0\n2026-12-01T03:00:00Z,request,gpt-4o,openai,8000,0\n");
    writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount,currency\n${bill}`);
    writeFileSync(join(dir, "bill.csv.mapping.yaml"), 'cut: "00:00 UTC"\n');
    return ["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv")];
  }
  const usage = (period: (month: string) => string) => ["10,2000,0.005", "11,5000,0.0125", "12,8000,0.02"].map((r) => { const [m, q, a] = r.split(","); return `${period(m!)},request:input_tokens,gpt-4o,openai,${q},${a},USD\n`; }).join("");

  it("re-cuts at UTC months an account whose upgrade started a cycle of its own", async () => {
    // Free from October 1, Pro (20 USD) from November 10 with new_cycle: November owes Pro's fee from the 10th, December
    // the next one's from December 10.
    const card = `${floopy()}\nplan_changes: { upgrade: new_cycle }\n`;
    const bill = `${usage((m) => `2026-${m}-01`)}2026-11-01,plan,,,,20,USD\n2026-12-01,plan,,,,20,USD\n`;
    const r = await burnrate([...args("plan: free\nchanges:\n  - { at: 2026-11-10, plan: pro }\n", bill, card), "--format", "json"]);
    expect(JSON.parse(r.stdout).lines.filter((l: { status: string }) => l.status !== "agrees")).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("compares the fees of a bill of instants at UTC months, as the same bill of dates, and dates its lines at the cut", async () => {
    // Pro all along: each UTC month holds one New York cycle start, and owes its 20 USD.
    const bill = `${usage((m) => `2026-${m}-01T00:00:00Z`)}${["10", "11", "12"].map((m) => `2026-${m}-01T00:00:00Z,plan,,,,20,USD\n`).join("")}`;
    const r = await burnrate([...args("plan: pro\n", bill), "--format", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect([json.money.bill_total, json.money.computed_total]).toEqual(["60", "60"]);
    // The table dates the bill's periods in UTC, where they start, not on New York's September 30.
    const table = await burnrate([...args("plan: pro\n", bill), "--format", "table"]);
    expect(table.stdout).toContain("Cycles               2026-10-01 to 2026-10-31, 2026-11-01 to 2026-11-30, 2026-12-01 to 2026-12-31");
    expect(table.stdout).toContain("the bill's cycles start on 2026-10-01 (UTC)");
  });
});

// red64c H1, H2: a cycle's fee is owed in the bill period of its first day. A Tokyo account's cycles start the day
// before in UTC: its fee was owed in the period before, or lost before the bill's first.
describe("reconcile owes a cycle's fee in the period of its first day, east of UTC (red64c H1, H2)", () => {
  const floopy = () => readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace('effective: "2026-11-01"', 'effective: "2026-01-01"');
  function args(card: string, account: string, usage: string, bill: string, mapping?: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), "recut64-"));
    writeFileSync(join(dir, "card.yaml"), card);
    writeFileSync(join(dir, "account.yaml"), `account: tk\nanchor: 2026-11-01\ntimezone: Asia/Tokyo\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01" }\n${account}`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,model,provider,input_tokens,output_tokens\n${usage}`);
    writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount,currency\n${bill}`);
    if (mapping !== undefined) writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
    return ["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"];
  }
  const fees = (stdout: string) => JSON.parse(stdout).money;

  it("a bill of instants at UTC months: Free in November (0), Pro from December 1 (20) owed in December", async () => {
    // 1,000 tokens on Nov 10 (0.25 cents), 2,000 on Dec 10 (0.5).
    const usage = "2026-11-10T10:00:00Z,request,gpt-4o,openai,1000,0\n2026-12-10T10:00:00Z,request,gpt-4o,openai,2000,0\n";
    const lines = "2026-11-01T00:00:00Z,request:input_tokens,gpt-4o,openai,1000,0.0025,USD\n2026-12-01T00:00:00Z,request:input_tokens,gpt-4o,openai,2000,0.005,USD\n";
    const changes = "plan: free\nchanges:\n  - { at: 2026-12-01, plan: pro }\n";
    const right = await burnrate(args(floopy(), changes, usage, `${lines}2026-12-01T00:00:00Z,plan,,,,20,USD\n`));
    expect([right.code, fees(right.stdout).computed_total]).toEqual([0, "20"]);
    // A Free November billed 20 too is found.
    const wrong = await burnrate(args(floopy(), changes, usage, `${lines}2026-11-01T00:00:00Z,plan,,,,20,USD\n2026-12-01T00:00:00Z,plan,,,,20,USD\n`));
    expect(wrong.code).toBe(1);
  });

  it("a calendar month of an account whose upgrade started a cycle: Pro's first fee (20) and Enterprise's (500)", async () => {
    // Pro from November 1 (October 31, 15:00 UTC), Enterprise from November 10 with new_cycle: November owes 520.
    const card = `${floopy()}\nplan_changes: { upgrade: new_cycle }\n`;
    const r = await burnrate(args(card, "plan: pro\nchanges:\n  - { at: 2026-11-10, plan: enterprise }\n", "2026-11-05T10:00:00Z,request,gpt-4o,openai,1000,0\n2026-11-20T10:00:00Z,request,gpt-4o,openai,2000,0\n", "2026-11-01,request:input_tokens,gpt-4o,openai,3000,0.0075,USD\n2026-11-01,plan,,,,520,USD\n", 'cut: "00:00 UTC"\n'));
    expect([r.code, fees(r.stdout).computed_total]).toEqual([0, "520"]);
  });
});

// red64d M3: a bill of instants at UTC midnights (a FOCUS export's) for an account west of UTC was read as months of
// the account's zone: refused (New York), or re-cut comparing no fee (Honolulu).
describe("reconcile reads a bill of instants at UTC midnights as UTC months, whatever the account's zone (red64d M3)", () => {
  const floopy = () => readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace('effective: "2026-11-01"', 'effective: "2026-01-01"');
  it.each(["Pacific/Honolulu", "America/New_York", "Asia/Tokyo"])("%s: Free in November, Pro (20 USD) from December 1, owed in December", async (zone) => {
    const dir = mkdtempSync(join(tmpdir(), "recut64-"));
    writeFileSync(join(dir, "card.yaml"), floopy());
    writeFileSync(join(dir, "account.yaml"), `plan: free\nanchor: 2026-11-01\ntimezone: ${zone}\nchanges:\n  - { at: 2026-12-01, plan: pro }\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01" }\n`);
    // 1,000 tokens on Nov 10 (0.0025 USD), 2,000 on Dec 10 (0.005).
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-10T10:00:00Z,request,gpt-4o,openai,1000,0\n2026-12-10T10:00:00Z,request,gpt-4o,openai,2000,0\n");
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,model,provider,quantity,amount,currency\n2026-11-01T00:00:00Z,request:input_tokens,gpt-4o,openai,1000,0.0025,USD\n2026-12-01T00:00:00Z,request:input_tokens,gpt-4o,openai,2000,0.005,USD\n2026-12-01T00:00:00Z,plan,,,,20,USD\n");
    const r = await burnrate(["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect([r.code, JSON.parse(r.stdout).money.computed_total]).toEqual([0, "20"]);
  });
});

// red64e L6, red64b L3: a bill of instants that are not at the cut its mapping declares is refused at the cut, naming
// its starts, not the account zone's midnights.
describe("reconcile refuses instants off the declared cut, said at the cut", () => {
  it("00:00 America/New_York declared, periods at UTC midnights, for an account in Honolulu", async () => {
    const dir = mkdtempSync(join(tmpdir(), "recut64-"));
    writeFileSync(join(dir, "card.yaml"), readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace('effective: "2026-11-01"', 'effective: "2026-01-01"'));
    writeFileSync(join(dir, "account.yaml"), 'plan: pro\nanchor: 2026-11-01\ntimezone: Pacific/Honolulu\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01" }\n');
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-10T10:00:00Z,request,gpt-4o,openai,1000,0\n");
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,model,provider,quantity,amount,currency\n2026-11-01T00:00:00Z,request:input_tokens,gpt-4o,openai,1000,0.0025,USD\n2026-12-01T00:00:00Z,request:input_tokens,gpt-4o,openai,0,0,USD\n");
    writeFileSync(join(dir, "bill.csv.mapping.yaml"), 'cut: "00:00 America/New_York"\n');
    const r = await burnrate(["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv")]);
    expect(r.code).toBe(2);
    // New York's midnight of November 1 is 04:00 UTC.
    expect(r.stderr).toContain("bill.csv:2:1: period is not a cycle start, at the cut the bill mapping declares (00:00 America/New_York) (expected a cycle start such as 2026-11-01T04:00:00Z, found 2026-11-01T00:00:00Z)");
  });
});
