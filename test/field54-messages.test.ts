import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field54-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

// newcomer54 M4: a gateway's OpenAI-style token columns among unread ones were offered to be ignored at once with
// the others; followed, the next run said the card needs input_tokens. Floopy's request meter reads input_tokens and
// output_tokens (ratecards/floopy.yaml).
describe("a gateway's names for the card's token components", () => {
  const usage = ["timestamp,meter,model,provider,prompt_tokens,completion_tokens,latency_ms,region", "2026-11-02T10:00:00Z,request,gpt-4o,openai,100,20,340,us", ""].join("\n");

  it("are offered as renames, never among the columns to ignore", async () => {
    const dir = folder({ "usage.csv": usage });
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage.csv:1:5: column "prompt_tokens" is read by no meter of floopy 2026-11; did you mean "input_tokens"?');
    expect(r.stderr).toContain("rename: { prompt_tokens: input_tokens } in the usage mapping (--map dim:input_tokens=prompt_tokens)");
    expect(r.stderr).toContain("the other 2 at once: ignore_columns: [latency_ms, region]");
    expect(r.stderr).toContain('"completion_tokens" is likely "output_tokens": rename: { completion_tokens: output_tokens } (--map dim:output_tokens=completion_tokens)');
  });

  it("a count named as the card's column is offered as a rename to it, not as the request count (newcomer64b M2)", async () => {
    // `input_tokens_count` is Floopy's input_tokens, not the quantity, which counts requests (the quota's and overage's).
    const counted = ["timestamp,meter,model,provider,input_tokens_count,output_tokens", "2026-11-02T10:00:00Z,request,gpt-4o,openai,100,20", ""].join("\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: folder({ "usage.csv": counted }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage.csv:1:5: column "input_tokens_count" is read by no meter of floopy 2026-11; did you mean "input_tokens"? (expected a column the card reads');
    expect(r.stderr).toContain("rename: { input_tokens_count: input_tokens } in the usage mapping");
    expect(r.stderr).not.toContain("columns: { quantity: input_tokens_count }");
  });

  it("a count beside a dimension of its name is still offered as the quantity (red64d M4)", async () => {
    // Fliplet's data_read reads a project dimension; `project_count` is the count of reads, not a project.
    const counted = ["timestamp,meter,project,project_count", "2026-11-02T10:00:00Z,data_read,alpha,100", ""].join("\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: folder({ "usage.csv": counted }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("columns: { quantity: project_count } in the usage mapping (--map quantity=project_count)");
  });

  it("are not offered where the header has the card's column already: the two would be read as one (red54b #1)", async () => {
    const both = ["timestamp,meter,model,provider,input_tokens,output_tokens,prompt_tokens", "2026-11-02T10:00:00Z,request,gpt-4o,openai,100,20,1000", ""].join("\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: folder({ "usage.csv": both }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage.csv:1:7: column "prompt_tokens" is read by no meter of floopy 2026-11 (expected');
    expect(r.stderr).not.toContain("did you mean");
  });

  it("are read as the components once renamed as offered", async () => {
    // A purchase to spend: Floopy's pro plan includes no credits.
    const account = `card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`;
    const dir = folder({ "usage.csv": usage, "account.yaml": account });
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--map", "dim:input_tokens=prompt_tokens", "--map", "dim:output_tokens=completion_tokens", "--map", "ignore:latency_ms", "--map", "ignore:region", "--format", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const lines = JSON.parse(r.stdout).accounts[0].cycles[0].lines as { component?: string; quantity: string }[];
    expect(lines.filter((l) => l.component !== undefined).map((l) => [l.component, l.quantity])).toEqual([["input_tokens", "100"], ["output_tokens", "20"]]);
  });
});

// newcomer54 M3: a bill itemised by token component, its providers spelt as providers spell them ("OpenAI"), gave
// a line missing in usage and one missing on the bill each, with no hint: the usage's components had stayed on the
// request's line, and the hint looked only at lines of one activity. Floopy prices gpt-4o on openai at 0.00025 cents an
// input token and 0.001 an output token (ratecards/floopy.yaml): 1,000 and 200 tokens are 0.25 and 0.2 cents.
describe("a bill itemised by component, its values written otherwise but for case", () => {
  it("names the spelling and the mapping that reads it", async () => {
    const account = `card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`;
    const dir = folder({
      "account.yaml": account,
      "usage.csv": "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200\n",
      "bill.csv": "period_start,activity,model,provider,quantity,amount\n2026-11-01,Input tokens,gpt-4o,OpenAI,1000,0.25\n2026-11-01,Output tokens,gpt-4o,OpenAI,200,0.2\n",
      "bill.csv.mapping.yaml": "activities:\n  Input tokens: request:input_tokens\n  Output tokens: request:output_tokens\n",
    });
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    // Both of the bill's lines, each missing in usage, name it.
    const explained = (JSON.parse(r.stdout).differences as { explanation: string }[]).map((d) => d.explanation);
    expect(explained.filter((e) => e.endsWith('the usage has provider "openai", the bill\'s "OpenAI" but for case: dimension_values: in the bill mapping reads one as the other (--bill-map value:provider:openai=OpenAI)'))).toHaveLength(2);
  });
});

// newcomer54 L1: a log of one meter without a meter column was told `--map meter:KEY`, and KEY had to be found in the card.
describe("a usage header without a meter column", () => {
  it("names the card's meters for --map meter:KEY", async () => {
    const dir = folder({ "usage.csv": "timestamp,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,gpt-4o,openai,100,20\n" });
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("or meter: KEY in the usage mapping (--map meter:KEY, KEY one of request, playground) for a log of one meter");
  });
});
