import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { burnrate, ROOT } from "./helpers/cli.js";

const CARD = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "burnrate-gate14-"));

/** The Floopy card with one table row of the request meter replaced (the playground's identical row is left alone). */
function variant(name: string, from: string, to: string): string {
  const at = CARD.indexOf(from);
  expect(at, `no ${from}`).toBeGreaterThan(CARD.indexOf("\n  request:\n"));
  expect(at).toBeLessThan(CARD.indexOf("\n  playground:\n"));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, CARD.slice(0, at) + to + CARD.slice(at + from.length));
  return file;
}

// gpt-4o on openai, output tokens: 0.001 -> 0.0012 cents a token, +20%, and nothing else.
const GPT4O_OUTPUT = 'gpt-4o: { openai: "0.001", azure: "0.0011" }';
const outputUp = variant("gpt4o-output-up", GPT4O_OUTPUT, 'gpt-4o: { openai: "0.0012", azure: "0.0011" }');
const LINE = "request · output_tokens · model=gpt-4o · provider=openai";
const CORPUS = ["--usage", "fixtures/floopy/gateway.csv", "--account", "fixtures/floopy/account.yaml"];
const diffArgs = (...more: string[]) => ["diff", "--base", "ratecards/floopy.yaml", "--card", outputUp, ...CORPUS, ...more];

/**
 * The line's figures from the gateway log itself: the completion tokens of every
 * gpt-4o request served by openai, at the old and the new price. One such row is
 * refused under both cards, so it costs nothing under either: r-0007, acme's
 * research team on 2026-11-12, whose November budget is 3000 cents (account.yaml)
 * and which has spent 450 (r-0001: 1,000,000 x 0.00025 + 200,000 x 0.001), 135
 * (r-0003, playground) and 2100 (r-0006: 3,500,000 x 0.0003 + 700,000 x 0.0015)
 * by then: 2685 + 450 is past 3000 (and more so at the new price).
 */
const rows: Record<string, string>[] = parse(readFileSync(join(ROOT, "fixtures/floopy/gateway.csv")), { columns: true });
const REFUSED_BY_BUDGET = new Set(["r-0007"]);
const tokens = rows
  .filter((r) => r.kind === "request" && r.model === "gpt-4o" && r.provider === "openai" && !REFUSED_BY_BUDGET.has(r.request_id!))
  .reduce((sum, r) => sum.plus(r.completion_tokens!), new Decimal(0));
const oldCost = tokens.mul("0.001");
const newCost = tokens.mul("0.0012");

