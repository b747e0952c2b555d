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
