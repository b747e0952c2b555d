import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Floopy prices a request by its tokens: gpt-4o on openai 0.00025 a input token, 0.001 an output token (ratecards/floopy.yaml).
function files(name: string, text: string, mapping?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-component-"));
  const file = join(dir, name);
  writeFileSync(file, text);
  if (mapping !== undefined) writeFileSync(`${file}.mapping.yaml`, mapping);
  return file;
}

// Floopy's credits are bought: 1,000 cents paid in at the start.
const ACCOUNT = files("account.yaml", `card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
const statement = (file: string) => burnrate(["statement", "--account", ACCOUNT, "--usage", file, "--format", "json"]);

const CSV = "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200\n2026-11-02T11:00:00Z,request,gpt-4o,openai,1000,\n";

describe("a request without its token count", () => {
  it("is refused at its cell, with the mapping that leaves such rows out", async () => {
    const file = files("usage.csv", CSV);
    const r = await statement(file);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(`burnrate: error: ${file}:3:6: meter "request" needs a quantity of "output_tokens" (expected a plain decimal; a row without it that is not usage is left out by skip_rows: { output_tokens: [""] } in the usage mapping, found an empty cell, or a null or missing field)\n`);
  });

  it.each([["null", '"output_tokens":null'], ["missing", ""]])("in JSON Lines, a %s field is refused the same way", async (_, field) => {
    const file = files("usage.jsonl", `{"timestamp":"2026-11-02T10:00:00Z","meter":"request","model":"gpt-4o","provider":"openai","input_tokens":5,"output_tokens":1}\n{"timestamp":"2026-11-02T11:00:00Z","meter":"request","model":"gpt-4o","provider":"openai","input_tokens":5${field === "" ? "" : `,${field}`}}\n`);
    const r = await statement(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:6: meter "request" needs a quantity of "output_tokens" (expected a plain decimal; a row without it that is not usage is left out by skip_rows: { output_tokens: [""] }`);
  });

  it("the way the message gives prices the other rows and says how many it left out", async () => {
    const file = files("usage.csv", CSV, 'skip_rows:\n  output_tokens: [""]\n');
    const r = await statement(file);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("1 row of");
    // 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents, the first request alone.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.45");
  });
});