describe("burnrate diff --fail-over-line: a price rise on one model cannot hide in its meter", () => {
  it("the hand count: 400,000 output tokens, 400 -> 480 cents", () => {
    expect(tokens.toFixed()).toBe("400000");
    expect([oldCost.toFixed(), newCost.toFixed()]).toEqual(["400", "480"]);
  });

  it("the reported problem: the total and per-meter gates at 10% let a +20% price through", async () => {
    const run = await burnrate(diffArgs("--fail-over", "10", "--fail-over-meter", "10", "--format", "json"));
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.gates[0].exceeded).toBe(false);
    expect(new Decimal(json.total_delta).eq(newCost.minus(oldCost))).toBe(true);
  });

  it("--fail-over-line 10 trips on the line, with its old and new cost over the whole log", async () => {
    const run = await burnrate(diffArgs("--fail-over", "10", "--fail-over-meter", "10", "--fail-over-line", "10", "--format", "json"));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`burnrate: 1 priced line(s) past --fail-over-line 10%; largest: ${LINE} ${oldCost.toFixed()} → ${newCost.toFixed()} cents, +${newCost.minus(oldCost).toFixed()} cents (+20%) over the usage\n`);
    const json = JSON.parse(run.stdout);
    expect(json.fail_over_line).toEqual({
      percent: "10",
      exceeded: true,
      lines: [{
        line: LINE, meter: "request", component: "output_tokens", kind: "usage", dimensions: { model: "gpt-4o", provider: "openai" },
        old: oldCost.toFixed(), new: newCost.toFixed(), delta: newCost.minus(oldCost).toFixed(), delta_percent: "20",
      }],
      // The price's rise is this line's, which tripped on its cost: not told twice.
      rates: [],
    });
    // Every other priced line costs the same under both cards.
    const others = json.lines.filter((l: { line: string }) => l.line !== LINE);
    expect(others.length).toBeGreaterThan(10);
    for (const l of others) expect(l.delta, l.line).toBe("0");
  });

  it("a price so high that the budget refuses the line's rows trips on the price, though its cost falls", async () => {
    // 0.001 -> 0.05 cents a token: r-0001 alone (200,000 output tokens) would cost 10,000 cents,
    // past the research team's 3000-cent November budget, so every such row is refused and the
    // line's charged cost falls to 0. The price rose 4,900%.
    const fifty = variant("gpt4o-output-x50", GPT4O_OUTPUT, 'gpt-4o: { openai: "0.05", azure: "0.0011" }');
    const run = await burnrate(["diff", "--base", "ratecards/floopy.yaml", "--card", fifty, ...CORPUS, "--fail-over-line", "10", "--format", "json"]);
    expect(run.code, run.stderr).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.fail_over_line.lines).toEqual([]);
    expect(json.fail_over_line.exceeded).toBe(true);
    expect(json.fail_over_line.rates.map((c: { path: string; old: string; new: string }) => [c.path, c.old, c.new])).toEqual([["meters.request.components.output_tokens.table.gpt-4o.openai", "0.001", "0.05"]]);
    const line = CARD.slice(0, CARD.indexOf(GPT4O_OUTPUT, CARD.indexOf("\n  request:\n"))).split("\n").length;
    // The rows the budget now refuses are said too, since stop 36 (refused_more): the gate's own line follows.
    // By quantity and worth since stop 38.
    expect(run.stderr).toMatch(/^burnrate: warning: more usage refused under the new card, in \d+ meter\(s\) of the accounts' cycles that refuse more of it \(\d+ → \d+ events, worth [\d.]+ → [\d.]+ cents at the base card's prices\); largest: [^\n]*: charged nothing, no gate measured it\n/);
    expect(run.stderr.split("\n").slice(1).join("\n")).toBe(`burnrate: ${fifty}:${line}:29: meters.request.components.output_tokens.table.gpt-4o.openai rises from 0.001 to 0.05, past --fail-over-line 10%\n`);
    expect(json.refused_more.new).toBeGreaterThan(json.refused_more.old);
  });

  it("a rise of exactly the limit passes; just under it trips", async () => {
    expect((await burnrate(diffArgs("--fail-over-line", "20", "--format", "json"))).code).toBe(0);
    expect((await burnrate(diffArgs("--fail-over-line", "19.99", "--format", "json"))).code).toBe(1);
  });

  it("names the line with its old, new and change in the table, the pull-request comment and the CSV", async () => {
    const change = `+${newCost.minus(oldCost).toFixed(4)} (+20.00%)`;
    const table = await burnrate(diffArgs("--fail-over-line", "10", "--format", "table"));
    expect(table.code).toBe(1);
    expect(table.stdout).toContain(`1 priced line(s) past the --fail-over-line limit of 10%, largest ${LINE}: ${oldCost.toFixed(4)} → ${newCost.toFixed(4)}, ${change}.`);
    expect(table.stdout).toMatch(new RegExp(`${LINE}\\s+${oldCost.toFixed(4)}\\s+${newCost.toFixed(4)}\\s+\\+80\\.0000 \\(\\+20\\.00%\\)\\s+past --fail-over-line 10%`));

    const markdown = await burnrate(diffArgs("--fail-over-line", "10", "--format", "markdown"));
    expect(markdown.stdout).toContain("**Over the limit.**");
    expect(markdown.stdout).toContain("**Changed priced lines, over the whole usage**");
    expect(markdown.stdout).toContain(`| ${LINE} | ${oldCost.toFixed(4)} | ${newCost.toFixed(4)} | ${change} | past --fail-over-line 10% |`);

    const csv: Record<string, string>[] = parse((await burnrate(diffArgs("--fail-over-line", "10", "--format", "csv"))).stdout, { columns: true });
    expect(csv.find((r) => r.line === LINE)).toEqual({
      cycle: "", cycle_end: "", account: "", meter: "request", old: oldCost.toFixed(), new: newCost.toFixed(), delta: newCost.minus(oldCost).toFixed(), delta_percent: "20",
      old_refused: "", new_refused: "", cause: "", line: LINE, gate: "fail_over_line", money: "", unit: "cents",
    });
    expect(csv.filter((r) => r.gate !== "")).toHaveLength(1);
  });

  it("a bad limit is a user error at the flag", async () => {
    for (const bad of ["ten", "-5", ""]) {
      const run = await burnrate(diffArgs("--fail-over-line", bad));
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toBe(`burnrate: error: --fail-over-line: bad --fail-over-line (expected a percentage of 0 or more, such as 10 or 2.5, found ${JSON.stringify(bad)})\n`);
    }
  });
});

