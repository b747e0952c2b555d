import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// reconcile warns once of each value a price table's "*" entry priced that is a listed value written otherwise
// (red team, stop 36, said twice).
describe("reconcile: a \"*\" fallback warning", () => {
  it("is printed once for each value, as statement prints it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rec18-"));
    // The Floopy card with a "*" entry for any other model on each token price.
    const card = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8")
      .replace('llama-3.1-70b: { together: "0.000088", groq: "0.000059" }', 'llama-3.1-70b: { together: "0.000088", groq: "0.000059" }\n          "*": { "*": "0.00001" }')
      .replace('llama-3.1-70b: { together: "0.000088", groq: "0.000079" }', 'llama-3.1-70b: { together: "0.000088", groq: "0.000079" }\n          "*": { "*": "0.00002" }');
    writeFileSync(join(dir, "card.yaml"), card);
    writeFileSync(join(dir, "account.yaml"), `card: ${join(dir, "card.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,GPT-4o,openai,1000,100\n2026-11-03T10:00:00Z,request,gpt-4o,openai,1000,100\n");
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,model,provider,amount\n2026-11-01,request,gpt-4o,openai,1\n");
    expect(card.match(/"\*": \{/g)).toHaveLength(2);
    const args = ["--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
    const statement = await burnrate(["statement", ...args]);
    const run = await burnrate(["reconcile", ...args, "--bill", join(dir, "bill.csv")]);
    const warnings = (text: string) => text.split("\n").filter((l) => l.startsWith("burnrate: warning:") && l.includes('"GPT-4o"'));
    expect(warnings(statement.stderr)).toHaveLength(1);
    expect(warnings(run.stderr)).toEqual(warnings(statement.stderr));
  });
});
