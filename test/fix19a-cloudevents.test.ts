import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// CloudEvents 1.0: "Producers MUST ensure that source + id is unique for each distinct event"; the layout keyed events
// on id alone, so two gateways' event "1" were one request and a duplicate (red team red19b #7, stop 37).
// Floopy Pro, gpt-4o on openai: 1000 tokens in x 0.00025 + 200 out x 0.001 = 0.25 + 0.2 = 0.45 cents an event.

const event = (id: string, source: string | undefined, hour: string) =>
  JSON.stringify({ specversion: "1.0", id, ...(source === undefined ? {} : { source }), type: "request", subject: "acme", time: `2026-11-02T${hour}:00:00Z`, data: { model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 200 } });

async function statement(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "fix19a-ce-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, "events.jsonl"), `${lines.join("\n")}\n`);
  const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "events.jsonl"), "--layout", "cloudevents", "--format", "json"]);
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout);
}

describe("cloudevents: an event is its source and id together (red team, stop 37)", () => {
  it("prices two sources' events of one id as two events", async () => {
    const s = await statement([event("1", "gateway-eu", "10"), event("1", "gateway-us", "11"), event("2", "gateway-eu", "12")]);
    // Three events: 3 x 0.45 = 1.35 cents, 3 requests of the quota, no duplicate.
    expect(s.events.duplicates).toBe(0);
    expect(s.accounts[0].cycles[0].total).toBe("1.35");
    expect(s.accounts[0].cycles[0].quota.used).toBe("3");
  });

  it("still counts an event sent again from the same source once, and names it by source and id", async () => {
    const s = await statement([event("1", "gateway-eu", "10"), event("1", "gateway-us", "11"), event("1", "gateway-eu", "12")]);
    // Two events (0.9 cents); the third line is gateway-eu's event 1 again.
    expect(s.events.duplicates).toBe(1);
    expect(s.accounts[0].cycles[0].total).toBe("0.9");
    expect(JSON.stringify(s.duplicate_events)).toContain("gateway-eu 1");
  });

  it("keeps the id alone on events without a source", async () => {
    const s = await statement([event("1", undefined, "10"), event("1", undefined, "11")]);
    // One event, 0.45 cents, and one duplicate.
    expect(s.events.duplicates).toBe(1);
    expect(s.accounts[0].cycles[0].total).toBe("0.45");
  });
});
