import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cardHead } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

// A layout's fixed value (anthropic-usage's and openai-usage's `provider`) is read where the card reads it and passed
// over otherwise, as a layout's other fields are (docs/usage.md). A card priced by model alone was refused with
// "column provider is read by no meter", pointing into a file without that column (newcomer, stop 38).
const CARD = cardHead("g: { label: G, when_exhausted: allow }", "included: 0, price: 0", `meters:
  request:
    description: a Messages API request, priced by model alone
    aggregation: flow
    dimensions: [model]
    category: c1
    pool: g
    price: "0"
    components:
      input_tokens: { by: [model], table: { claude-sonnet-4: "0.0003" } }
      output_tokens: { by: [model], table: { claude-sonnet-4: "0.0015" } }
`);

describe("a layout's fixed provider on a card without a provider dimension", () => {
  it("prices an Anthropic usage report by model alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eng20b-"));
    writeFileSync(join(dir, "card.yaml"), CARD);
    writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\n`);
    writeFileSync(join(dir, "usage.jsonl"), `${JSON.stringify({ data: [{ starting_at: "2026-11-03T00:00:00Z", ending_at: "2026-11-04T00:00:00Z", results: [{ uncached_input_tokens: 2000, output_tokens: 400, workspace_id: null, model: "claude-sonnet-4" }] }], has_more: false, next_page: null })}\n`);
    const run = await burnrate(["statement", "--account", "account.yaml", "--layout", "anthropic-usage", "--usage", "usage.jsonl", "--format", "json"], { cwd: dir });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    // claude-sonnet-4: 2,000 tokens in at 0.0003 = 0.6 cents, 400 out at 0.0015 = 0.6 cents.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("1.2");
  });
});
