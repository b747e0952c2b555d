import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Floopy with a "*" fallback under each token table: any other model, on any provider, at 0.00001 a input token and
// 0.00002 an output token. gpt-4o on openai stays 0.00025 and 0.001.
const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8")
  .replace('gpt-4o: { openai: "0.00025", azure: "0.000275" }', 'gpt-4o: { openai: "0.00025", azure: "0.000275" }\n          "*": { "*": "0.00001" }')
  .replace('gpt-4o: { openai: "0.001", azure: "0.0011" }', 'gpt-4o: { openai: "0.001", azure: "0.0011" }\n          "*": { "*": "0.00002" }');

function scenario(model: string): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-simfallback-"));
  writeFileSync(join(dir, "floopy.yaml"), floopy);
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, `card: ./floopy.yaml
plan: enterprise
start: 2026-11-01
cycles: 1
schedules:
  - { meter: request, every: daily, dimensions: { model: ${model}, provider: openai }, components: { input_tokens: 1000, output_tokens: 100 } }
`);
  return file;
}

describe("simulate: a model the card's \"*\" entry would price though the card lists it written otherwise", () => {
  it.each(["GPT-4o", "gpt4o", "openai/gpt-4o", "gpt-4o-2024-08-06"])("%s is warned about at the scenario's value", async (model) => {
    const file = scenario(model);
    const r = await burnrate(["simulate", file, "--format", "json"]);
    expect(r.code).toBe(0);
    // Line 6, column 58: "  - { " (6) + "meter: request, " (16) + "every: daily, " (14) + "dimensions: { " (14) + "model: " (7) = 57 before the value.
    expect(r.stderr).toBe(`burnrate: warning: ${file}:6:58: model ${JSON.stringify(model)} on meter "request" is priced by the card's "*" entry, but the card prices "gpt-4o", which it is written for (its letters, a gateway's prefix or a release): if it is that model, write "gpt-4o"\n`);
  });

  it("the card's own name, and another model, are not", async () => {
    for (const model of ["gpt-4o", "o3"]) expect((await burnrate(["simulate", scenario(model), "--format", "json"])).stderr).toBe("");
  });
});
