import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer56 M3: a mapping file's `layout:` (so that a folder of a gateway's exports reads without the flag) lost what
// only a layout says when layered under the run's other mappings: OpenRouter's preference of its native token counts,
// so an export with both counts was refused as two columns of one name, and CloudEvents' ids scoped by their source.
// Floopy's gpt-4o-mini on openai: 0.000015 an input token, 0.00006 an output token (ratecards/floopy.yaml).
const ACCOUNT = join(ROOT, "fixtures/layouts/account.yaml");

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "layout56-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const total = (stdout: string) => JSON.parse(stdout).accounts[0].cycles[0].total;

describe("a layout named by a mapping file, not by --layout", () => {
  it("openrouter: reads the native counts where the export has both, as --layout does: 1,500 x 0.000015 + 300 x 0.00006 = 0.0405", async () => {
    const log = "id,created_at,model,provider_name,tokens_prompt,tokens_completion,native_tokens_prompt,native_tokens_completion\ngen-1,2026-11-02T10:00:00Z,gpt-4o-mini,openai,1000,200,1500,300\n";
    const dir = folder({ "gens.csv": log, "gens.csv.mapping.yaml": "layout: openrouter\n" });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--usage", join(dir, "gens.csv"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(total(r.stdout)).toBe("0.0405");
    const flag = folder({ "gens.csv": log });
    const byFlag = await burnrate(["statement", "--account", ACCOUNT, "--layout", "openrouter", "--usage", join(flag, "gens.csv"), "--format", "json"]);
    expect(byFlag.stdout).toBe(r.stdout);
  });

  it("cloudevents: an id is its source's, so two gateways' events \"1\" are two events: 2 x (1,000 x 0.000015 + 200 x 0.00006) = 0.054", async () => {
    const event = (source: string) => JSON.stringify({ specversion: "1.0", id: "1", source, type: "request", subject: "acme", time: "2026-11-02T10:00:00Z", data: { model: "gpt-4o-mini", provider: "openai", input_tokens: 1000, output_tokens: 200 } });
    const dir = folder({ "events.jsonl": `${event("gw-a")}\n${event("gw-b")}\n`, "events.jsonl.mapping.yaml": "layout: cloudevents\n" });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--usage", join(dir, "events.jsonl"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(total(r.stdout)).toBe("0.054");
    expect(JSON.parse(r.stdout).events.duplicates).toBe(0);
  });
});

// newcomer55 L1: a LiteLLM export read for a card whose meter is not `request` was refused as an unknown meter
// "request" without a word of the layout that names it, nor of meter:, which reads it as the card's.
describe("a layout's meter the card does not have", () => {
  it("is refused naming the layout's meter and the mapping's meter: that reads it as the card's", async () => {
    const card = "provider: relay\nversion: \"1\"\nunit: cents\ncategories: { c: { label: Calls } }\npools: { p: { label: P, when_exhausted: allow } }\ngrant_kinds: { included: { priority: 1, expires: cycle_end } }\nplans:\n  starter: { label: Starter, included: 100, price: 0 }\nmeters:\n  chat: { description: a call, aggregation: flow, category: c, pool: p, price: \"1\" }\n";
    const dir = folder({ "card.yaml": card, "account.yaml": "card: card.yaml\naccount: acme\nplan: starter\nanchor: 2026-11-01\n", "spend.csv": "request_id,startTime\nr-1,2026-11-02 10:00:00\n" });
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--layout", "litellm", "--usage", join(dir, "spend.csv"), "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: ${join(dir, "spend.csv")}:2:1: unknown meter "request" (expected a meter of relay 1; the layout reads every row as the meter "request": meter: KEY in the usage mapping (--map meter:KEY, KEY one of chat) reads them as the card's, found "request")\n`);
    const read = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--layout", "litellm", "--usage", join(dir, "spend.csv"), "--map", "meter:chat", "--format", "json"]);
    expect([read.code, total(read.stdout)]).toEqual([0, "1"]);
  });
});
