import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A gateway writes models with their provider's prefix (openai/gpt-4o); a typo after it (openai/gpt4o) got no
// did-you-mean, where the same typo without a prefix did (newcomer, stop 35).
describe("a typo of a priced value after a gateway's prefix", () => {
  it("is refused with the value it misses and the mapping that reads it so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,openai/gpt4o,openai,1000,200\n");
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage.csv:2:3: no input_tokens price for model "openai/gpt4o" on meter "request"; did you mean "gpt-4o"?');
    expect(run.stderr).toContain("--map value:model:gpt-4o=openai/gpt4o");
  });
});
