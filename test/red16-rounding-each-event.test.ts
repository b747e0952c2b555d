import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A provider that rounds each request to the cent, where the card rounds none, is found as rounding before the card is
// blamed (red team, stop 34: it was rate_drift, "the card may be out of date"). Floopy: gpt-4o-mini on openai 0.000015
// a prompt token; 12,345 tokens cost 0.185175 cents, 185.175 for 1,000 requests. Each rounded to 0.01 (half-even:
// 0.185175 is past the half) is 0.19, 190 in all. The card's own step is 0.01.
async function reconcile(billAmount: string) {
  const dir = mkdtempSync(join(tmpdir(), "red16-"));
  writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
  const rows = Array.from({ length: 1000 }, (_, i) => `2026-11-02T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z,request,1,gpt-4o-mini,openai,12345,0`);
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n${rows.join("\n")}\n`);
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount\n2026-11-01,request,gpt-4o-mini,openai,1000,${billAmount}\n`);
  const run = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
  return { run, out: JSON.parse(run.stdout) as { status: string; differences: { class: string; delta: string; within_tolerance: boolean; explanation: string }[] } };
}

describe("reconcile: a bill that rounds each event", () => {
  it("190 for 185.175 is each request rounded to the cent: class rounding, held to the tolerance (4.825 is past one step)", async () => {
    const { run, out } = await reconcile("190");
    expect(run.code).toBe(1);
    expect(out.differences.map((d) => [d.class, d.delta, d.within_tolerance])).toEqual([["rounding", "4.825", false]]);
    expect(out.differences[0]!.explanation).toMatch(/^the bill rounds each event to 0\.01 \(half-even\), where the card rounds none: priced so, the usage comes to the bill's 190 exactly/);
  });

  it("185.18 is the total rounded once: rounding within one step, no difference to act on", async () => {
    const { run, out } = await reconcile("185.18");
    expect(run.code).toBe(0);
    expect(out.differences.map((d) => [d.class, d.within_tolerance])).toEqual([["rounding", true]]);
  });

  it("191 is neither: the card's price is blamed as before", async () => {
    const { out } = await reconcile("191");
    expect(out.differences.map((d) => d.class)).toEqual(["rate_drift"]);
  });
});

// A bill by account (a gateway's hundreds of customers): the replay rounding each event reprices only the accounts
// with a line that differs by a rate (stop 45), and finds each one's rounding as the replay of every account would.
// beta: 500 requests of the same 12,345 tokens, 92.5875 exactly, 95 rounded each (0.19 a request).
async function reconcileByAccount(acme: string, beta: string) {
  const dir = mkdtempSync(join(tmpdir(), "red16-accounts-"));
  writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z", account: beta }\naccounts:\n  beta: { plan: pro }\n');
  const row = (i: number, account: string) => `2026-11-02T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z,${account},request,1,gpt-4o-mini,openai,12345,0`;
  const rows = [...Array.from({ length: 1000 }, (_, i) => row(i, "acme")), ...Array.from({ length: 500 }, (_, i) => row(i, "beta"))].sort();
  writeFileSync(join(dir, "usage.csv"), `timestamp,account,meter,quantity,model,provider,input_tokens,output_tokens\n${rows.join("\n")}\n`);
  writeFileSync(join(dir, "bill.csv"), `period_start,account,activity,model,provider,quantity,amount\n2026-11-01,acme,request,gpt-4o-mini,openai,1000,${acme}\n2026-11-01,beta,request,gpt-4o-mini,openai,500,${beta}\n`);
  const run = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
  return { run, out: JSON.parse(run.stdout) as { differences: { class: string; delta: string; within_tolerance: boolean }[]; lines: { dimensions: Record<string, string>; status: string }[] } };
}

describe("reconcile: a bill by account that rounds each event", () => {
  it("finds acme's 190 rounding, beta's 92.5875 agreeing", async () => {
    const { run, out } = await reconcileByAccount("190", "92.5875");
    expect(run.code, run.stderr).toBe(1);
    expect(out.differences.map((d) => [d.class, d.delta, d.within_tolerance])).toEqual([["rounding", "4.825", false]]);
  });

  it("finds both roundings where both accounts' lines differ", async () => {
    const { out } = await reconcileByAccount("190", "95");
    expect(out.differences.map((d) => [d.class, d.delta])).toEqual([["rounding", "4.825"], ["rounding", "2.4125"]]);
  });

  it("finds beta's 95 rounding where acme's 191 is a rate drift", async () => {
    const { out } = await reconcileByAccount("191", "95");
    expect(out.differences.map((d) => [d.class, d.delta])).toEqual([["rate_drift", "5.825"], ["rounding", "2.4125"]]);
  });
});

// An account file without an anchor starts its cycles in the month of the log's first row: acme's, in October. beta's
// rows alone would start them in November, and its November line be compared with a cycle from November 2
// (red team, stop 45). 5 requests of 12,345 tokens: 0.925875 exactly, 0.95 rounded each.
describe("reconcile: a bill by account that rounds each event, the account file without an anchor", () => {
  it("finds beta's rounding at the cycles the whole log starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red16-no-anchor-"));
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z", account: beta }\naccounts:\n  beta: { plan: pro }\n');
    const rows = ["2026-10-02T10:00:00Z,acme", ...Array.from({ length: 5 }, (_, i) => `2026-11-02T10:00:0${i}Z,beta`)].map((r) => `${r},request,1,gpt-4o-mini,openai,12345,0`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,account,meter,quantity,model,provider,input_tokens,output_tokens\n${rows.join("\n")}\n`);
    writeFileSync(join(dir, "bill.csv"), "period_start,account,activity,model,provider,quantity,amount\n2026-11-01,beta,request,gpt-4o-mini,openai,5,0.95\n");
    const run = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    const out = JSON.parse(run.stdout) as { differences: { class: string; delta: string }[] };
    expect(out.differences.map((d) => [d.class, d.delta])).toEqual([["rounding", "0.024125"]]);
  });
});
