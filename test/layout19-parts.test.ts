import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A layout's export counts some tokens inside others (OpenAI's input_tokens counts its cached ones); a card that
// priced the total and the part charged those tokens twice (red team, stop 37: 350 cents where 150 were owed).
// Floopy's request meter: gpt-4o on openai 0.00025 a token in, 0.001 out; claude-sonnet-4 on anthropic 0.0003 in.

/** Floopy with more components on its request meter, each a flat price. */
function card(dir: string, components: Record<string, string>): string {
  const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
  const extra = Object.entries(components).map(([name, price]) => `      ${name}: "${price}"\n`).join("");
  const at = floopy.indexOf("      output_tokens:\n");
  const path = join(dir, "card.yaml");
  writeFileSync(path, floopy.slice(0, at) + extra + floopy.slice(at));
  return path;
}

interface Line {
  component?: string;
  quantity: string;
  amount: string;
}

async function statement(layout: string, usage: { name: string; text: string }, components: Record<string, string>, account = "") {
  const dir = mkdtempSync(join(tmpdir(), "layout19-"));
  writeFileSync(join(dir, "account.yaml"), `account: acme\nplan: pro\nanchor: 2026-11-01\n${account}grants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, usage.name), usage.text);
  const run = await burnrate(["statement", "--card", card(dir, components), "--account", join(dir, "account.yaml"), "--layout", layout, "--usage", join(dir, usage.name), "--format", "json"]);
  const cycle = run.code === 0 ? JSON.parse(run.stdout).accounts[0].cycles[0] : undefined;
  const line = (c: string) => cycle?.lines.find((l: Line) => l.component === c);
  return { run, cycle, line };
}

function openaiPage(result: Record<string, unknown>) {
  const text = `${JSON.stringify({ object: "page", data: [{ object: "bucket", start_time: 1793577600, end_time: 1793664000, results: [{ object: "organization.usage.completions.result", output_tokens: 0, num_model_requests: 100, project_id: null, model: "gpt-4o", ...result }] }], has_more: false, next_page: null })}\n`;
  return { name: "usage.jsonl", text };
}

describe("--layout openai-usage: input_tokens counts the cached tokens", () => {
  it("a card that prices cached input reads input_tokens less them: 200,000 x 0.00025 + 800,000 x 0.000125 = 50 + 100 = 150", async () => {
    const { run, cycle, line } = await statement("openai-usage", openaiPage({ input_tokens: 1000000, input_cached_tokens: 800000 }), { input_cached_tokens: "0.000125" });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect([line("input_tokens").quantity, line("input_tokens").amount]).toEqual(["200000", "50"]);
    expect([line("input_cached_tokens").quantity, line("input_cached_tokens").amount]).toEqual(["800000", "100"]);
    expect(cycle.total).toBe("150");
  });

  it("a card without a cached price reads the whole prompt: 1,000,000 x 0.00025 = 250", async () => {
    const { run, cycle, line } = await statement("openai-usage", openaiPage({ input_tokens: 1000000, input_cached_tokens: 800000 }), {});
    expect(run.code).toBe(0);
    expect(line("input_tokens").quantity).toBe("1000000");
    expect(cycle.total).toBe("250");
  });

  it("output_tokens counts the audio output: 0.001 x (1,000 - 400) + 0.002 x 400 = 0.6 + 0.8 = 1.4", async () => {
    const { cycle, line } = await statement("openai-usage", openaiPage({ input_tokens: 0, output_tokens: 1000, output_audio_tokens: 400 }), { output_audio_tokens: "0.002" });
    expect(line("output_tokens").quantity).toBe("600");
    expect(cycle.total).toBe("1.4");
  });

  it("refuses a bucket whose cached tokens are more than its input tokens, at the cached tokens' cell", async () => {
    const { run } = await statement("openai-usage", openaiPage({ input_tokens: 1000000, input_cached_tokens: 1200000 }), { input_cached_tokens: "0.000125" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.jsonl:1:\d+: "input_cached_tokens" is more than the rest of "input_tokens", which counts it \(expected .* found "input_cached_tokens" 1200000 of "input_tokens" 1000000\)/);
  });

  it("refuses a card that prices both cached and audio input beside input_tokens: OpenAI's cached count spans audio", async () => {
    const { run } = await statement("openai-usage", openaiPage({ input_tokens: 1000, input_cached_tokens: 100, input_audio_tokens: 100 }), { input_cached_tokens: "0.000125", input_audio_tokens: "0.001" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.jsonl:1:\d+: the card prices "input_tokens" and both "input_cached_tokens" and "input_audio_tokens", parts of it that may count the same tokens/);
  });
});

describe("--layout openai-usage through two cards: each reads input_tokens by the components its own meter prices", () => {
  it("diff from Floopy (no cached price) to a card with one: 1,000,000 x 0.00025 = 250 -> 200,000 x 0.00025 + 800,000 x 0.000125 = 150", async () => {
    const dir = mkdtempSync(join(tmpdir(), "layout19-"));
    writeFileSync(join(dir, "account.yaml"), `account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
    const usage = openaiPage({ input_tokens: 1000000, input_cached_tokens: 800000 });
    writeFileSync(join(dir, usage.name), usage.text);
    const run = await burnrate(["diff", "--base", join(ROOT, "ratecards/floopy.yaml"), "--card", card(dir, { input_cached_tokens: "0.000125" }), "--account", join(dir, "account.yaml"), "--layout", "openai-usage", "--usage", join(dir, usage.name), "--format", "json"]);
    expect(run.code).toBe(0);
    const diff = JSON.parse(run.stdout);
    expect([diff.base_total, diff.card_total]).toEqual(["250", "150"]);
  });

  it("refuses versions of one card that price input_tokens with the cached part and without it: one reading cannot serve both", async () => {
    const dir = mkdtempSync(join(tmpdir(), "layout19-"));
    writeFileSync(join(dir, "account.yaml"), `account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
    const usage = openaiPage({ input_tokens: 1000000, input_cached_tokens: 800000 });
    writeFileSync(join(dir, usage.name), usage.text);
    const later = join(dir, "later.yaml");
    writeFileSync(later, readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-12-01"'));
    const run = await burnrate(["statement", "--card", card(dir, { input_cached_tokens: "0.000125" }), "--card", later, "--account", join(dir, "account.yaml"), "--layout", "openai-usage", "--usage", join(dir, usage.name), "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.jsonl:1:\d+: versions of "floopy"'s card price "input_tokens" with "input_cached_tokens" \(2026-11\) and without it \(2026-12\)/);
  });
});

describe("--layout anthropic-usage: input_tokens, the sum of the prompt's parts, less the parts a card prices", () => {
  it("a card that prices cache reads: (100,000 + 100,000) x 0.0003 + 800,000 x 0.00003 = 60 + 24 = 84", async () => {
    const text = `${JSON.stringify({ data: [{ starting_at: "2026-11-03T00:00:00Z", ending_at: "2026-11-04T00:00:00Z", results: [{ uncached_input_tokens: 100000, cache_creation: { ephemeral_5m_input_tokens: 100000, ephemeral_1h_input_tokens: 0 }, cache_read_input_tokens: 800000, output_tokens: 0, workspace_id: null, model: "claude-sonnet-4" }] }], has_more: false, next_page: null })}\n`;
    const { run, cycle, line } = await statement("anthropic-usage", { name: "usage.jsonl", text }, { cache_read_input_tokens: "0.00003" });
    expect(run.code).toBe(0);
    expect(line("input_tokens").quantity).toBe("200000");
    expect(line("cache_read_input_tokens").quantity).toBe("800000");
    expect(cycle.total).toBe("84");
  });
});

// LiteLLM's total_tokens is prompt_tokens + completion_tokens. Without a status column the file is the row scanner's,
// which leaves a total read less its parts to the plain reader.
describe("--layout litellm: total_tokens counts the prompt and completion tokens", () => {
  const log = { name: "spend.csv", text: "request_id,startTime,model,custom_llm_provider,total_tokens,prompt_tokens,completion_tokens\nr-1,2026-11-02 10:00:00,gpt-4o,openai,200000,100000,60000\n" };

  it("a card that prices total_tokens beside both reads what the two leave: 100,000 x 0.00025 + 60,000 x 0.001 + 40,000 x 0.0001 = 25 + 60 + 4 = 89", async () => {
    const { run, cycle, line } = await statement("litellm", log, { total_tokens: "0.0001" });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(line("total_tokens").quantity).toBe("40000");
    expect(cycle.total).toBe("89");
  });
});
