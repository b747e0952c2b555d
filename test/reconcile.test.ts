import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const DIR = "fixtures/reconcile";
const base = (bill: string, ...more: string[]) => ["reconcile", "--account", `${DIR}/account.yaml`, "--usage", `${DIR}/usage.csv`, "--bill", `${DIR}/${bill}`, ...more];

async function run(args: string[]) {
  return await burnrate(args);
}

async function reconcileJson(bill: string, ...more: string[]) {
  const r = await run([...base(bill, ...more), "--format", "json"]);
  return { ...r, json: JSON.parse(r.stdout) };
}

describe("reconcile: a clean bill", () => {
  it("agrees with exit 0, no differences and no message", async () => {
    const { code, stderr, json } = await reconcileJson("bill-clean.csv");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(json.schema).toBe("burnrate.reconcile/v1");
    expect(json.status).toBe("agrees");
    expect(json.differences).toEqual([]);
    expect(json.bill_total).toBe("32.269");
    expect(json.computed_total).toBe("32.269");
    expect(json.agreeing_lines).toBe(14);
    expect(json.cycles).toEqual([{ start: "2026-11-01T04:00:00Z", end: "2026-12-01T05:00:00Z" }]);
    // October and December are in the log but not on the bill: shown, not compared.
    expect(json.outside_bill).toEqual([
      { start: "2026-10-01T04:00:00Z", end: "2026-11-01T04:00:00Z", computed_amount: "7.4" },
      { start: "2026-12-01T05:00:00Z", end: "2027-01-01T05:00:00Z", computed_amount: "11.1" },
    ]);
  });
});

interface Planted {
  bill: string;
  code: number;
  difference: Record<string, unknown>;
}

const planted: Planted[] = [
  {
    bill: "bill-rate-drift.csv",
    code: 1,
    difference: {
      meter: "data_write", dimensions: { project: "alpha" }, class: "rate_drift",
      bill_quantity: "40", bill_amount: "2.4", computed_quantity: "40", computed_amount: "2", delta: "0.4",
      bill_unit_price: "0.06", card_unit_price: "0.05",
      explanation: "same quantity (40), but the bill charges 0.06 per unit and the card 0.05 (20% over the usage's amount): the card may be out of date",
    },
  },
  {
    bill: "bill-quantity-mismatch.csv",
    code: 1,
    difference: {
      meter: "maps_call", dimensions: { project: "beta" }, class: "quantity_mismatch",
      bill_quantity: "27", bill_amount: "2.16", computed_quantity: "25", computed_amount: "2", computed_events: 1, delta: "0.16",
      explanation: "the bill counts 27, usage has 25 from 1 event(s); both priced at the card's 0.08",
    },
  },
  {
    bill: "bill-duplicates.csv",
    code: 1,
    difference: {
      meter: "automation_run", dimensions: { project: "alpha" }, class: "duplicate_events",
      bill_quantity: "5", bill_amount: "0.75", computed_quantity: "3", computed_amount: "0.45", computed_events: 3, delta: "0.3",
    },
  },
  {
    bill: "bill-missing-on-bill.csv",
    code: 1,
    difference: {
      meter: "email", dimensions: { project: "beta" }, class: "missing_on_bill",
      bill_quantity: null, bill_amount: null, computed_quantity: "30", computed_amount: "3", delta: "-3",
    },
  },
  {
    bill: "bill-missing-in-usage.csv",
    code: 1,
    difference: {
      meter: "sms", dimensions: { project: "gamma" }, class: "missing_in_usage",
      bill_quantity: "4", bill_amount: "2", computed_quantity: null, computed_amount: null, computed_events: 0, delta: "2",
    },
  },
  {
    bill: "bill-rounding.csv",
    code: 0,
    difference: {
      meter: "ai_input_tokens", dimensions: { project: "beta" }, class: "rounding", within_tolerance: true,
      bill_amount: "2.47", computed_amount: "2.469", delta: "0.001",
      explanation: "the bill rounds 2.469 to 2.47 (step 0.01, half-even)",
    },
  },
  {
    bill: "bill-boundary.csv",
    // Judged at the bill's cut, where it is as billed: explained, and it passes (newcomer, stop 38: it was exit 1, and
    // its figures the account's New York month). New York's November reads r-004 500 + r-005 60 (Dec 1 02:00Z) = 560,
    // 5.6 credits at 0.01; the UTC month r-003 100 (Nov 1 01:30Z) + r-004 500 = 600, 6: +40 reads, +0.4 moved in.
    code: 0,
    difference: {
      meter: "data_read", dimensions: { project: "alpha" }, class: "boundary_shift",
      bill_quantity: "600", bill_amount: "6", computed_quantity: "600", computed_amount: "6", delta: "0", direction: null, status: "agrees",
      moved: { quantity: "40", amount: "0.4", events_in: 1, events_out: 1, account_computed_quantity: "560", account_computed_amount: "5.6" },
      explanation: "the bill cuts cycles at 00:00 UTC, not 00:00 America/New_York; its cycle runs 2026-10-31 20:00 to 2026-11-30 19:00 America/New_York. "
        + "Replayed that way (1 event(s) moved in, 1 event(s) moved out: quantity +40 and +0.4 credits, from 560 and 5.6 at the account's cycles), usage gives quantity 600, 6 credits, as billed",
    },
  },
  {
    bill: "bill-unexplained.csv",
    code: 1,
    difference: {
      meter: "end_user_open", dimensions: { project: "alpha" }, class: "unexplained",
      bill_quantity: "4", bill_amount: "1.5", computed_quantity: "3", computed_amount: "0.75", delta: "0.75",
    },
  },
];

