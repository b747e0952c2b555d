import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer62 M1, M2: bills rounded as providers round them. The app builder's card displays whole credits (display: 0),
// keeps amounts exact (round_at: none, step 0.01) and prices a standard request's input tokens at 0.002 credits each.
const HEADER = "timestamp,meter,app,creator,tier,input_tokens,output_tokens\n";
const request = (day: number, tokens: number) => `2026-11-${String(day).padStart(2, "0")}T10:00:00Z,app_request,a1,me,standard,${tokens},0\n`;

async function reconcile(usage: string, bill: string) {
  const dir = mkdtempSync(join(tmpdir(), "recon62-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/appbuilder.yaml")}\nplan: standard\nanchor: 2026-11-01\ntimezone: UTC\n`);
  writeFileSync(join(dir, "usage.csv"), HEADER + usage);
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,tier,quantity,amount\n${bill}`);
  const r = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
  const differences = (JSON.parse(r.stdout).differences as { meter: string; class: string; delta: string; explanation: string }[]).filter((d) => d.meter === "app_request:input_tokens");
  return { code: r.code, differences };
}

describe("a bill in whole credits, the places the card displays (newcomer62 M1)", () => {
  it("2.59 credits billed 3 is a rounding to the nearest whole credit, and passes", async () => {
    // 1,295 tokens x 0.002 = 2.59; to the nearest whole credit, 3.
    const r = await reconcile(request(2, 1295), "2026-11-01,app_request:input_tokens,standard,1295,3\n");
    expect(r.code).toBe(0);
    expect(r.differences.map((d) => [d.class, d.delta])).toEqual([["rounding", "0.41"]]);
    expect(r.differences[0]!.explanation).toBe("the bill rounds 2.59 to 3 (step 1, the places the card displays, half-even)");
  });

  it("2.59 billed 4 is no rounding: more than half a whole credit off", async () => {
    const r = await reconcile(request(2, 1295), "2026-11-01,app_request:input_tokens,standard,1295,4\n");
    expect(r.code).toBe(1);
    expect(r.differences.map((d) => d.class)).toEqual(["rate_drift"]);
  });

  it("2.4 billed 3 is no rounding to the nearest (that is 2): rounded up, a difference", async () => {
    // 1,200 tokens x 0.002 = 2.4.
    const r = await reconcile(request(2, 1200), "2026-11-01,app_request:input_tokens,standard,1200,3\n");
    expect(r.code).toBe(1);
    expect(r.differences.map((d) => d.class)).not.toContain("rounding");
  });
});

describe("a line of several bill rows, each rounded to 0.01 credit (newcomer62 M2)", () => {
  // Five requests of 1,297, 1,302, 1,307, 1,312 and 1,317 tokens: 2.594, 2.604, 2.614, 2.624 and 2.634 credits, 13.07 in
  // all. Each row rounded to the nearest 0.01 is 4 thousandths less: the bill's 13.05 is 0.02 under, more than one step
  // of 0.01, and within five rows' half-step (0.025).
  const tokens = [1297, 1302, 1307, 1312, 1317];
  const usage = tokens.map((t, i) => request(i + 1, t)).join("");
  const bill = (amounts: string[]) => tokens.map((t, i) => `2026-11-01,app_request:input_tokens,standard,${t},${amounts[i]}\n`).join("");

  it("is a rounding of each row, checked row by row, and passes", async () => {
    const r = await reconcile(usage, bill(["2.59", "2.60", "2.61", "2.62", "2.63"]));
    expect(r.code).toBe(0);
    expect(r.differences.map((d) => [d.class, d.delta])).toEqual([["rounding", "-0.02"]]);
    expect(r.differences[0]!.explanation).toMatch(/^the bill writes each of its 5 rows to 0\.01, each its quantity at the card's price rounded to the nearest, at most 0\.025 in all; it is -0\.02 off the usage's 13\.07/);
  });

  it("a row rounded up (2.64 for 2.634) is not the nearest: the line is a difference", async () => {
    const r = await reconcile(usage, bill(["2.59", "2.60", "2.61", "2.62", "2.64"]));
    expect(r.code).toBe(1);
    expect(r.differences.map((d) => d.class)).not.toContain("rounding");
  });
});
