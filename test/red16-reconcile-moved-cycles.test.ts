import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// An upgrade that starts a new cycle moves the account's cycles off its calendar (creator from Nov 1, Pro from Nov 16:
// cycles Nov 1-16, Nov 16-Dec 16, Dec 16-Jan 16). A provider's bill by calendar month was compared with the moved
// cycles by number: a false overcharge for November, and December's 20th called outside the bill (red team, stop 34).
// Flikly: pika text-to-video at 720p, 0.2 credits a second; four generations of 10 s, 2 credits each, on Nov 5 and 20,
// Dec 5 and 20: November 4, December 4.
describe("reconcile: an account whose cycles an upgrade moved", () => {
  // Billed at its own cycle starts (Nov 1, Nov 16, Dec 16), as its statement shows them, each period is one of the
  // replay's cycles, compared as it is. By hand: Nov 1-16 holds Nov 5 (10 s, 2 credits); Nov 16-Dec 16 holds Nov 20
  // and Dec 5 (20 s, 4); Dec 16-Jan 16 holds Dec 20 (10 s, 2).
  const movedFolder = (bill: string) => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    writeFileSync(join(dir, "card.yaml"), `${readFileSync(join(ROOT, "ratecards/flikly.yaml"), "utf8")}\nplan_changes: { upgrade: new_cycle }\n`);
    writeFileSync(join(dir, "account.yaml"), 'plan: creator\nanchor: 2026-11-01\nchanges:\n  - { at: "2026-11-16T00:00:00Z", plan: pro }\n');
    writeFileSync(
      join(dir, "usage.csv"),
      "timestamp,meter,quantity,workflow,model,resolution\n" + ["2026-11-05", "2026-11-20", "2026-12-05", "2026-12-20"].map((d) => `${d}T10:00:00Z,generate,10,text_to_video,pika,720p`).join("\n") + "\n",
    );
    writeFileSync(join(dir, "bill.csv"), `period_start,activity,workflow,model,resolution,quantity,amount\n${bill}`);
    return ["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"];
  };
  const line = (period: string, seconds: number, credits: number) => `${period},generate,text_to_video,pika,720p,${seconds},${credits}\n`;

  it("compares a bill by calendar month with what was charged in each month: it agrees", async () => {
    const run = await burnrate(movedFolder(line("2026-11", 20, 4) + line("2026-12", 20, 4)));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const out = JSON.parse(run.stdout);
    expect([out.status, out.bill_total, out.computed_total, out.outside_bill]).toEqual(["agrees", "8", "8", []]);
    expect(out.boundary).toMatchObject({ class: "boundary_shift", bill_cycle_start: "2026-11-01T00:00:00Z", account_cycle_start: "2026-11-16T00:00:00Z" });
  });

  it("compares a bill cut at the account's own moved cycle starts with those cycles: it agrees, nothing re-cut", async () => {
    const run = await burnrate(movedFolder(line("2026-11-01", 10, 2) + line("2026-11-16", 20, 4) + line("2026-12-16", 10, 2)));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const out = JSON.parse(run.stdout);
    expect([out.status, out.bill_total, out.computed_total, out.outside_bill, out.boundary]).toEqual(["agrees", "8", "8", [], null]);
    expect(out.cycles.map((c: { start: string; end: string }) => [c.start, c.end])).toEqual([
      ["2026-11-01T00:00:00Z", "2026-11-16T00:00:00Z"],
      ["2026-11-16T00:00:00Z", "2026-12-16T00:00:00Z"],
      ["2026-12-16T00:00:00Z", "2027-01-16T00:00:00Z"],
    ]);
  });

  it("finds a wrong line of such a bill in its own cycle: 25 s billed where Nov 16-Dec 16 holds 20", async () => {
    const run = await burnrate(movedFolder(line("2026-11-01", 10, 2) + line("2026-11-16", 25, 5) + line("2026-12-16", 10, 2)));
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.differences.map((d: { cycle: string; class: string; delta: string }) => [d.cycle, d.class, d.delta])).toEqual([["2026-11-16T00:00:00Z", "quantity_mismatch", "1"]]);
  });

  it("refuses a period that is no cycle start naming the account's moved cycle starts, not the calendar's", async () => {
    const run = await burnrate(movedFolder(line("2026-11-01", 10, 2) + line("2026-11-20", 20, 4)));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bill\.csv:3:1: period is not a cycle start \(expected a cycle's first day in UTC \(2026-11-01, 2026-11-16, 2026-12-16\), found "2026-11-20"\)/);
  });

  it("an account the file lists with no usage does not stop a bill at the moved starts from being read", async () => {
    const args = movedFolder(line("2026-11-01", 10, 2) + line("2026-11-16", 20, 4) + line("2026-12-16", 10, 2));
    const account = args[args.indexOf("--account") + 1]!;
    writeFileSync(account, 'account: acme\nplan: creator\nanchor: 2026-11-01\nchanges:\n  - { at: "2026-11-16T00:00:00Z", plan: pro }\naccounts:\n  idle: { plan: creator }\n');
    const usage = args[args.indexOf("--usage") + 1]!;
    writeFileSync(usage, readFileSync(usage, "utf8").replace("timestamp,meter,", "timestamp,account,meter,").replace(/Z,generate/g, "Z,acme,generate"));
    const bill = args[args.indexOf("--bill") + 1]!;
    writeFileSync(bill, readFileSync(bill, "utf8").replace("period_start,", "account,period_start,").replace(/\n2026/g, "\nacme,2026"));
    const run = await burnrate(args);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout).status).toBe("agrees");
  });
});