describe("burnrate diff: a price rise on a line the log never priced", () => {
  // llama-3.1-70b on together, output tokens: no row of the gateway log uses it.
  const LLAMA = 'llama-3.1-70b: { together: "0.000088", groq: "0.000079" }';
  const unused = variant("llama-together-up", LLAMA, 'llama-3.1-70b: { together: "0.0001", groq: "0.000079" }');

  it("is named in the reports and on standard error, since no gate on usage can measure it", async () => {
    expect(rows.some((r) => r.model === "llama-3.1-70b" && r.provider === "together")).toBe(false);
    const args = ["diff", "--base", "ratecards/floopy.yaml", "--card", unused, ...CORPUS, "--fail-over-line", "10"];
    const json = await burnrate([...args, "--format", "json"]);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.total_delta).toBe("0");
    expect(out.unmeasured_rises).toEqual([expect.objectContaining({ path: 'meters.request.components.output_tokens.table["llama-3.1-70b"].together', old: "0.000088", new: "0.0001" })]);
    expect(json.stderr).toContain('burnrate: warning: ');
    expect(json.stderr).toContain('output_tokens.table["llama-3.1-70b"].together rises from 0.000088 to 0.0001, on a line the usage never priced: no gate measured it');
    const markdown = await burnrate([...args, "--format", "markdown"]);
    expect(markdown.stdout).toContain("**Not measured.** 1 price rise on lines the usage never priced");
  });

  it("a rise on a line the log uses is measured, not listed as unmeasured", async () => {
    const out = JSON.parse((await burnrate(diffArgs("--format", "json"))).stdout);
    expect(out.card_changes).toHaveLength(1);
    expect(out.unmeasured_rises).toEqual([]);
  });
});

describe("examples/github-workflow.yml", () => {
  const workflow = parseYaml(readFileSync(join(ROOT, "examples/github-workflow.yml"), "utf8"));
  const script: string = workflow.jobs["rate-cards"].steps.find((s: { id?: string }) => s.id === "diff").run;

  it("gates each priced line", () => {
    expect(script).toContain('--fail-over-line "$FAIL_OVER_LINE"');
    expect(workflow.env.FAIL_OVER_LINE).toBe("10");
  });

  it("finds each card's corpus whatever its usage file is named, and says when there is none", () => {
    const find = script.split("\n").find((l) => l.trim().startsWith("usage=$(find"))!.trim();
    const corpusOf = (name: string) => execFileSync("bash", ["-eo", "pipefail", "-c", `corpus=fixtures/${name}\n${find}\nprintf %s "$usage"`], { cwd: ROOT, encoding: "utf8" });
    expect(corpusOf("floopy")).toBe("fixtures/floopy/gateway.csv");
    expect(corpusOf("fliplet")).toBe("fixtures/fliplet/usage.csv");
    expect(corpusOf("no-such-card")).toBe("");
    expect(script).toContain('--usage "$corpus" --account "$corpus/account.yaml"');
  });
});
