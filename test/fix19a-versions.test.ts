import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A later card version that prices a component (or looks a price up by a dimension) the earliest does not: the reader
// took the earliest version's meter alone, so the column was never read and the component never charged (layout19,
// stop 37). Floopy's request meter, gpt-4o on openai: 0.00025 a token in, 0.001 out. Version 2026-11b (from Nov 15)
// adds input_cached_tokens at 0.000125 a token, or by `tier` (batch 0.0001, any other 0.000125).

const CACHED = `      input_cached_tokens: "0.000125"\n`;
const BY_TIER = `      input_cached_tokens:\n        by: [tier]\n        table: { batch: "0.0001", "*": "0.000125" }\n`;

function setup(component: string, dimensions = "model, provider") {
  const dir = mkdtempSync(join(tmpdir(), "fix19a-"));
  const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
  writeFileSync(join(dir, "v1.yaml"), floopy);
  const at = floopy.indexOf("      output_tokens:\n");
  const later = (floopy.slice(0, at) + component + floopy.slice(at))
    .replace('version: "2026-11"\neffective: "2026-11-01"', 'version: "2026-11b"\neffective: "2026-11-15"')
    .replace("dimensions: [model, provider]", `dimensions: [${dimensions}]`);
  writeFileSync(join(dir, "v2.yaml"), later);
  writeFileSync(join(dir, "account.yaml"), `account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
  return dir;
}

async function statement(dir: string, name: string, text: string) {
  writeFileSync(join(dir, name), text);
  const run = await burnrate(["statement", "--card", join(dir, "v1.yaml"), "--card", join(dir, "v2.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, name), "--format", "json"]);
  const cycle = run.code === 0 ? JSON.parse(run.stdout).accounts[0].cycles[0] : undefined;
  return { run, cycle };
}

const row = (day: string, extra: Record<string, unknown>) => JSON.stringify({ timestamp: `2026-11-${day}T00:00:00Z`, account: "acme", meter: "request", model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 0, ...extra });

describe("a component or dimension only a later card version reads (layout19, stop 37)", () => {
  it("prices a later version's component from its switch, in JSON Lines and CSV alike", async () => {
    const dir = setup(CACHED);
    // Nov 2 (2026-11): 1000 x 0.00025 = 0.25. Nov 20 (2026-11b): 0.25 + 2000 x 0.000125 = 0.25 + 0.25 = 0.5. Total 0.75.
    const jsonl = await statement(dir, "u.jsonl", `${row("02", { input_cached_tokens: 2000 })}\n${row("20", { input_cached_tokens: 2000 })}\n`);
    expect(jsonl.run.stderr).toBe("");
    expect(jsonl.cycle.total).toBe("0.75");
    const cached = jsonl.cycle.lines.filter((l: { component?: string }) => l.component === "input_cached_tokens");
    expect(cached.map((l: { amount: string; version: string; quantity: string }) => [l.version, l.quantity, l.amount])).toEqual([["2026-11b", "2000", "0.25"]]);
    const header = "timestamp,account,meter,model,provider,input_tokens,output_tokens,input_cached_tokens\n";
    const csv = await statement(dir, "u.csv", `${header}2026-11-02T00:00:00Z,acme,request,gpt-4o,openai,1000,0,2000\n2026-11-20T00:00:00Z,acme,request,gpt-4o,openai,1000,0,2000\n`);
    expect(csv.cycle.total).toBe("0.75");
  });

  it("needs the component only of the rows its version prices", async () => {
    const dir = setup(CACHED);
    // Nov 2 without it (2026-11 has no such price): 0.25. Nov 20 with it: 0.5. Total 0.75.
    const ok = await statement(dir, "u.jsonl", `${row("02", {})}\n${row("20", { input_cached_tokens: 2000 })}\n`);
    expect(ok.cycle.total).toBe("0.75");
    // Nov 20 without it: 2026-11b prices it, so the row is refused at its line, not priced as 0.
    const refused = await statement(dir, "m.jsonl", `${row("02", { input_cached_tokens: 2000 })}\n${row("20", {})}\n`);
    expect(refused.run.code).toBe(2);
    expect(refused.run.stderr).toMatch(/m\.jsonl:2:\d+: meter "request" needs a quantity of "input_cached_tokens" under the card version in force/);
  });

  it("reads a dimension column only a later version's price looks up", async () => {
    const dir = setup(BY_TIER, "model, provider, tier");
    // Nov 20 (2026-11b), tier batch: 1000 x 0.00025 + 2000 x 0.0001 = 0.25 + 0.2 = 0.45; Nov 2 (2026-11): 0.25. Total 0.7.
    const { run, cycle } = await statement(dir, "u.jsonl", `${row("02", { input_cached_tokens: 2000, tier: "batch" })}\n${row("20", { input_cached_tokens: 2000, tier: "batch" })}\n`);
    expect(run.stderr).toBe("");
    expect(cycle.total).toBe("0.7");
  });
});
