import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Fliplet prices AI input and output tokens as two meters, so an export writes one request as two
// rows under the request's id. They are two parts of one event, both priced; a retry repeats both.
const dir = mkdtempSync(join(tmpdir(), "burnrate-ids-meter-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const account = join(dir, "account.yaml");
writeFileSync(account, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\n`);

async function statement(rows: string[]) {
  const usage = join(dir, `usage-${rows.length}.csv`);
  writeFileSync(usage, ["timestamp,meter,quantity,project,source,model,event_id", ...rows, ""].join("\n"));
  const run = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

const REQUESTS = [
  "2026-11-02T00:00:00Z,ai_input_tokens,1000,p,studio,standard,req-1",
  "2026-11-02T00:00:00Z,ai_output_tokens,500,p,studio,standard,req-1",
  "2026-11-02T00:01:00Z,ai_input_tokens,1000,p,studio,advanced,req-2",
  "2026-11-02T00:01:00Z,ai_output_tokens,500,p,studio,advanced,req-2",
];

describe("an event_id is its meter's own", () => {
  it("prices both meters' rows of one request", async () => {
    const st = await statement(REQUESTS);
    // standard: 1000 x 0.0002 + 500 x 0.0008 = 0.2 + 0.4; advanced: 1000 x 0.001 + 500 x 0.004 = 1 + 2.
    expect(st.accounts[0].cycles[0].total).toBe("3.6");
    expect(st.events).toEqual({ read: 4, priced: 4, duplicates: 0, rejected: 0 });
  });

  it("a retry of the request repeats each of its rows", async () => {
    const retry = ["2026-11-02T00:05:00Z,ai_input_tokens,1000,p,studio,standard,req-1", "2026-11-02T00:05:00Z,ai_output_tokens,500,p,studio,standard,req-1"];
    const st = await statement([...REQUESTS, ...retry]);
    expect(st.accounts[0].cycles[0].total).toBe("3.6");
    expect(st.events.duplicates).toBe(2);
    expect(st.duplicate_events.listed.map((d: { meter: string }) => d.meter).sort()).toEqual(["ai_input_tokens", "ai_output_tokens"]);
  });
});