describe("reconcile: one planted difference of each class", () => {
  for (const p of planted) {
    it(`${p.bill}: ${p.difference.class}`, async () => {
      const { code, stderr, json } = await reconcileJson(p.bill);
      expect(code).toBe(p.code);
      expect(json.differences).toHaveLength(1);
      expect(json.differences[0]).toMatchObject({ cycle: "2026-11-01T04:00:00Z", ...p.difference });
      expect(json.agreeing_lines).toBe(p.difference.class === "missing_in_usage" ? 14 : 13);
      const d = json.differences[0];
      expect(stderr).toBe(p.code === 0 ? "" : `burnrate: 1 bill difference(s) need attention; first: 2026-11-01T04:00:00Z ${d.meter} ${d.class}, over tolerance\n`);
      // Every credit of the gap is accounted for: explained plus unexplained is bill minus computed.
      expect(json.delta).toBe(d.delta);
      const explained = d.class === "unexplained" ? json.unexplained : json.explained;
      expect(explained).toEqual({ differences: 1, amount: d.delta, money: "0" });
    });
  }

  it("finds all eight classes in one bill when the planted differences are combined", async () => {
    const clean = readFileSync(join(ROOT, DIR, "bill-clean.csv"), "utf8").split("\n");
    const changed = new Map<string, string>();
    for (const p of planted) {
      const lines = readFileSync(join(ROOT, DIR, p.bill), "utf8").split("\n");
      for (const l of lines) if (l !== "" && !clean.includes(l)) changed.set(l.split(",").slice(1, 3).join(","), l);
    }
    const combined = clean.filter((l) => l === "" || l.startsWith("period_start") || (!changed.has(l.split(",").slice(1, 3).join(",")) && !l.startsWith("2026-11-01,Email,")));
    const dir = mkdtempSync(join(tmpdir(), "burnrate-reconcile-"));
    const file = join(dir, "bill.csv");
    writeFileSync(file, [...combined.filter((l) => l !== ""), ...changed.values()].join("\n") + "\n");
    const r = await run(["reconcile", "--account", `${DIR}/account.yaml`, "--usage", `${DIR}/usage.csv`, "--bill", file, "--format", "json"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.differences.map((d: { class: string }) => d.class).sort()).toEqual([
      "boundary_shift", "duplicate_events", "missing_in_usage", "missing_on_bill", "quantity_mismatch", "rate_drift", "rounding", "unexplained",
    ]);
  });
});

describe("reconcile: tolerance", () => {
  it("accepts an explained difference within the absolute tolerance", async () => {
    const { code, stderr, json } = await reconcileJson("bill-rate-drift.csv", "--tolerance", "0.4");
    expect([code, stderr, json.status, json.differences[0].within_tolerance]).toEqual([0, "", "within_tolerance", true]);
  });

  it("accepts within a percentage of the billed line, and not beyond it", async () => {
    // 0.4 on a 2.4 line is 16.7%.
    expect((await reconcileJson("bill-rate-drift.csv", "--tolerance-percent", "17")).code).toBe(0);
    expect((await reconcileJson("bill-rate-drift.csv", "--tolerance-percent", "16")).code).toBe(1);
  });

  it("never accepts an unexplained difference, whatever the tolerance", async () => {
    const { code, json } = await reconcileJson("bill-unexplained.csv", "--tolerance", "100");
    expect(code).toBe(1);
    expect(json.differences[0]).toMatchObject({ class: "unexplained", within_tolerance: true });
  });

  it("rejects a tolerance that is not a plain decimal", async () => {
    const r = await run(base("bill-clean.csv", "--tolerance", "1e3"));
    expect([r.code, r.stdout, r.stderr]).toEqual([2, "", 'burnrate: error: --tolerance: bad tolerance (expected a plain decimal of 0 or more, found "1e3")\n']);
  });
});

describe("reconcile: output formats", () => {
  it("writes the summary first, then the lines, as a table and as markdown", async () => {
    const table = await run([...base("bill-boundary.csv"), "--format", "table"]);
    expect(table.code).toBe(0);
    await expect(table.stdout).toMatchFileSnapshot(`../${DIR}/expected/boundary.txt`);
    const md = await run([...base("bill-quantity-mismatch.csv"), "--format", "markdown"]);
    await expect(md.stdout).toMatchFileSnapshot(`../${DIR}/expected/quantity-mismatch.md`);
    expect(md.stdout.indexOf("**Bill total**")).toBeLessThan(md.stdout.indexOf("**Overcharged: the bill above usage**"));
  });

  it("exports one CSV row per line, agreeing or not, with its status: a sheet to sign", async () => {
    const r = await run([...base("bill-rate-drift.csv"), "--format", "csv"]);
    const [header, ...rows] = r.stdout.trimEnd().split("\n");
    expect(header).toBe("cycle,meter,project,status,direction,class,unit,bill_quantity,bill_amount,computed_quantity,computed_amount,computed_events,delta,within_tolerance,attention,explanation");
    // The clean bill's 14 lines: 13 agree, data_write differs (40 writes at 0.06 billed, 0.05 on the card); then the
    // invoice's total, every row in credits: the clean bill's 32.269 and the 0.4 more for data writes (newcomer, stop 38).
    expect(rows).toHaveLength(15);
    expect(rows.at(-1)).toBe(",invoice total,,total,,,credits,,32.669,,32.269,,0.4,,no,\"every row of the bill: 32.669 compared, 0 ignored, 0 credits; computed for the compared rows; 0.4 of the delta on them\"");
    expect(rows.filter((l) => l.includes(",agrees,"))).toHaveLength(13);
    expect(rows).toContain("2026-11-01T04:00:00Z,data_write,alpha,differs,overcharged,rate_drift,credits,40,2.4,40,2,1,0.4,no,yes,"
      + "\"same quantity (40), but the bill charges 0.06 per unit and the card 0.05 (20% over the usage's amount): the card may be out of date\"");
    expect(rows).toContain("2026-11-01T04:00:00Z,maps_call,beta,agrees,,,credits,25,2,25,2,1,0,,no,");
  });

  it("gives the same boundary proof when the usage log is not sorted", async () => {
    const [header, ...rows] = readFileSync(join(ROOT, DIR, "usage.csv"), "utf8").trimEnd().split("\n");
    const dir = mkdtempSync(join(tmpdir(), "burnrate-reconcile-"));
    const file = join(dir, "usage.csv");
    writeFileSync(file, [header, ...rows.reverse()].join("\n") + "\n");
    const sorted = (await run([...base("bill-boundary.csv"), "--format", "json"])).stdout;
    const reversed = (await run(["reconcile", "--account", `${DIR}/account.yaml`, "--usage", file, "--bill", `${DIR}/bill-boundary.csv`, "--format", "json"])).stdout;
    // The repeats are named by their rows, which the reversed file numbers otherwise: the same event ids, two of 26 rows.
    const apart = (text: string) => {
      const { duplicate_events: repeats, ...rest } = JSON.parse(text);
      return { rest, ids: repeats.listed.map((r: { event_id: string }) => r.event_id).sort() };
    };
    expect(apart(reversed)).toEqual(apart(sorted));
    expect(apart(sorted).ids).toEqual(["a-002", "a-003"]);
    expect(JSON.parse(sorted).usage_events).toEqual({ read: 26, priced: 24, duplicates: 2, rejected: 0 });
  });
});

describe("reconcile: bills that cannot be read exit 2 with row and column", () => {
  const cases: [string, string][] = [
    ["bill-bad-amount.csv", 'fixtures/reconcile/bill-bad-amount.csv:10:5: amount is not a number (expected a plain decimal such as 12 or -0.5 (no currency sign or thousands separator), found "$3.00")'],
    ["bill-unknown-activity.csv", 'fixtures/reconcile/bill-unknown-activity.csv:11:2: unknown activity "Map loads" (expected a meter key or label of fliplet 2026-11, or an activities: entry in the bill mapping, found "Map loads")'],
    ["bill-bad-period.csv", 'fixtures/reconcile/bill-bad-period.csv:9:1: period is not a cycle start (expected a cycle\'s first day in America/New_York (2026-10-01, 2026-11-01, 2026-12-01), found "2026-11-05")'],
  ];
  for (const [bill, message] of cases) {
    it(bill, async () => {
      const r = await run(base(bill));
      expect([r.code, r.stdout, r.stderr]).toEqual([2, "", `burnrate: error: ${message}\n`]);
    });
  }

  it("a bill column that is no dimension of the card", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-reconcile-"));
    const file = join(dir, "bill.csv");
    writeFileSync(file, "period_start,activity,invoice,amount\n2026-11-01,Email,INV-7,3\n");
    const r = await run(["reconcile", "--account", `${DIR}/account.yaml`, "--usage", `${DIR}/usage.csv`, "--bill", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: ${file}:1:3: bill column "invoice" is not a dimension of any meter (expected a dimension (channel, distribution, model, project, source), a dimensions: entry renaming it, or ignore_columns: in the bill mapping, found "invoice")\n`);
  });

  it("a provider's wording mapped onto meters by a mapping file beside the bill", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-reconcile-"));
    const file = join(dir, "bill.csv");
    writeFileSync(file, "Period,Item,Invoice,project,Credits\n2026-11-01,Map loads,INV-7,beta,2\n");
    writeFileSync(`${file}.mapping.yaml`, "columns: { period_start: Period, activity: Item, amount: Credits }\nactivities: { Map loads: maps_call }\nignore_columns: [Invoice]\n");
    const r = await run(["reconcile", "--account", `${DIR}/account.yaml`, "--usage", `${DIR}/usage.csv`, "--bill", file, "--format", "json"]);
    const json = JSON.parse(r.stdout);
    // The one billed line agrees; every other computed line of November is missing on this partial bill.
    expect(json.agreeing_lines).toBe(1);
    expect(json.differences.every((d: { class: string }) => d.class === "missing_on_bill")).toBe(true);
    expect(json.differences.map((d: { meter: string }) => d.meter)).not.toContain("maps_call");
  });

  it("a mapping naming a meter the card does not have", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-reconcile-"));
    const file = join(dir, "bill.csv");
    writeFileSync(file, "period_start,activity,amount\n2026-11-01,Map loads,2\n");
    writeFileSync(`${file}.mapping.yaml`, "activities:\n  Map loads: map_call\n");
    const r = await run(["reconcile", "--account", `${DIR}/account.yaml`, "--usage", `${DIR}/usage.csv`, "--bill", file]);
    expect([r.code, r.stderr]).toEqual([2, `burnrate: error: ${file}.mapping.yaml:2:14: unknown meter "map_call" (expected a meter of fliplet 2026-11, payments, overage, plan, credits_bought or ignore, found "map_call")\n`]);
  });
});

describe("reconcile: a transaction ledger (amount, type, timestamp)", () => {
  const ledger = (bill: string, ...more: string[]) => ["reconcile", "--account", `${DIR}/ledger/account.yaml`, "--usage", `${DIR}/ledger/usage.csv`, "--bill", `${DIR}/ledger/${bill}`, ...more, "--format", "json"];

  it("reconciles Request and Playground charges and checks Payment rows against the account's grants", async () => {
    const r = await run(ledger("ledger.csv"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ status: "agrees", bill_total: "4.13", computed_total: "4.13", agreeing_lines: 2, payments: { rows: 1, bill: "500", granted: "500" } });
    expect(json.bill.layout).toBe("ledger");
  });

  it("finds an extra request the usage does not have", async () => {
    const r = await run(ledger("ledger-extra-request.csv", "--bill-mapping", `${DIR}/ledger/ledger.csv.mapping.yaml`));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.differences).toEqual([expect.objectContaining({
      meter: "Request", meters: ["ai_input_tokens", "ai_output_tokens"], bill_amount: "4.48", computed_amount: "3.58", computed_quantity: null, delta: "0.9", class: "unexplained",
    })]);
  });

  it("fails when the bill's payments are not in the account file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-reconcile-"));
    const file = join(dir, "ledger.csv");
    writeFileSync(file, `${readFileSync(join(ROOT, DIR, "ledger/ledger.csv"), "utf8")}tx-1008,2026-11-26T09:00:00Z,Payment,200,top-up\n`);
    const r = await run(["reconcile", "--account", `${DIR}/ledger/account.yaml`, "--usage", `${DIR}/ledger/usage.csv`, "--bill", file, "--bill-mapping", `${DIR}/ledger/ledger.csv.mapping.yaml`, "--format", "json"]);
    // The grants named by kind (newcomer66 L9: which purchase was missing was found by hand): the account file's top-up of 500 credits (Fliplet's unit).
    expect([r.code, r.stderr]).toEqual([1, "burnrate: the bill's payments differ from the grants in the account file: 2 payment row(s) of 700 credits on the bill; 500 granted by the account file in these cycles (topup 500)\n"]);
    expect(JSON.parse(r.stdout).payments).toEqual({ rows: 2, bill: "700", granted: "500" });
  });
});

describe("reconcile: Floopy's ledger export against ratecards/floopy.yaml", () => {
  const floopy = (bill: string) => ["reconcile", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv",
    "--bill", `${DIR}/floopy/${bill}`, "--bill-mapping", `${DIR}/floopy/ledger.csv.mapping.yaml`, "--format", "json"];

  it("matches Request and Playground by the card's labels, one organization of a shared log, payments against grants", async () => {
    const r = await run(floopy("ledger.csv"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      status: "agrees", bill_total: "3055.6", computed_total: "3055.6", agreeing_lines: 2,
      payments: { rows: 2, bill: "7000", granted: "7000" },
      other_accounts: [{ account: "bolt", computed_amount: "108" }, { account: "cove", computed_amount: "59.4" }],
      outside_bill: [{ start: "2026-12-01T00:00:00Z", computed_amount: "499.5" }],
    });
  });

  it("finds a request charged more than its tokens cost", async () => {
    const r = await run(floopy("ledger-overcharged.csv"));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).differences).toEqual([expect.objectContaining({
      account: "acme", meter: "request", bill_amount: "2926.6", computed_amount: "2920.6", computed_quantity: "2750", computed_events: 5, delta: "6", class: "unexplained",
    })]);
  });
});
