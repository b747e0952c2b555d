import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

/**
 * A subscription's end ends the plan (red team, stop 37: every cycle after `subscription_end` still granted the
 * plan's 30 credits and billed its 15 USD, and reconcile flagged a right invoice without them). Every number below
 * is worked out from the cards: Flikly Creator is 15 USD for 30 included credits a cycle, and a runway 720p
 * text-to-video second costs 0.5 credits; Floopy Free has a quota of 1,000 requests, 0.002 USD a request past it.
 */

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-sub19-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const card = (name: string) => join(ROOT, "ratecards", `${name}.yaml`);

async function json(args: string[]): Promise<any> {
  const run = await burnrate([...args, "--format", "json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

const studio = (more: string) => [`card: ${card("flikly")}`, "account: studio", "plan: creator", "anchor: 2026-05-17", "timezone: America/New_York", more].join("\n") + "\n";
const HEADER = "timestamp,meter,workflow,model,resolution,quantity";
const runway = (at: string, seconds: number) => `${at},generate,text_to_video,runway,720p,${seconds}`;

/** Each cycle's start day, allowance, credits charged, plan fee and subscription_end (null where absent). */
const cycleFacts = (st: any, account = 0) => st.accounts[account].cycles.map((c: any) => [c.start.slice(0, 10), c.allowance, c.total, c.money.plan, c.subscription_end ?? null]);

describe("the red team's Flikly Creator account, ending on 2026-07-10 (New York)", () => {
  // Cycles start on the 17th at 04:00Z (midnight in New York, summer time). The end, 2026-07-10 00:00 New York
  // (04:00Z), falls in the second cycle (June 17 to July 17): it owes its fee, and its 30 included credits lapse then.
  const dir = folder({
    "acct.yaml": studio("subscription_end: 2026-07-10"),
    "u.csv": [HEADER, runway("2026-05-18T10:00:00-04:00", 10), runway("2026-08-20T10:00:00-04:00", 40)].join("\n") + "\n",
    // The invoice a finance analyst expects: the fee for May and June, May's 10 s x 0.5 = 5 credits, nothing after the end.
    "bill.csv": "period_start,activity,amount\n2026-05-17,plan,15\n2026-05-17,generate,5\n2026-06-17,plan,15\n",
  });
  const base = ["--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv")];

  it("bills the fee of the cycles the subscription ran in, 15 + 15 USD, and none after", async () => {
    const st = await json(["statement", ...base]);
    expect(cycleFacts(st)).toEqual([
      ["2026-05-17", "30", "5", "15", null],
      ["2026-06-17", "30", "0", "15", "2026-07-10T04:00:00Z"],
      ["2026-07-17", "0", "0", "0", "2026-07-10T04:00:00Z"],
      ["2026-08-17", "0", "0", "0", "2026-07-10T04:00:00Z"],
    ]);
    const [, june, july, august] = st.accounts[0].cycles;
    // June's 30 included credits, unspent, expire at the end.
    expect(june.grants).toEqual([{ kind: "included", opening: "30", granted: "0", consumed: "0", expired: "30", closing: "0" }]);
    expect(july.grants).toEqual([]);
    // August's 40 s x 0.5 = 20 credits: nothing outlives the end to pay them, so they are refused as the end says.
    expect(august.rejected).toEqual([{ meter: "generate", reason: "subscription ended 2026-07-10T04:00:00Z", events: 1, quantity: "40", first_at: "2026-08-20T14:00:00Z", first_line: expect.stringMatching(/u\.csv:3$/) }]);
    expect(st.accounts[0].cycles.map((c: any) => c.money.total)).toEqual(["15", "15", "0", "0"]);
  });

  it("reconciles an invoice without a fee after the end: nothing to flag", async () => {
    const run = await burnrate(["reconcile", ...base, "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    // Bill 15 + 15 = 30 USD of fees; computed the same.
    expect([report.status, report.money.bill_total, report.money.computed_total]).toEqual(["agrees", "30", "30"]);
  });

  it("flags an invoice that bills the fee after the end: the cycle owes none", async () => {
    const billed = folder({ "bill.csv": "period_start,activity,amount\n2026-05-17,plan,15\n2026-05-17,generate,5\n2026-06-17,plan,15\n2026-07-17,plan,15\n" });
    const run = await burnrate(["reconcile", ...base, "--bill", join(billed, "bill.csv"), "--format", "table"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/2026-07-17\s+plan \(USD\)/);
    // Said as the reason, not as a plan without a fee on the card (Creator has one).
    expect(run.stdout.replace(/\s+/g, " ")).toMatch(/the bill charges a plan fee of 15 USD; the subscription ended 2026-07-10T04:00:00Z, before this cycle: it owes no fee/);
  });

  it("diffs the money of the cycles it ran in alone: Creator at 20 USD costs 2 x 5 = 10 USD more, not 4 x 5", async () => {
    const raised = folder({ "flikly.yaml": readFileSync(card("flikly"), "utf8").replace("price: 15 ", "price: 20 ") });
    const d = await json(["diff", "--base", card("flikly"), "--card", join(raised, "flikly.yaml"), ...base]);
    expect([d.money.base_total, d.money.card_total, d.money.total_delta]).toEqual(["30", "40", "10"]);
    expect(d.money.cycles.map((c: any) => [c.old.plan, c.new.plan])).toEqual([["15", "20"], ["15", "20"], ["0", "0"], ["0", "0"]]);
  });

  it("says so in the table, markdown and CSV too", async () => {
    const table = (await burnrate(["statement", ...base, "--format", "table"])).stdout;
    expect(table).toMatch(/Subscription\s+ended 2026-07-10 00:00: the plan served until then/);
    expect(table.match(/Subscription\s+ended 2026-07-10 00:00: no plan fee, no included credits/g)).toHaveLength(2);
    const md = (await burnrate(["statement", ...base, "--format", "markdown"])).stdout;
    expect(md).toMatch(/no plan fee, no included credits/);
    const csv = (await burnrate(["statement", ...base, "--format", "csv"])).stdout.trim().split("\n");
    // The refusal columns, then the cycle's money columns (stop 38), follow the subscription_end column.
    const header = csv[0]!.split(",");
    expect(header.slice(-8)).toEqual(["subscription_end", "reason", "events", "first_at", "first_line", "money_item", "money", "currency"]);
    // May's line: the end falls after its cycle, so its cell is empty.
    const lines = csv.slice(1).filter((row) => !["money", "rejected"].includes(row.split(",")[header.indexOf("kind")]!));
    expect(lines.map((row) => row.split(",").at(-8))).toEqual([""]);
  });
});

describe("the bundled Flikly fixture through 2026-08-30", () => {
  it("ends studio's plan alone: agency and newbie, with entries of their own, keep theirs", async () => {
    const st = await json(["statement", "--account", join(ROOT, "fixtures/flikly/account.yaml"), "--usage", join(ROOT, "fixtures/flikly"), "--through", "2026-08-30"]);
    const byName = (name: string) => st.accounts.findIndex((a: any) => a.account === name);
    expect(cycleFacts(st, byName("studio")).map((c: any[]) => [c[3], c[4]])).toEqual([["15", null], ["15", "2026-07-10T04:00:00Z"], ["0", "2026-07-10T04:00:00Z"], ["0", "2026-07-10T04:00:00Z"]]);
    // agency's negotiated 400 credits a cycle go on: the top level's end is the file's own account's.
    expect(cycleFacts(st, byName("agency")).map((c: any[]) => [c[1], c[4]])).toEqual([["400", null], ["400", null], ["400", null], ["400", null]]);
  });
});

describe("an end written as a change, with one-time credits that outlive it", () => {
  const dir = folder({
    "a.yaml": studio([
      "grants:",
      "  - { kind: onetime, amount: 4, at: 2026-05-20 }",
      "changes:",
      "  - { at: 2026-07-01, subscription_end: 2026-07-10 }",
    ].join("\n")),
    "u.csv": [
      HEADER,
      runway("2026-07-05T10:00:00-04:00", 10), // 5 credits of June's 30 included
      runway("2026-07-12T10:00:00-04:00", 6), // after the end: 3 of the 4 one-time credits (they never expire)
      runway("2026-07-13T10:00:00-04:00", 6), // 3 more, 1 left: refused, the subscription ended
      runway("2026-08-20T10:00:00-04:00", 2), // 1: the last one-time credit
    ].join("\n") + "\n",
  });

  it("charges the grants that outlive the end, and refuses the rest saying the subscription ended", async () => {
    const st = await json(["statement", "--account", join(dir, "a.yaml"), "--usage", join(dir, "u.csv")]);
    expect(cycleFacts(st)).toEqual([
      ["2026-05-17", "30", "0", "15", null],
      ["2026-06-17", "30", "8", "15", "2026-07-10T04:00:00Z"], // 5 + 3
      ["2026-07-17", "0", "0", "0", "2026-07-10T04:00:00Z"],
      ["2026-08-17", "0", "1", "0", "2026-07-10T04:00:00Z"],
    ]);
    const june = st.accounts[0].cycles[1];
    // 30 - 5 = 25 included credits lapse at the end; the one-time grant pays 3 and keeps 1.
    expect(june.grants).toEqual([
      { kind: "included", opening: "30", granted: "0", consumed: "5", expired: "25", closing: "0" },
      { kind: "onetime", opening: "4", granted: "0", consumed: "3", expired: "0", closing: "1" },
    ]);
    expect(june.rejected.map((r: any) => [r.reason, r.quantity])).toEqual([["subscription ended 2026-07-10T04:00:00Z", "6"]]);
    // The change capped June's 30 included credits; 25 of them lapse at the end.
    expect(june.timeline.map((t: any) => [t.at, t.capped ?? null, t.removed])).toEqual([["2026-07-01T04:00:00Z", "30", "0"], ["2026-07-10T04:00:00Z", null, "25"]]);
  });
});

describe("a later end, written after the plan ended, restores it", () => {
  const dir = folder({
    "r.yaml": studio(["subscription_end: 2026-07-10", "changes:", "  - { at: 2026-08-01, subscription_end: 2026-12-31 }"].join("\n")),
    "u.csv": [
      HEADER,
      runway("2026-07-20T10:00:00-04:00", 10), // the plan has ended, nothing else to pay: refused
      runway("2026-08-05T10:00:00-04:00", 10), // restored on August 1 with its 30 credits: 5 of them
      runway("2026-08-20T10:00:00-04:00", 10), // a full cycle on the plan again
    ].join("\n") + "\n",
  });

  it("serves from the change on, and the cycle it falls in owes its fee again", async () => {
    const st = await json(["statement", "--account", join(dir, "r.yaml"), "--usage", join(dir, "u.csv")]);
    expect(cycleFacts(st)).toEqual([
      ["2026-05-17", "30", "0", "15", null],
      ["2026-06-17", "30", "0", "15", "2026-07-10T04:00:00Z"],
      ["2026-07-17", "30", "5", "15", null],
      ["2026-08-17", "30", "5", "15", null],
    ]);
    const july = st.accounts[0].cycles[2];
    expect(july.rejected.map((r: any) => [r.reason, r.quantity])).toEqual([["subscription ended 2026-07-10T04:00:00Z", "10"]]);
    expect(july.grants).toEqual([{ kind: "included", opening: "0", granted: "30", consumed: "5", expired: "0", closing: "25" }]);
    expect(july.timeline.map((t: any) => [t.at, t.from, t.to, t.granted])).toEqual([["2026-08-01T04:00:00Z", "2026-07-10T04:00:00Z", "2026-12-31T05:00:00Z", "30"]]);
  });
});

describe("an end at a cycle's start", () => {
  it("bills the cycle before it in full and the cycle from it not at all", async () => {
    const dir = folder({ "a.yaml": studio("subscription_end: 2026-06-17\nthrough: 2026-06-20"), "u.csv": `${HEADER}\n${runway("2026-05-18T10:00:00-04:00", 10)}\n` });
    const st = await json(["statement", "--account", join(dir, "a.yaml"), "--usage", join(dir, "u.csv")]);
    // The end is May's cycle's own end, not before it: May says nothing of it.
    expect(cycleFacts(st)).toEqual([["2026-05-17", "30", "5", "15", null], ["2026-06-17", "0", "0", "0", "2026-06-17T04:00:00Z"]]);
  });
});

describe("a Floopy Free account with overage billing on, ending mid-month", () => {
  // Free: quota 1,000 requests; past it with overage on, 0.002 USD a request. Requests of no tokens cost no cents.
  const dir = folder({
    "a.yaml": ["plan: free", "anchor: 2026-11-01", "overage: true", "subscription_end: 2026-11-15", ""].join("\n"),
    "u.csv": [
      "timestamp,meter,model,provider,quantity,input_tokens,output_tokens",
      "2026-11-02T10:00:00Z,request,gpt-4o,openai,1005,0,0", // 5 past the quota, before the end: 5 x 0.002 = 0.01 USD
      // After the end: no overage billing, refused at the quota. A row of a shape seen before, it would take the known
      // path (its quota room unbounded with overage on) but for the end, a clock change it must go the full way for.
      "2026-11-20T10:00:00Z,request,gpt-4o,openai,10,0,0",
    ].join("\n") + "\n",
  });

  it("bills the overage before the end and refuses requests past the quota after it", async () => {
    const st = await json(["statement", "--card", card("floopy"), "--account", join(dir, "a.yaml"), "--usage", join(dir, "u.csv")]);
    const c = st.accounts[0].cycles[0];
    expect(c.overage).toEqual({ currency: "USD", amount: "0.01", requests: "5" });
    expect(c.rejected.map((r: any) => [r.reason, r.quantity])).toEqual([["monthly request quota of 1000 reached (subscription ended 2026-11-15T00:00:00Z: no overage billing after it)", "10"]]);
    expect(c.money.total).toBe("0.01");
  });
});

describe("simulate: a scenario whose subscription ends", () => {
  it("costs the fee of the cycles the subscription ran in alone, as the statement does: 2 x 15 = 30 USD", async () => {
    const dir = folder({
      "sc.yaml": [
        "name: Creator ending in July",
        `card: ${card("flikly")}`,
        "plan: creator",
        "start: 2026-05-17",
        "cycles: 4",
        "timezone: America/New_York",
        "populations:",
        "  - name: editor",
        "    users: 1",
        "    per_user:",
        "      - { meter: generate, quantity: 10, dimensions: { workflow: text_to_video, model: runway, resolution: 720p } }",
        "changes:",
        "  - { at: 2026-07-01, subscription_end: 2026-07-10 }",
        "",
      ].join("\n"),
    });
    const sim = await json(["simulate", join(dir, "sc.yaml")]);
    const creator = sim.plans.find((p: any) => p.plan === "creator");
    // 10 s x 0.5 = 5 credits in May; the cycles from July 17 on start after the end: no credits, no fee.
    expect(creator.cycles.map((c: any) => [c.start.slice(0, 10), c.allowance, c.money])).toEqual([["2026-05-17", "30", "15"], ["2026-06-17", "30", "15"], ["2026-07-17", "0", "0"], ["2026-08-17", "0", "0"]]);
    expect(creator.cycles[0].total).toBe("5");
    expect(creator.money).toBe("30");
  });

  it("refuses an end before its change, at the change's subscription_end", async () => {
    const dir = folder({ "sc.yaml": `card: ${card("flikly")}\nplan: creator\nstart: 2026-05-17\ncycles: 2\nchanges:\n  - { at: 2026-06-01, subscription_end: 2026-05-20 }\n` });
    const run = await burnrate(["simulate", join(dir, "sc.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/sc\.yaml:6:41: subscription end before its change/);
  });
});
