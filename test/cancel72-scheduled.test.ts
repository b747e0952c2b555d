import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { quillCard } from "./helpers/cards.js";

// newcomer72a H2: gale, on scale, asked for a downgrade to starter on 10 October (it waits for 1 November under
// next_cycle) and took it back on the 20th. Naming scale again changes nothing by design, so November was billed on
// starter: 29 instead of 349, its usage refused past starter's 500 credits. `cancel_scheduled: true` takes it back.
// A job costs 1 credit; a credit sells at 0.012 USD. Starter 500 credits for 29, growth 2,000 for 99, scale 8,000 for 349.
const CARD = quillCard({ upgrade: "prorated" });

// 100 jobs in October, 1,000 on 5 November: more than starter's 500, well within scale's 8,000.
const USAGE = "timestamp,meter,quantity\n2026-10-15T10:00:00Z,job,100\n2026-11-05T10:00:00Z,job,1000\n";

function files(account: string, usage = USAGE): string {
  const dir = mkdtempSync(join(tmpdir(), "cancel72-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: gale\nplan: scale\nanchor: 2026-10-01\ntimezone: UTC\n${account}`);
  writeFileSync(join(dir, "usage.csv"), usage);
  return dir;
}

async function statement(dir: string, format = "json", more: string[] = []) {
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", format, ...more], { cwd: dir });
}

const DOWNGRADE = "  - { at: 2026-10-10, plan: starter }\n";
const CANCEL = "changes:\n" + DOWNGRADE + "  - { at: 2026-10-20, cancel_scheduled: true }\n";

describe("cancel_scheduled: true takes back a downgrade waiting for the cycle's end", () => {
  it("keeps November on scale: fee 349, 8,000 credits, the 1,000 jobs served (7,000 left), nothing refused", async () => {
    const r = await statement(files(CANCEL));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [october, november] = JSON.parse(r.stdout).accounts[0].cycles;
    expect(october.timeline).toEqual([
      { at: "2026-10-10T00:00:00Z", change: "plan", from: "scale", to: "starter", granted: "0", removed: "0", applies_at: "2026-11-01T00:00:00Z" },
      { at: "2026-10-20T00:00:00Z", change: "cancel_scheduled", from: "starter", to: "scale", granted: "0", removed: "0", applies_at: null, took_back: { change: "plan", to: "starter", applies_at: "2026-11-01T00:00:00Z" } },
    ]);
    expect([october.money.plan, october.total]).toEqual(["349", "100"]);
    expect([november.allowance, november.total, november.rejected, november.money.plan, november.money.total]).toEqual(["8000", "1000", [], "349", "349"]);
    expect(november.grants.find((g: { kind: string }) => g.kind === "included").closing).toBe("7000");
    // Without it, the downgrade applies as before: November on starter, 29, the 1,000-credit job refused past 500.
    const before = JSON.parse((await statement(files("changes:\n" + DOWNGRADE))).stdout).accounts[0].cycles[1];
    expect([before.allowance, before.money.plan, before.total, before.rejected[0].events]).toEqual(["500", "29", "0", 1]);
  });

  it("takes back an allowance cut too: scale cut to 4,000 from November, cancelled, keeps 8,000", async () => {
    const r = await statement(files("changes:\n  - { at: 2026-10-10, allowance: 4000 }\n  - { at: 2026-10-20, cancel_scheduled: true }\n"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [october, november] = JSON.parse(r.stdout).accounts[0].cycles;
    expect(october.timeline[1]).toMatchObject({ change: "cancel_scheduled", from: "4000", to: "8000", took_back: { change: "allowance", to: "4000", applies_at: "2026-11-01T00:00:00Z" } });
    expect(november.allowance).toBe("8000");
  });

  it("at the cycle's start, takes it back before the cycle opens on it: November on scale", async () => {
    const r = await statement(files("changes:\n" + DOWNGRADE + "  - { at: 2026-11-01, cancel_scheduled: true }\n"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const november = JSON.parse(r.stdout).accounts[0].cycles[1];
    expect([november.allowance, november.money.plan, november.rejected]).toEqual(["8000", "349", []]);
    expect(november.timeline).toEqual([expect.objectContaining({ at: "2026-11-01T00:00:00Z", change: "cancel_scheduled", took_back: { change: "plan", to: "starter", applies_at: "2026-11-01T00:00:00Z" } })]);
  });

  it("works under an entry of accounts: and, with account:, in the top level's changes", async () => {
    const usage = "timestamp,account,meter,quantity\n2026-10-15T10:00:00Z,bob,job,100\n2026-11-05T10:00:00Z,bob,job,1000\n2026-11-05T10:00:00Z,cleo,job,1000\n2026-11-05T10:00:00Z,gale,job,1\n";
    const account = "changes:\n  - { at: 2026-10-10, plan: starter, account: cleo }\n  - { at: 2026-10-20, cancel_scheduled: true, account: cleo }\naccounts:\n  bob:\n    plan: scale\n    changes:\n      - { at: 2026-10-10, plan: starter }\n      - { at: 2026-10-20, cancel_scheduled: true }\n  cleo: { plan: scale }\n";
    const r = await statement(files(account, usage));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const accounts = JSON.parse(r.stdout).accounts;
    for (const name of ["bob", "cleo"]) {
      const november = accounts.find((a: { account: string }) => a.account === name).cycles[1];
      expect([name, november.allowance, november.money.plan, november.total, november.rejected]).toEqual([name, "8000", "349", "1000", []]);
    }
  });

  it("shows the cancellation and what it took back in the table, markdown, HTML and CSV", async () => {
    const dir = files(CANCEL);
    for (const format of ["table", "markdown", "html"]) {
      const r = await statement(dir, format);
      expect(r.stdout).toContain("Cancel scheduled");
      expect(r.stdout).toContain("took back the downgrade to starter, which was to apply from 2026-11-01 00:00");
    }
    const csv = (await statement(dir, "csv")).stdout.split("\n");
    const header = csv[0]!.split(",");
    expect(header).toEqual(expect.arrayContaining(["change", "from", "to", "waiting_change", "waiting_to", "waiting_applies_at"]));
    const row = csv.find((l) => l.includes("cancel_scheduled"))!.split(",");
    expect([row[header.indexOf("from")], row[header.indexOf("to")], row[header.indexOf("waiting_change")], row[header.indexOf("waiting_to")], row[header.indexOf("waiting_applies_at")]]).toEqual(["starter", "scale", "plan", "starter", "2026-11-01T00:00:00Z"]);
  });
});

describe("a cancel_scheduled that takes nothing back is refused at its entry", () => {
  it("after the downgrade applied on 1 November: says so, exit 2", async () => {
    const r = await statement(files("changes:\n" + DOWNGRADE + "  - { at: 2026-11-03, cancel_scheduled: true }\n"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("account.yaml:8:5: cancel_scheduled with nothing waiting for the cycle's end");
    expect(r.stderr).toContain("found the downgrade to starter (account.yaml:7:5) applied at 2026-11-01T00:00:00Z, before this");
  });

  it("with nothing ever waiting, and a second cancellation after the first", async () => {
    const none = await statement(files("changes:\n  - { at: 2026-10-20, cancel_scheduled: true }\n"));
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining("account.yaml:7:5: cancel_scheduled with nothing waiting for the cycle's end")]);
    expect(none.stderr).toContain("found no downgrade or allowance cut waited before it");
    const twice = await statement(files(CANCEL + "  - { at: 2026-10-25, cancel_scheduled: true }\n"));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("found the downgrade to starter (account.yaml:7:5) was taken back at 2026-10-20T00:00:00Z (account.yaml:8:5), before this");
  });

  it("cancel_scheduled: false, and beside another kind", async () => {
    const no = await statement(files("changes:\n" + DOWNGRADE + "  - { at: 2026-10-20, cancel_scheduled: false }\n"));
    expect([no.code, no.stderr]).toEqual([2, expect.stringContaining("account.yaml:8:41: cancel_scheduled: false cancels nothing (expected cancel_scheduled: true to take back what waits for the cycle's end, or remove the entry")]);
    const both = await statement(files("changes:\n" + DOWNGRADE + "  - { at: 2026-10-20, cancel_scheduled: true, plan: scale }\n"));
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("account.yaml:8:5: a change of more than one thing (expected exactly one of plan, overage, allowance, subscription_end, cancel_scheduled (one entry each), found plan, cancel_scheduled)")]);
  });
});

describe("the plan in force named again while a downgrade waits", () => {
  // A CRM export re-states the plan every day: 20, 21 and 22 October.
  const RESTATED = "changes:\n" + DOWNGRADE + "  - { at: 2026-10-20, plan: scale }\n  - { at: 2026-10-21, plan: scale }\n  - { at: 2026-10-22, plan: scale }\n";

  it("changes nothing (November on starter, 29, as documented), and says the downgrade still applies: in the table, JSON and one note", async () => {
    const dir = files(RESTATED);
    const r = await statement(dir);
    expect(r.code).toBe(0);
    const [october, november] = JSON.parse(r.stdout).accounts[0].cycles;
    expect([november.allowance, november.money.plan]).toEqual(["500", "29"]);
    expect(october.timeline[1]).toEqual({ at: "2026-10-20T00:00:00Z", change: "plan", from: "scale", to: "scale", granted: "0", removed: "0", applies_at: null, still_waits: { change: "plan", to: "starter", applies_at: "2026-11-01T00:00:00Z" } });
    // Once for the account, at its first re-statement, not once a day.
    expect(r.stderr).toBe(
      "burnrate: note: account.yaml:8:5 names plan scale of \"gale\" while the downgrade to starter (account.yaml:7:5) waits for 2026-11-01T00:00:00Z (and 2 more such changes while one waits): it changes nothing, and the downgrade to starter still applies then; where the customer took it back, - { at: ..., cancel_scheduled: true } takes it back (docs/timelines.md)\n",
    );
    const table = await statement(dir, "table");
    expect(table.stdout).toContain("at once; the downgrade to starter still applies from 2026-11-01 00:00");
    expect(table.stdout).not.toMatch(/scale +scale +at once\n/);
    const csv = (await statement(dir, "csv")).stdout;
    expect(csv).toContain("plan,scale,scale,0,0,,plan,starter,2026-11-01T00:00:00Z");
  });
});
