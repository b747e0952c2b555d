import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer48 F1: an OpenAI-shaped export counts its cached tokens inside its prompt tokens, and a mapping had no way
// to say so: a card pricing both charged the cached tokens twice. A mapping's `counts_inside:` says it, as a layout's
// `within` does. Floopy's request meter, gpt-4o on openai: 0.00025 a token in, 0.001 out; the card below adds
// input_cached_tokens at 0.000125.
function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), "inside48-"));
  const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
  const at = floopy.indexOf("      output_tokens:\n");
  writeFileSync(join(dir, "card.yaml"), `${floopy.slice(0, at)}      input_cached_tokens: "0.000125"\n${floopy.slice(at)}`);
  writeFileSync(join(dir, "account.yaml"), `account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
  return dir;
}

const line = (id: string, prompt: number, cached: number, completion: number) =>
  JSON.stringify({ id, created_at: "2026-11-02T10:00:00Z", org: "acme", model: "gpt-4o", provider: "openai", usage: { prompt_tokens: prompt, completion_tokens: completion, prompt_tokens_details: { cached_tokens: cached } } });

const MAPPING = `meter: request
columns: { timestamp: created_at, event_id: id, account: org }
rename:
  usage.prompt_tokens: input_tokens
  usage.completion_tokens: output_tokens
  usage.prompt_tokens_details.cached_tokens: input_cached_tokens
`;

async function statement(dir: string, usage: string, mapping: string) {
  writeFileSync(join(dir, "usage.mapping.yaml"), mapping);
  return burnrate(["statement", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, usage), "--mapping", join(dir, "usage.mapping.yaml"), "--format", "json"]);
}

describe("counts_inside: a mapping's count that holds others inside it (newcomer, stop 48)", () => {
  it("reads the prompt tokens less the cached ones, each token priced once, in JSON Lines and CSV alike", async () => {
    const dir = setup();
    // 1,000,000 prompt tokens of which 800,000 cached, 10,000 completion: 200,000 x 0.00025 + 800,000 x 0.000125 +
    // 10,000 x 0.001 = 50 + 100 + 10 = 160. Read whole, the prompt tokens were 250 + 100 + 10 = 360.
    writeFileSync(join(dir, "u.jsonl"), `${line("r1", 1_000_000, 800_000, 10_000)}\n`);
    const whole = await statement(dir, "u.jsonl", MAPPING);
    // Read whole, the details beside their total are told (newcomer49 F3).
    expect(whole.stderr).toBe(`burnrate: warning: "usage.prompt_tokens_details.cached_tokens" (read as "input_cached_tokens") is a detail of "usage.prompt_tokens" (read as "input_tokens"), and the card prices both: where the export counts it inside the total, as OpenAI's does, each of those tokens is priced twice; counts_inside: { usage.prompt_tokens: [usage.prompt_tokens_details.cached_tokens] } in the usage mapping reads the total less it (docs/usage.md, "Counts inside counts")\n`);
    const amounts = (stdout: string) => (JSON.parse(stdout).accounts[0].cycles[0].lines as { component?: string; amount: string }[]).filter((l) => l.component !== undefined).map((l) => [l.component, l.amount]).sort();
    expect(amounts(whole.stdout)).toEqual([["input_cached_tokens", "100"], ["input_tokens", "250"], ["output_tokens", "10"]]);
    const less = await statement(dir, "u.jsonl", `${MAPPING}counts_inside:\n  usage.prompt_tokens: [usage.prompt_tokens_details.cached_tokens]\n`);
    expect(less.stderr).toBe("");
    const lines = JSON.parse(less.stdout).accounts[0].cycles[0].lines as { component?: string; quantity: string; amount: string }[];
    expect(lines.map((l) => [l.component ?? "", l.quantity, l.amount]).filter(([c]) => c !== "").sort()).toEqual([
      ["input_cached_tokens", "800000", "100"],
      ["input_tokens", "200000", "50"],
      ["output_tokens", "10000", "10"],
    ]);
    writeFileSync(join(dir, "u.csv"), "created_at,id,org,model,provider,prompt_tokens,cached_tokens,completion_tokens\n2026-11-02T10:00:00Z,r1,acme,gpt-4o,openai,1000000,800000,10000\n");
    const csv = await statement(dir, "u.csv", "meter: request\ncolumns: { timestamp: created_at, event_id: id, account: org }\nrename: { prompt_tokens: input_tokens, completion_tokens: output_tokens, cached_tokens: input_cached_tokens }\ncounts_inside: { prompt_tokens: [cached_tokens] }\n");
    expect(csv.stderr).toBe("");
    expect(JSON.parse(csv.stdout).accounts[0].cycles[0].lines.map((l: { component?: string; amount: string }) => [l.component ?? "", l.amount]).filter(([c]: string[]) => c !== "").sort()).toEqual([["input_cached_tokens", "100"], ["input_tokens", "50"], ["output_tokens", "10"]]);
  });

  it("refuses a part more than its total at the part's cell", async () => {
    const dir = setup();
    writeFileSync(join(dir, "u.csv"), "created_at,id,org,model,provider,prompt_tokens,cached_tokens,completion_tokens\n2026-11-02T10:00:00Z,r1,acme,gpt-4o,openai,1000,2000,0\n");
    const run = await statement(dir, "u.csv", "meter: request\ncolumns: { timestamp: created_at, event_id: id, account: org }\nrename: { prompt_tokens: input_tokens, completion_tokens: output_tokens, cached_tokens: input_cached_tokens }\ncounts_inside: { prompt_tokens: [cached_tokens] }\n");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "u.csv")}:2:7: "input_cached_tokens" is more than the rest of "input_tokens", which counts it`);
  });

  it("refuses a column the export does not have at the mapping's entry, in a CSV header and on every JSON line", async () => {
    const dir = setup();
    writeFileSync(join(dir, "u.csv"), "created_at,id,org,model,provider,prompt_tokens,cached_tokens,completion_tokens\n2026-11-02T10:00:00Z,r1,acme,gpt-4o,openai,1000,200,0\n");
    const typo = "meter: request\ncolumns: { timestamp: created_at, event_id: id, account: org }\nrename: { prompt_tokens: input_tokens, completion_tokens: output_tokens, cached_tokens: input_cached_tokens }\ncounts_inside: { prompt_tokens: [cache_tokens] }\n";
    const csv = await statement(dir, "u.csv", typo);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain(`${join(dir, "usage.mapping.yaml")}:4:34: counts_inside: column "cache_tokens" is not in the header of ${join(dir, "u.csv")}; did you mean "cached_tokens"?`);
    writeFileSync(join(dir, "u.jsonl"), `${line("r1", 1000, 200, 0)}\n`);
    const json = await statement(dir, "u.jsonl", `${MAPPING}counts_inside:\n  usage.prompt_tokens: [usage.prompt_tokens_details.cache_tokens]\n`);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain(`${join(dir, "usage.mapping.yaml")}:8:25: counts_inside: column, "usage.prompt_tokens_details.cache_tokens", is on no line of ${join(dir, "u.jsonl")}`);
  });

  it("refuses a part twice, a total inside itself and a part under two totals, at the entry (red48 #2 to #4)", async () => {
    const dir = setup();
    writeFileSync(join(dir, "u.csv"), "created_at,id,org,model,provider,prompt_tokens,cached_tokens,completion_tokens\n2026-11-02T10:00:00Z,r1,acme,gpt-4o,openai,1000000,300000,400000\n");
    const head = "meter: request\ncolumns: { timestamp: created_at, event_id: id, account: org }\nrename: { prompt_tokens: input_tokens, completion_tokens: output_tokens, cached_tokens: input_cached_tokens }\n";
    const cases: [string, string][] = [
      ["counts_inside: { prompt_tokens: [cached_tokens, cached_tokens] }\n", `usage.mapping.yaml:4:49: counts_inside: "cached_tokens" is listed twice under "prompt_tokens"`],
      ["counts_inside: { prompt_tokens: [prompt_tokens] }\n", `usage.mapping.yaml:4:34: counts_inside: "prompt_tokens" is listed as a part of itself`],
      ["counts_inside:\n  prompt_tokens: [cached_tokens]\n  completion_tokens: [cached_tokens]\n", `usage.mapping.yaml:6:23: counts_inside: "cached_tokens" is under both "prompt_tokens" and "completion_tokens"`],
    ];
    for (const [key, message] of cases) {
      const run = await statement(dir, "u.csv", `${head}${key}`);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });

  it("reads a group declared in two layers as one: a folder's mapping and --mapping (red48 #5)", async () => {
    const dir = setup();
    const folder = join(dir, "days");
    mkdirSync(folder);
    const mapping = "meter: request\ncolumns: { timestamp: created_at, event_id: id, account: org }\nrename: { prompt_tokens: input_tokens, completion_tokens: output_tokens, cached_tokens: input_cached_tokens }\ncounts_inside: { prompt_tokens: [cached_tokens] }\n";
    writeFileSync(join(folder, "burnrate.mapping.yaml"), mapping);
    writeFileSync(join(folder, "u.csv"), "created_at,id,org,model,provider,prompt_tokens,cached_tokens,completion_tokens\n2026-11-02T10:00:00Z,r1,acme,gpt-4o,openai,1000000,300000,400000\n");
    writeFileSync(join(dir, "usage.mapping.yaml"), mapping);
    const run = await burnrate(["statement", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", folder, "--mapping", join(dir, "usage.mapping.yaml"), "--format", "json"]);
    expect(run.stderr).toBe("");
    // 700,000 x 0.00025 + 300,000 x 0.000125 + 400,000 x 0.001 = 175 + 37.5 + 400.
    const lines = JSON.parse(run.stdout).accounts[0].cycles[0].lines as { component?: string; amount: string }[];
    expect(lines.filter((l) => l.component !== undefined).map((l) => [l.component, l.amount]).sort()).toEqual([["input_cached_tokens", "37.5"], ["input_tokens", "175"], ["output_tokens", "400"]]);
  });
});
