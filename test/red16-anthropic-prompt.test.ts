import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Anthropic's usage report splits a prompt's tokens in uncached, cache-write (5m, 1h) and cache-read parts; the
// card's input_tokens is the whole prompt, as OpenAI's report gives it (red team, stop 34: the cached parts were
// passed over, 2,000 of a 67,000-token prompt priced). Floopy's claude-sonnet-4 on anthropic: 0.0003 a token in,
// 0.0015 out.
const CARD = join(ROOT, "ratecards/floopy.yaml");

function page(result: Record<string, unknown>): string {
  return `${JSON.stringify({ data: [{ starting_at: "2026-11-03T00:00:00Z", ending_at: "2026-11-04T00:00:00Z", results: [{ output_tokens: 400, workspace_id: null, model: "claude-sonnet-4", ...result }] }], has_more: false, next_page: null })}\n`;
}

async function statement(result: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "red16-"));
  writeFileSync(join(dir, "account.yaml"), `account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, "usage.jsonl"), page(result));
  return burnrate(["statement", "--card", CARD, "--account", join(dir, "account.yaml"), "--layout", "anthropic-usage", "--usage", join(dir, "usage.jsonl"), "--format", "json"]);
}

interface Line {
  component?: string;
  quantity: string;
  amount: string;
}

describe("--layout anthropic-usage: the prompt's tokens, cached or not, are input_tokens", () => {
  it("sums uncached, cache-write and cache-read tokens: 2,000 + 5,000 + 10,000 + 50,000 = 67,000 tokens, 20.1 + 0.6 cents", async () => {
    const run = await statement({ uncached_input_tokens: 2000, cache_creation: { ephemeral_5m_input_tokens: 5000, ephemeral_1h_input_tokens: 10000 }, cache_read_input_tokens: 50000 });
    // The only word on stderr is that each bucket counts as one request (fix18-uncounted-buckets.test.ts).
    expect(run.stderr).toMatch(/^burnrate: note: the 1 row of \S+usage\.jsonl \(the first at \S+:1:1\) is a time bucket.s tokens[^\n]*\n$/);
    expect(run.code).toBe(0);
    const cycle = JSON.parse(run.stdout).accounts[0].cycles[0];
    const input = cycle.lines.find((l: Line) => l.component === "input_tokens");
    const output = cycle.lines.find((l: Line) => l.component === "output_tokens");
    expect([input.quantity, input.amount]).toEqual(["67000", "20.1"]);
    expect([output.quantity, output.amount]).toEqual(["400", "0.6"]);
    expect(cycle.total).toBe("20.7");
  });

  it("reads a page without cache fields as its uncached tokens alone", async () => {
    const run = await statement({ uncached_input_tokens: 2000 });
    const cycle = JSON.parse(run.stdout).accounts[0].cycles[0];
    expect(cycle.lines.find((l: Line) => l.component === "input_tokens").quantity).toBe("2000");
    expect(cycle.total).toBe("1.2");
  });

  it("refuses a part that is not a number at its line, naming what the report wrote", async () => {
    const run = await statement({ uncached_input_tokens: 2000, cache_read_input_tokens: "lots" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.jsonl:1:\d+: input_tokens is not a quantity \(expected a plain decimal of 0 or more, found "lots"\)/);
  });
});
