import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer53 L5: a gateway's export names floopy's input and output tokens prompt_tokens and completion_tokens; put
// under ignore_columns: with the columns the card reads no meter of, the request's quantity was "no such column",
// with no word of the ignored column that holds it.
describe("a component's quantity with no column, where the mapping ignores columns", () => {
  it("names the ignored columns and the rename that reads one as it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-ignored53-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 2000, at: "2026-11-01T08:00:00Z" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,prompt_tokens,completion_tokens\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--map", "ignore:prompt_tokens", "--map", "ignore:completion_tokens"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: usage.csv:2:1: meter "request" needs a quantity of "input_tokens" (expected a plain decimal, found no such column; the mapping ignores "prompt_tokens", "completion_tokens": where one of them holds "input_tokens", rename: { COLUMN: input_tokens } in place of ignore_columns: (--map dim:input_tokens=COLUMN))\n');
    // Read as the card's names, the request is priced: 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents (ratecards/floopy.yaml).
    const fixed = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--map", "dim:input_tokens=prompt_tokens", "--map", "dim:output_tokens=completion_tokens", "--format", "json"], { cwd: dir });
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout).accounts[0].cycles[0].total).toBe("0.45");
  });
});
