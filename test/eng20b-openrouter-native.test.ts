import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// OpenRouter's generation export gives each request's tokens twice: tokens_* counted by one tokenizer for every model
// (to compare them) and native_tokens_* by the model's own, which the provider bills. --layout openrouter reads the
// native counts where the export has them (red team, stop 38: 1,000 normalized input tokens priced where 1,500 were
// billed). Floopy's gpt-4o on openai: 0.00025 cents a token in, 0.001 out.
const HEADER = "id,created_at,model,provider_name,tokens_prompt,tokens_completion,native_tokens_prompt,native_tokens_completion,native_tokens_reasoning,native_tokens_cached,total_cost,cancelled";

async function statement(card: string, csv: string) {
  const dir = mkdtempSync(join(tmpdir(), "eng20b-or-"));
  writeFileSync(join(dir, "card.yaml"), card);
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, "gen.csv"), csv);
  copyFileSync(join(ROOT, "fixtures/layouts/openrouter/generations.csv.mapping.yaml"), join(dir, "gen.csv.mapping.yaml"));
  const run = await burnrate(["statement", "--account", "account.yaml", "--layout", "openrouter", "--usage", "gen.csv", "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const cycle = JSON.parse(run.stdout).accounts[0].cycles[0];
  return { total: cycle.total as string, parts: Object.fromEntries(cycle.lines.filter((l: { component?: string }) => l.component).map((l: { component: string; quantity: string }) => [l.component, l.quantity])) };
}

const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");

describe("--layout openrouter reads the native token counts", () => {
  it("prices 1,500 native input and 300 native output tokens, not the 1,000 and 200 normalized", async () => {
    const got = await statement(floopy, `${HEADER}\ngen-1,2026-11-02T10:00:00Z,openai/gpt-4o,OpenAI,1000,200,1500,300,0,0,0.006750,false\n`);
    // 1,500 x 0.00025 + 300 x 0.001 = 0.375 + 0.3 = 0.675 cents (the normalized counts gave 0.45).
    expect(got.total).toBe("0.675");
    expect(got.parts).toEqual({ input_tokens: "1500", output_tokens: "300" });
  });

  it("takes the native cached tokens out of the native prompt, not out of the normalized one", async () => {
    // A card pricing OpenRouter's cached tokens at half the input price: 0.000125 for gpt-4o on openai.
    const anchor = "          llama-3.1-70b: { together: \"0.000088\", groq: \"0.000059\" }\n";
    expect(floopy).toContain(anchor);
    const cached = floopy.replace(anchor, `${anchor}      native_tokens_cached:\n        by: [model, provider]\n        table:\n          gpt-4o: { openai: "0.000125", azure: "0.0001375" }\n          gpt-4o-mini: { openai: "0.0000075", azure: "0.00000825" }\n          claude-sonnet-4: { anthropic: "0.00003", bedrock: "0.00003" }\n          llama-3.1-70b: { together: "0.000044", groq: "0.0000295" }\n`);
    const got = await statement(cached, `${HEADER}\ngen-2,2026-11-02T10:00:00Z,openai/gpt-4o,OpenAI,1000,200,1500,300,0,1200,0.004125,false\n`);
    // (1,500 - 1,200) x 0.00025 + 1,200 x 0.000125 + 300 x 0.001 = 0.075 + 0.15 + 0.3 = 0.525 cents; it was refused,
    // 1,200 cached being more than the 1,000 normalized.
    expect(got.total).toBe("0.525");
    expect(got.parts).toEqual({ input_tokens: "300", native_tokens_cached: "1200", output_tokens: "300" });
  });

  it("reads the normalized counts of an export without the native ones", async () => {
    const got = await statement(floopy, "id,created_at,model,provider_name,tokens_prompt,tokens_completion\ngen-3,2026-11-02T10:00:00Z,openai/gpt-4o,OpenAI,1000,200\n");
    // 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents.
    expect(got.total).toBe("0.45");
  });
});

describe("an empty count under --layout openrouter (newcomer62b M4)", () => {
  async function run(csv: string, mapping: string) {
    const dir = mkdtempSync(join(tmpdir(), "eng20b-or-empty-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${JSON.stringify(join(ROOT, "ratecards/floopy.yaml"))}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
    writeFileSync(join(dir, "gen.csv"), csv);
    writeFileSync(join(dir, "gen.csv.mapping.yaml"), mapping);
    return burnrate(["statement", "--account", "account.yaml", "--layout", "openrouter", "--usage", "gen.csv", "--format", "json"], { cwd: dir });
  }
  const values = "dimension_values:\n  model: { openai/gpt-4o: gpt-4o }\n  provider: { OpenAI: openai }\n";
  // gen-2 has no native counts and is priced by its normalized ones; gen-3, cancelled, has neither.
  const csv = `${HEADER}\ngen-1,2026-11-02T10:00:00Z,openai/gpt-4o,OpenAI,1000,200,1500,300,0,0,0.006750,false\ngen-2,2026-11-02T11:00:00Z,openai/gpt-4o,OpenAI,1000,200,,,,,0.0045,false\ngen-3,2026-11-02T12:00:00Z,openai/gpt-4o,OpenAI,,,,,,,0,true\n`;

  it("is refused with a skip on a column that marks rows, not on the native count that the normalized one stands in for", async () => {
    const refused = await run(csv, values);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("gen.csv:4:7: meter \"request\" needs a quantity of \"input_tokens\"");
    expect(refused.stderr).toContain("not on native_tokens_prompt: its count is read from tokens_prompt where native_tokens_prompt is empty");
    expect(refused.stderr).not.toContain("skip_rows: { native_tokens_prompt");
  });

  it("prices both requests with counts once the cancelled row is skipped as the message says", async () => {
    const priced = await run(csv, `skip_rows: { cancelled: ["true"] }\n${values}`);
    expect(priced.code).toBe(0);
    const cycle = JSON.parse(priced.stdout).accounts[0].cycles[0];
    // gen-1 by its native counts, 0.675 cents (above); gen-2 by its normalized ones, 1,000 x 0.00025 + 200 x 0.001 = 0.45.
    expect(cycle.total).toBe("1.125");
    expect(priced.stderr).toContain("1 row of gen.csv skipped as not usage by skip_rows: (cancelled \"true\"");
  });
});

describe("an export burnrate has a layout for, read without it (newcomer63b L3)", () => {
  it("names the layout where the header lacks burnrate's timestamp, not a fix a column at a time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eng20b-layout-"));
    writeFileSync(join(dir, "spend.csv"), "request_id,call_type,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,team_alias,status\nr-1,completion,0.01,1200,1000,200,2026-11-02 10:00:00,2026-11-02 10:00:01,gpt-4o,openai,search,success\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--plan", "pro", "--usage", join(dir, "spend.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("header missing required column \"timestamp\"; the header is LiteLLM's spend logs (LiteLLM_SpendLogs): --layout litellm reads it as it is");
    // As it says: read with the layout, the request is priced, 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents.
    writeFileSync(join(dir, "account.yaml"), `card: ${JSON.stringify(join(ROOT, "ratecards/floopy.yaml"))}\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 100, at: "2026-11-01T00:00:00Z" }\n`);
    const read = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--layout", "litellm", "--usage", join(dir, "spend.csv"), "--format", "json"]);
    expect(JSON.parse(read.stdout).accounts[0].cycles[0].total).toBe("0.45");
  });
});
