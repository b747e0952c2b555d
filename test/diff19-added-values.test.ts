import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A card change that adds a model (and a provider of a model it had), diffed on a corpus that already has rows of
// them: the base card, read from git, refused the first such row, "did you mean gpt-4o?", and the pull-request comment
// lost the card's section (newcomer, stop 37). The base now prices what the new card adds at 0, as a meter it adds.
const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const next = floopy
  .replace('gpt-4o: { openai: "0.00025", azure: "0.000275" }\n          gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }\n',
    'gpt-4o: { openai: "0.00025", azure: "0.000275", groq: "0.0003" }\n          gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }\n          gpt-4.1: { openai: "0.0002" }\n')
  .replace('gpt-4o: { openai: "0.001", azure: "0.0011" }\n          gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }\n',
    'gpt-4o: { openai: "0.001", azure: "0.0011", groq: "0.0012" }\n          gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }\n          gpt-4.1: { openai: "0.0008" }\n');
const ACCOUNT = 'card: new.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n';
const HEAD = "timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n";
const ROWS = [
  "2026-11-02T10:00:00Z,request,1,gpt-4o,openai,1000,100",
  "2026-11-02T11:00:00Z,request,1,gpt-4.1,openai,2000,1000",
  "2026-11-02T12:00:00Z,request,1,gpt-4o,groq,1000,1000",
];

function folder(usage: string, card = next): string {
  const dir = mkdtempSync(join(tmpdir(), "diff19-"));
  for (const [name, text] of Object.entries({ "base.yaml": floopy, "new.yaml": card, "account.yaml": ACCOUNT, "usage.csv": usage })) writeFileSync(join(dir, name), text);
  return dir;
}
const diffArgs = ["diff", "--base", "base.yaml", "--card", "new.yaml", "--usage", "usage.csv", "--account", "account.yaml"];

describe("diff: a model or provider the new card adds, with rows in the corpus", () => {
  it("is priced at 0 by the base card, never as another model: its lines are new, and --fail-over-line trips on them", async () => {
    expect(next).not.toBe(floopy);
    const dir = folder(HEAD + ROWS.join("\n") + "\n");
    const run = await burnrate([...diffArgs, "--fail-over-line", "10", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    // gpt-4o/openai under both: 1000 x 0.00025 + 100 x 0.001 = 0.25 + 0.1 = 0.35.
    // New card only: gpt-4.1 2000 x 0.0002 = 0.4 and 1000 x 0.0008 = 0.8; gpt-4o/groq 1000 x 0.0003 = 0.3 and 1000 x 0.0012 = 1.2.
    // 0.35 + 0.4 + 0.8 + 0.3 + 1.2 = 3.05.
    expect([out.base_total, out.card_total]).toEqual(["0.35", "3.05"]);
    const lines = Object.fromEntries(out.lines.map((l: { line: string; old: string; new: string; delta_percent: string | null }) => [l.line, [l.old, l.new, l.delta_percent]]));
    expect(lines).toEqual({
      // The request itself is priced 0 by both cards.
      request: ["0", "0", "0"],
      "request · input_tokens · model=gpt-4o · provider=openai": ["0.25", "0.25", "0"],
      "request · output_tokens · model=gpt-4o · provider=openai": ["0.1", "0.1", "0"],
      "request · input_tokens · model=gpt-4.1 · provider=openai": ["0", "0.4", null],
      "request · output_tokens · model=gpt-4.1 · provider=openai": ["0", "0.8", null],
      "request · input_tokens · model=gpt-4o · provider=groq": ["0", "0.3", null],
      "request · output_tokens · model=gpt-4o · provider=groq": ["0", "1.2", null],
    });
    expect(out.fail_over_line.lines.length).toBe(4);
    expect(run.stderr).not.toContain("did you mean");
    // The card changes compare the cards as written.
    expect(out.card_changes.map((c: { change: string; path: string }) => `${c.change} ${c.path}`)).toEqual([
      "added meters.request.components.input_tokens.table.gpt-4o.groq",
      'added meters.request.components.input_tokens.table["gpt-4.1"].openai',
      "added meters.request.components.output_tokens.table.gpt-4o.groq",
      'added meters.request.components.output_tokens.table["gpt-4.1"].openai',
    ]);
  });

  it("as a new version beside the base (--card OLD --card NEW): the new model's rows from its effective date are a rise from 0", async () => {
    const later = next.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"');
    const dir = folder(HEAD + [ROWS[0], "2026-11-20T11:00:00Z,request,1,gpt-4.1,openai,2000,1000"].join("\n") + "\n", later);
    const run = await burnrate(["diff", "--base", "base.yaml", "--card", "base.yaml", "--card", "new.yaml", "--usage", "usage.csv", "--account", "account.yaml", "--format", "json"], { cwd: dir });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    // 0.35 under both; the gpt-4.1 row of 20 November under the new version only: 0.4 + 0.8 = 1.2.
    expect([JSON.parse(run.stdout).base_total, JSON.parse(run.stdout).card_total]).toEqual(["0.35", "1.55"]);
  });

  it("a model neither card prices is still refused, in the new card's words and without blaming the base card", async () => {
    const dir = folder(HEAD + [...ROWS, "2026-11-02T13:00:00Z,request,1,gpt-5,openai,10,10"].join("\n") + "\n");
    const run = await burnrate(diffArgs, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage.csv:5:4: no input_tokens price for model "gpt-5" on meter "request"');
    expect(run.stderr).not.toContain("base card");
    // The new card's values, gpt-4.1 among them.
    expect(run.stderr).toContain("expected one of gpt-4o, gpt-4o-mini, gpt-4.1, claude-sonnet-4, llama-3.1-70b");
  });
});

describe("diff: a \"*\" entry and the values the new card adds", () => {
  const ROW = "2026-11-02T11:00:00Z,request,1,mistral-large,openai,2000,1000";
  const withStar = (card: string, input: string, output: string) => card
    .replace('gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }\n', `gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }\n          "*": { openai: "${input}" }\n`)
    .replace('gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }\n', `gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }\n          "*": { openai: "${output}" }\n`);

  it("a \"*\" the new card adds prices at 0 under the base what only it covers", async () => {
    const card = withStar(floopy, "0.0001", "0.0004");
    expect(card).not.toBe(floopy);
    const run = await burnrate([...diffArgs, "--format", "json"], { cwd: folder(HEAD + [ROWS[0], ROW].join("\n") + "\n", card) });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    // mistral-large on openai, by "*": 2000 x 0.0001 + 1000 x 0.0004 = 0.2 + 0.4 = 0.6 under the new card, 0 under the base.
    const out = JSON.parse(run.stdout);
    expect([out.base_total, out.card_total]).toEqual(["0.35", "0.95"]);
  });

  it("a value the base card prices by its own \"*\" keeps that price", async () => {
    const dir = folder(HEAD + [ROWS[0], ROWS[1]].join("\n") + "\n", withStar(next, "0.0001", "0.0004"));
    writeFileSync(join(dir, "base.yaml"), withStar(floopy, "0.0001", "0.0004"));
    const run = await burnrate([...diffArgs, "--format", "json"], { cwd: dir });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    // gpt-4.1 under the base by its "*": 2000 x 0.0001 + 1000 x 0.0004 = 0.6; under the new card 0.4 + 0.8 = 1.2.
    const out = JSON.parse(run.stdout);
    expect([out.base_total, out.card_total]).toEqual(["0.95", "1.55"]);
  });
});
