import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// An API usage page that says more pages follow ("has_more": true) is the last of its file: unless the next pages are
// in another file given, the export is incomplete, and a week was priced as the month without a word (red team, stop 34).
function page(day: number, more: boolean): string {
  const start = Date.UTC(2026, 10, day) / 1000;
  return JSON.stringify({ object: "page", data: [{ object: "bucket", start_time: start, end_time: start + 86400, results: [{ object: "organization.usage.completions.result", input_tokens: 1000, output_tokens: 200, num_model_requests: 1, project_id: null, model: "gpt-4o" }] }], has_more: more, next_page: more ? "page_2" : null });
}

async function statement(...pages: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "red16-"));
  writeFileSync(join(dir, "account.yaml"), "account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: \"2026-11-01T00:00:00Z\" }\n");
  writeFileSync(join(dir, "usage.jsonl"), pages.map((p) => `${p}\n`).join(""));
  return burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--layout", "openai-usage", "--usage", join(dir, "usage.jsonl"), "--format", "json"]);
}

describe("--layout openai-usage: a file whose last page says more pages follow", () => {
  it("is priced as given, with a note naming its last page", async () => {
    const run = await statement(page(2, true), page(3, true));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^burnrate: note: the last page of .*usage\.jsonl \(.*usage\.jsonl:2:1\) says more pages follow \("has_more": true\): unless they are in another file given, the usage stops there and the statement is short of it\n$/);
    // Two requests of gpt-4o on openai: 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents each.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.9");
  });

  it("says nothing when the last page is the last (an earlier page's has_more is the next line's)", async () => {
    const run = await statement(page(2, true), page(3, false));
    expect([run.code, run.stderr]).toEqual([0, ""]);
  });
});
