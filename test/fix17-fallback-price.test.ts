import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A card whose price table has a "*" fallback prices every model it does not list; a log's GPT-4o, gpt4o,
// openai/gpt-4o or gpt-4o-2024-08-06 was charged that fallback in silence, where a card without "*" refuses them
// with a did-you-mean (red team, stop 35). Floopy with a fallback of 0.00001 a prompt token and 0.00002 a completion
// token: gpt-4o on openai costs 100,000 x 0.00025 + 10,000 x 0.001 = 35 cents, the fallback 100,000 x 0.00001 +
// 10,000 x 0.00002 = 1.2.
const FLOOPY = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const STAR = FLOOPY.replace('llama-3.1-70b: { together: "0.000088", groq: "0.000059" }\n', 'llama-3.1-70b: { together: "0.000088", groq: "0.000059" }\n          "*": { "*": "0.00001" }\n').replace(
  'llama-3.1-70b: { together: "0.000088", groq: "0.000079" }\n',
  'llama-3.1-70b: { together: "0.000088", groq: "0.000079" }\n          "*": { "*": "0.00002" }\n',
);

function statement(models: readonly string[], ...flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  writeFileSync(join(dir, "card.yaml"), STAR);
  writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n" + models.map((m, i) => `2026-11-02T10:0${i}:00Z,request,${m},openai,100000,10000`).join("\n") + "\n");
  return burnrate(["statement", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", ...flags]);
}
const warning = (value: string) =>
  `burnrate: warning: model "${value}" on meter "request" is priced by the card's "*" entry, but the card prices "gpt-4o", which it is written for (its letters, a gateway's prefix or a release): if it is that model, read it so with dimension_values: in the usage mapping (--map value:model:gpt-4o=${value})\n`;

describe("a price table's \"*\" entry and a model written otherwise", () => {
  it("warns for each spelling of a listed model the fallback priced, once, and prices as the card says", async () => {
    const run = await statement(["GPT-4o", "gpt4o", "openai/gpt-4o", "gpt-4o-2024-08-06", "o3"]);
    expect(run.code).toBe(0);
    // Five rows at the fallback's 1.2 each: the card's own rule, now said.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("6");
    expect(run.stderr.split(/(?<=\n)/).sort()).toEqual(["GPT-4o", "gpt-4o-2024-08-06", "gpt4o", "openai/gpt-4o"].map(warning).sort());
  });

  it("says nothing of a model the table does not list under any spelling (o3), nor of one read as the card's", async () => {
    const run = await statement(["o3", "GPT-4o"], "--map", "value:model:gpt-4o=GPT-4o");
    expect([run.code, run.stderr]).toEqual([0, ""]);
    // o3 at the fallback, 1.2; GPT-4o read as gpt-4o, 35.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("36.2");
  });

  it("diff warns too, for the new card's prices", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    writeFileSync(join(dir, "card.yaml"), STAR);
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,GPT-4o,openai,100000,10000\n");
    const run = await burnrate(["diff", "--base", join(dir, "card.yaml"), "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, warning("GPT-4o")]);
  });

  it("reconcile warns too, and names the usage-side mapping where the bill writes the card's value", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    writeFileSync(join(dir, "card.yaml"), STAR);
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,GPT-4o,openai,100000,10000\n");
    // The bill prices gpt-4o as the card does: 35 cents.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,model,provider,quantity,amount\n2026-11,request,gpt-4o,openai,1,35\n");
    const run = await burnrate(["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(warning("GPT-4o"));
    const missing = JSON.parse(run.stdout).differences.find((d: { class: string }) => d.class === "missing_in_usage");
    expect(missing.explanation).toContain('the card prices "gpt-4o": dimension_values: in the usage mapping reads the usage\'s as it (--map value:model:gpt-4o=GPT-4o)');
  });
});

