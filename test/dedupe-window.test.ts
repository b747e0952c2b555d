import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// --dedupe-window: an id is remembered for the window from the row that made it known.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const dir = mkdtempSync(join(tmpdir(), "burnrate-window-"));
const log = join(dir, "usage.csv");
// ev-1 at 10:00 on the 2nd, again 30 minutes later, again two days later, then 30 minutes after that.
writeFileSync(log, ["timestamp,meter,quantity,project,event_id",
  "2026-11-02T10:00:00Z,data_read,10,alpha,ev-1",
  "2026-11-02T10:30:00Z,data_read,10,alpha,ev-1",
  "2026-11-04T10:00:00Z,data_read,10,alpha,ev-1",
  "2026-11-04T10:30:00Z,data_read,10,alpha,ev-1",
  "2026-11-04T11:00:00Z,data_read,10,alpha,ev-2"].join("\n") + "\n");
const base = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", log, "--format", "json"];

async function run(extra: string[]) {
  const r = await burnrate([...base, ...extra]);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout);
}

describe("--dedupe-window", () => {
  it("without it, every later row of an id is a repeat, named with the first row", async () => {
    const json = await run([]);
    expect(json.events).toMatchObject({ read: 5, priced: 2, duplicates: 3 });
    expect(json.duplicate_events.listed.map((d: { first: string; repeat: string }) => [d.first, d.repeat])).toEqual([[`${log}:2`, `${log}:3`], [`${log}:2`, `${log}:4`], [`${log}:2`, `${log}:5`]]);
    // Two reads of 10 at 0.01 credits each.
    expect(json.accounts[0].cycles[0].total).toBe("0.2");
  });

  it("with 24h, a row two days on is priced as new and its id known afresh from it", async () => {
    const json = await run(["--dedupe-window", "24h"]);
    expect(json.events).toMatchObject({ read: 5, priced: 3, duplicates: 2 });
    expect(json.duplicate_events.listed.map((d: { first: string; repeat: string }) => [d.first, d.repeat])).toEqual([[`${log}:2`, `${log}:3`], [`${log}:4`, `${log}:5`]]);
    expect(json.accounts[0].cycles[0].total).toBe("0.3");
  });

  it("counts from the row that made the id known: 30 minutes is the window's edge, not past it", async () => {
    expect((await run(["--dedupe-window", "30m"])).events).toMatchObject({ priced: 3, duplicates: 2 });
    expect((await run(["--dedupe-window", "1799s"])).events).toMatchObject({ priced: 5, duplicates: 0 });
  });

  it("is taken by diff and reconcile too", async () => {
    const diff = await burnrate(["diff", "--base", CARD, "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", log, "--dedupe-window", "7d", "--format", "json"]);
    expect(diff.stderr).toBe("");
    expect(diff.code).toBe(0);
    const reconcile = await burnrate(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", "fixtures/reconcile/bill-clean.csv", "--dedupe-window", "1d", "--format", "json"]);
    expect(reconcile.stderr).toBe("");
    expect(reconcile.code).toBe(0);
  });
});
