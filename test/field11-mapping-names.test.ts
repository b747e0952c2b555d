import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field report 11: two header columns read under one name (two rename: entries onto one component,
// or a rename onto a column the header already has) kept the last column's value for every row. Now
// refused at the rename written last, with both header cells named. Floopy's card prices a request
// by model and provider, on its input_tokens and output_tokens components.
const ACCOUNT = join(ROOT, "fixtures/floopy/account.yaml");
const HEADER = "ts,meter,model,provider,prompt_tok,completion_tok";
const ROW = "2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200";

const NO_TEAM = 'burnrate: warning: account "acme": its rows without a team are under no budget (its budgets, "research" and 1 more, are keyed by team): no budget counts them or refuses them\n';

function run(files: Record<string, string>, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field11-names-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return burnrate(["statement", "--account", ACCOUNT, "--usage", "u.csv", "--mapping", "m.yaml", "--format", "csv", ...extra], { cwd: dir });
}

describe("two columns read under one name", () => {
  it("two rename: entries onto one component, at the later entry's value", async () => {
    const mapping = "columns:\n  timestamp: ts\nrename:\n  prompt_tok: input_tokens\n  completion_tok: input_tokens\n";
    const r = await run({ "m.yaml": mapping, "u.csv": `${HEADER}\n${ROW}\n` });
    expect(r.code).toBe(2);
    // Line 5 is "  completion_tok: input_tokens": the value starts at column 19.
    expect(r.stderr).toBe(
      'burnrate: error: m.yaml:5:19: two columns renamed to "input_tokens": "prompt_tok" (u.csv:1:5) and "completion_tok" (u.csv:1:6) (expected one column read as "input_tokens": one of the two renamed to another name, or left out under ignore_columns:, found "prompt_tok" and "completion_tok")\n',
    );
  });

  it("a --map rename onto a column the header already has, at --map", async () => {
    const mapping = "columns:\n  timestamp: ts\nrename:\n  prompt_tok: input_tokens\n  completion_tok: output_tokens\n";
    const r = await run({ "m.yaml": mapping, "u.csv": `${HEADER},llm\n${ROW},gpt-4o-mini\n` }, ["--map", "dim:model=llm"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'burnrate: error: --map: column "llm" (u.csv:1:7) is renamed to "model", a column the header already has (u.csv:1:3) (expected one column read as "model": the rename of "llm" removed or to another name, or the header\'s "model" under ignore_columns: (--map ignore:model), found "llm" renamed to "model")\n',
    );
  });

  it("two names swapped, and the header's column left out, are read", async () => {
    const mapping = "columns:\n  timestamp: ts\nrename:\n  prompt_tok: output_tokens\n  completion_tok: input_tokens\n";
    // The fixture names acme's customers bolt and cove: the row is acme's.
    const swapped = await run({ "m.yaml": mapping, "u.csv": `${HEADER},account\n${ROW},acme\n` });
    // The fixture's acme has team budgets, and this row no team (stop 42: said, where it was not).
    expect(swapped.stderr).toBe(NO_TEAM);
    // gpt-4o on openai: 0.00025 a prompt token, 0.001 a completion token (ratecards/floopy.yaml).
    expect(swapped.stdout).toContain(",200,0.00025,0.05");
    expect(swapped.stdout).toContain(",1000,0.001,1");
    const ignored = await run({ "m.yaml": `${mapping}ignore_columns: [model]\n`, "u.csv": `${HEADER},llm,account\n${ROW},gpt-4o,acme\n` }, ["--map", "dim:model=llm"]);
    expect(ignored.stderr).toBe(NO_TEAM);
    expect(ignored.code).toBe(0);
  });

  it("a canonical column's source also renamed, at the key written last", async () => {
    const mapping = "columns:\n  timestamp: ts\nrename:\n  prompt_tok: input_tokens\n  completion_tok: output_tokens\n  ts: when\n";
    const r = await run({ "m.yaml": mapping, "u.csv": `${HEADER}\n${ROW}\n` });
    expect(r.code).toBe(2);
    // Line 6 is "  ts: when": the value starts at column 7; columns: timestamp is on line 2.
    expect(r.stderr).toBe('burnrate: error: m.yaml:6:7: column "ts" is both the canonical timestamp (columns: timestamp: ts) and renamed to "when" (expected one reading of "ts": as timestamp, or renamed to "when", found "ts" mapped twice)\n');
  });

  it("a renamed column also ignored, at the --map that ignored it", async () => {
    const mapping = "columns:\n  timestamp: ts\nrename:\n  prompt_tok: input_tokens\n  completion_tok: output_tokens\n";
    const r = await run({ "m.yaml": mapping, "u.csv": `${HEADER}\n${ROW}\n` }, ["--map", "ignore:prompt_tok"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: --map: column "prompt_tok" is both renamed to "input_tokens" and under ignore_columns: (expected one of the two: the rename, or "prompt_tok" under ignore_columns:, found "prompt_tok" mapped twice)\n');
  });

  it("a canonical column's source also ignored, at the ignore_columns: entry", async () => {
    const mapping = "columns:\n  timestamp: ts\nrename:\n  prompt_tok: input_tokens\n  completion_tok: output_tokens\nignore_columns: [ts]\n";
    const r = await run({ "m.yaml": mapping, "u.csv": `${HEADER}\n${ROW}\n` });
    expect(r.code).toBe(2);
    // Line 6 is "ignore_columns: [ts]": the entry starts at column 18.
    expect(r.stderr).toBe('burnrate: error: m.yaml:6:18: column "ts" is both the canonical timestamp (columns: timestamp: ts) and under ignore_columns: (expected one of the two: "ts" read as timestamp, or under ignore_columns:, found "ts" mapped twice)\n');
  });
});
