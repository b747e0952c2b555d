import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { costStep, workflowRepository as repository } from "./helpers/workflow-repo.js";

const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const FLOOPY = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const FLOOPY_ACCOUNT = 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n';
const FLOOPY_USAGE = "timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,1,gpt-4o,openai,1000,100\n";
// gpt-4.1 on openai: 0.0002 a input token, 0.0008 an output token.
const withGpt41 = FLOOPY
  .replace('gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }\n', 'gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }\n          gpt-4.1: { openai: "0.0002" }\n')
  .replace('gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }\n', 'gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }\n          gpt-4.1: { openai: "0.0008" }\n');

describe("examples/github-workflow.yml: a pull request that adds a model with its corpus rows (newcomer, stop 37)", () => {
  it("is diffed: the new model's lines are a rise from 0, past --fail-over-line, in the comment", () => {
    expect(withGpt41).not.toBe(FLOOPY);
    const repo = repository(
      { "ratecards/floopy.yaml": FLOOPY, "fixtures/floopy/account.yaml": FLOOPY_ACCOUNT, "fixtures/floopy/usage.csv": FLOOPY_USAGE },
      { "ratecards/floopy.yaml": withGpt41, "fixtures/floopy/gpt41.csv": "timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n2026-11-03T10:00:00Z,request,1,gpt-4.1,openai,2000,1000\n" },
    );
    const { comment, output } = costStep(repo);
    expect(output).toBe("status=1\n");
    // 2000 x 0.0002 = 0.4 and 1000 x 0.0008 = 0.8 under the new card; 0 under the base.
    expect(comment).toContain("| request · input_tokens · model=gpt-4.1 · provider=openai | 0.0000 | 0.4000 | +0.4000 (new) | past --fail-over-line 10% |");
    expect(comment).toContain("| request · output_tokens · model=gpt-4.1 · provider=openai | 0.0000 | 0.8000 | +0.8000 (new) | past --fail-over-line 10% |");
  });
});

describe("examples/github-workflow.yml: a corpus a card cannot price", () => {
  it("fails the step, says why in the comment where the card's section would be, and still diffs the other cards", () => {
    const step: string = parseYaml(readFileSync(join(ROOT, "examples/github-workflow.yml"), "utf8")).jobs["rate-cards"].steps.find((s: { id?: string }) => s.id === "diff").run;
    const repo = repository(
      {
        "ratecards/fliplet.yaml": FLIPLET,
        "fixtures/fliplet/account.yaml": "plan: pro\nanchor: 2026-11-01\n",
        // A meter neither Fliplet card has: the log's own mistake.
        "fixtures/fliplet/usage.csv": "timestamp,meter,quantity,project\n2026-11-05T10:00:00Z,voice_minute,3,alpha\n",
        "ratecards/floopy.yaml": FLOOPY, "fixtures/floopy/account.yaml": FLOOPY_ACCOUNT, "fixtures/floopy/usage.csv": FLOOPY_USAGE,
      },
      { "ratecards/fliplet.yaml": FLIPLET.replace('price: "0.5"              # "0.5 per message"', 'price: "0.6"'), "ratecards/floopy.yaml": withGpt41 },
    );
    const temp = mkdtempSync(join(tmpdir(), "burnrate-runner-"));
    const env = { ...process.env, BASE_REF: "main", RUNNER_TEMP: temp, GITHUB_OUTPUT: join(temp, "output"), FAIL_OVER: "10", FAIL_OVER_METER: "10", FAIL_OVER_LINE: "10", BURNRATE: `node ${join(ROOT, "bin/burnrate")}` };
    const run = spawnSync("bash", ["-e", "-c", step], { cwd: repo, env, encoding: "utf8" });
    expect(run.status).toBe(2);
    const comment = readFileSync(join(temp, "comment.md"), "utf8");
    // The error as an indented code block, which a ``` it quotes cannot close (fix20e's note, stop 38).
    expect(comment).toContain("### burnrate: `ratecards/fliplet.yaml` could not be priced\n\n    burnrate: error: fixtures/fliplet/usage.csv:2:");
    expect(comment).toContain('unknown meter "voice_minute"');
    // Floopy, after it, is still diffed.
    expect(comment).toContain("### burnrate: floopy 2026-11 → floopy 2026-11");
    expect(readFileSync(join(temp, "output"), "utf8")).toBe("status=0\n");
  });
});
