import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { scenarioFile } from "./helpers/scenario-file.js";

// newcomer65b L1: a model the card prices no token of was told at the start of its item (`- {`), where the value
// was 50 columns on, in a scenario of several items a line.
describe("a scenario's value no price names", () => {
  it("is told at the value, in a flow item and in a block one", async () => {
    const item = "{ meter: request, quantity: 1, every: cycle, dimensions: { model: GPT-4o-mini, provider: openai }, components: { input_tokens: 10, output_tokens: 1 } }";
    const file = scenarioFile(`card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 1\nsends:\n  - ${item}\n`);
    const flow = await burnrate(["simulate", file]);
    expect(flow.code).toBe(2);
    // `  - ` and the item up to the value: column 5 + the value's offset in the item.
    expect(flow.stderr).toMatch(new RegExp(`^burnrate: error: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:6:${5 + item.indexOf("GPT-4o-mini")}: no input_tokens price for model "GPT-4o-mini" on meter "request"; did you mean "gpt-4o-mini"\\?`));
    const blockFile = scenarioFile(`card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 1\nsends:\n  - meter: request\n    quantity: 1\n    every: cycle\n    dimensions:\n      model: GPT-4o-mini\n      provider: openai\n    components: { input_tokens: 10, output_tokens: 1 }\n`);
    const block = await burnrate(["simulate", blockFile]);
    expect(block.stderr).toContain(`${blockFile}:10:14: no input_tokens price for model "GPT-4o-mini"`);
  });
});
