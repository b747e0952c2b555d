import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A per-event surcharge is charged once per event, and a row's quantity counts its events (SPEC 1: one row per
// event, or a pre-aggregated bucket): the app builder's "AI Requests with Web Search: +15 credits" on a bucket of
// 5 requests is 75, not 15 (red team, stop 34). Standard tier: 0.002 a prompt token, 0.006 a completion token.
describe("per-event surcharges on pre-aggregated rows", () => {
  it("rows of 5 and 1 requests with web search: 6 x 15 = 90, tokens 2.4 + 0.72, 93.12 in all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red16-"));
    writeFileSync(
      join(dir, "usage.csv"),
      "timestamp,meter,quantity,app,creator,tier,web_search,input_tokens,output_tokens\n" +
        "2026-11-02T10:00:00Z,app_request,5,recipes,ana,standard,true,1000,100\n" +
        "2026-11-02T11:00:00Z,app_request,1,recipes,ana,standard,true,200,20\n" +
        "2026-11-02T12:00:00Z,app_request,3,recipes,ana,standard,false,300,30\n",
    );
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/appbuilder.yaml"), "--usage", join(dir, "usage.csv"), "--plan", "standard", "--anchor", "2026-11-01", "--format", "json"]);
    expect(run.stderr).toBe("");
    const cycle = JSON.parse(run.stdout).accounts.find((a: { account: string }) => a.account === "default").cycles[0];
    const parts = cycle.lines.map((l: { component?: string; quantity: string; amount: string }) => [l.component ?? "request", l.quantity, l.amount]);
    // Tokens: 1,500 in x 0.002 = 3; 150 out x 0.006 = 0.9. The 3 requests without web search pay none.
    expect(parts).toEqual([
      ["request", "9", "0"],
      ["input_tokens", "1500", "3"],
      ["output_tokens", "150", "0.9"],
      ["web_search", "6", "90"],
    ]);
    expect(cycle.total).toBe("93.9");
  });
});
