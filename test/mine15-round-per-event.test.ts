import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// `round_at: event` rounds what an event costs, once: a gateway request of two tiny token components is
// billed at the step, where rounding each component on its own billed it nothing (newcomer15).
const dir = mkdtempSync(join(tmpdir(), "burnrate-round-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const rounded = floopy.replace(/rounding: [a-z-]+/, "rounding: half-up").replace("  round_at: none", '  round_at: event\n  step: "0.01"');
writeFileSync(join(dir, "card.yaml"), rounded);
// Floopy's credits are bought: 100 cents, so that the requests are not refused.
writeFileSync(join(dir, "account.yaml"), `card: ${join(dir, "card.yaml")}\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 100, at: 2026-11-01 }\n`);
writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T00:00:00Z,request,gpt-4o-mini,openai,300,75\n2026-11-02T00:01:00Z,request,gpt-4o-mini,openai,300,75\n");

describe("round_at: event", () => {
  it("rounds the event's amount, not each component's", async () => {
    expect(rounded).toContain("round_at: event");
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect(run.stderr).toBe("");
    const cycle = JSON.parse(run.stdout).accounts[0].cycles[0];
    // 300 x 0.000015 = 0.0045 and 75 x 0.00006 = 0.0045: 0.009 a request, 0.01 half-up at the step; two requests 0.02.
    expect(cycle.total).toBe("0.02");
    const lines = cycle.lines.map((l: { component?: string; quantity: string; amount: string }) => [l.component ?? "", l.quantity, l.amount]);
    // Each component at the step (0.0045 half-up is 0.00), the request's own line the rest.
    expect(lines).toEqual([["", "2", "0.02"], ["input_tokens", "600", "0"], ["output_tokens", "150", "0"]]);
  });
});

describe("round_at: event, parts that round up", () => {
  it("never shows the event's own line negative: the parts are cut down to the step, the own line takes the rest", async () => {
    // gpt-4o-mini on openai: 1000 input tokens at 0.000015 = 0.015, 250 output tokens at 0.00006 = 0.015.
    // Half-up, each part alone would round to 0.02, 0.04 in all, past the event's 0.03: the own line would be -0.01.
    // Cut down, the parts show 0.01 and 0.01 and the own line 0.01; the event is charged 0.03.
    writeFileSync(join(dir, "up.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T00:00:00Z,request,gpt-4o-mini,openai,1000,250\n");
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "up.csv"), "--format", "json"]);
    expect(run.stderr).toBe("");
    const cycle = JSON.parse(run.stdout).accounts[0].cycles[0];
    expect(cycle.total).toBe("0.03");
    const lines = cycle.lines.map((l: { component?: string; amount: string }) => [l.component ?? "", l.amount]);
    expect(lines).toEqual([["", "0.01"], ["input_tokens", "0.01"], ["output_tokens", "0.01"]]);
  });
});
