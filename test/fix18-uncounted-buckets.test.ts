import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Anthropic's usage report sums a bucket's tokens and gives no count of its requests. Floopy's plans count requests
// against a quota (ratecards/floopy.yaml: Pro 50,000 a cycle, Free 1,000 with overage past it), so a day's bucket of
// thousands of requests counted as one would never reach the quota: said on stderr.
const LOG = join(ROOT, "fixtures/layouts/anthropic-usage/usage.jsonl");
const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");

const statement = (card: string, ...more: string[]) =>
  burnrate(["statement", "--card", card, "--plan", "pro", "--anchor", "2026-11-01", "--layout", "anthropic-usage", "--usage", LOG, "--format", "json", ...more]);

describe("--layout anthropic-usage: buckets without a count of requests", () => {
  it("on a card that counts requests, each bucket counted as one request is said, with the way to read a count", async () => {
    const r = await statement(join(ROOT, "ratecards/floopy.yaml"));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: note: the 1 row of ${LOG} (the first at ${LOG}:1:1) is a time bucket's tokens, summed over its requests, with no count of them: each is counted as one request event, so the plans' quotas of requests count rows, not requests; columns: { quantity: FIELD } in a mapping reads a count where the export has one\n`);
    // The statement itself is as before: the one bucket read as one request event.
    expect(JSON.parse(r.stdout).events).toMatchObject({ read: 1 });
  });

  it("on a card with no quota of requests and no price per request, nothing is said", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-buckets-"));
    const card = join(dir, "floopy.yaml");
    writeFileSync(card, floopy.split("\n").filter((l) => !l.trimStart().startsWith("quota:")).join("\n"));
    const r = await statement(card);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("a mapping that reads a count from the export is not told", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-buckets-"));
    const mapping = join(dir, "counted.mapping.yaml");
    writeFileSync(mapping, "columns:\n  quantity: data.results.server_tool_use.web_search_requests\n");
    const r = await statement(join(ROOT, "ratecards/floopy.yaml"), "--mapping", mapping);
    expect(r.stderr).not.toContain("no count of them");
  });
});
