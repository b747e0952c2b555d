import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { costStep, workflowRepository as repository } from "./helpers/workflow-repo.js";

// The example workflow's "Cost of the change" step, run in a scratch repository (helpers/workflow-repo.ts).
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const FLOOPY = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");

describe("examples/github-workflow.yml: a price rise the corpus cannot measure fails closed (newcomer, stop 36)", () => {
  it("a new version file raising the SMS price, on a corpus of reads only, fails the cost gate", () => {
    // The corpus prices 1,000 reads a month (0.01 each, 10 credits) and no SMS: the rise 0.5 -> 0.6 from 2026-12-01 costs
    // nothing more on it, so no cost gate can trip; the header's promise ("a price change fails") holds by failing closed.
    const next = FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-12-01"')
      .replace('price: "0.5"              # "0.5 per message"', 'price: "0.6"');
    const repo = repository(
      {
        "ratecards/fliplet.yaml": FLIPLET,
        "fixtures/fliplet/account.yaml": "plan: pro\nanchor: 2026-11-01\n",
        "fixtures/fliplet/usage.csv": "timestamp,meter,quantity,project\n2026-11-05T10:00:00Z,data_read,1000,alpha\n2026-12-05T10:00:00Z,data_read,1000,alpha\n",
      },
      { "ratecards/fliplet-2026-12.yaml": next },
    );
    const { comment, output } = costStep(repo);
    expect(output).toBe("status=1\n");
    expect(comment).toContain("**Over the limit.**");
    expect(comment).toContain("**Not measured.** 1 price rise on lines the usage never priced");
    expect(comment).toContain("meters.sms.price 0.5 → 0.6");
    expect(comment).toContain("--fail-on-unmeasured fails the run until the corpus exercises it.");
  });
});

describe("examples/github-workflow.yml: a corpus in a gateway's export format (newcomer, stop 36)", () => {
  it("reads the layout named in the mapping beside the export (layout: openrouter), under its dimension_values:", () => {
    // gen-2 is 400 output tokens of claude-sonnet-4 on anthropic: 400 x 0.0015 = 0.6 cents, then 400 x 0.0018 = 0.72,
    // +20%, past --fail-over-line 10%.
    const raised = FLOOPY.replace('claude-sonnet-4: { anthropic: "0.0015", bedrock: "0.0015" }', 'claude-sonnet-4: { anthropic: "0.0018", bedrock: "0.0015" }');
    expect(raised).not.toBe(FLOOPY);
    const repo = repository(
      {
        "ratecards/floopy.yaml": FLOOPY,
        "fixtures/floopy/account.yaml": 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n',
        "fixtures/floopy/generations.csv": readFileSync(join(ROOT, "fixtures/layouts/openrouter/generations.csv"), "utf8"),
        "fixtures/floopy/generations.csv.mapping.yaml": `layout: openrouter\n${readFileSync(join(ROOT, "fixtures/layouts/openrouter/generations.csv.mapping.yaml"), "utf8")}`,
      },
      { "ratecards/floopy.yaml": raised },
    );
    const { comment, output } = costStep(repo);
    expect(output).toBe("status=1\n");
    expect(comment).toContain("| request · output_tokens · model=claude-sonnet-4 · provider=anthropic | 0.6000 | 0.7200 | +0.1200 (+20.00%) | past --fail-over-line 10% |");
  });
});
