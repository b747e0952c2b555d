import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Red team, stop 38 #6: `check` passed a card reading a name it declares nowhere (a surcharge on
// `web_serch`, budgets by `teams`, a key `channels`), so a CI gate meant for cards passed a card that
// cannot read a single real log. Every name a card reads is now declared: a dimension of its meter, or
// of any meter for what the card reads outside one, or in the card's own `dimensions:`.

const card = (name: string) => readFileSync(join(ROOT, "ratecards", `${name}.yaml`), "utf8");

function edited(text: string, from: string, to: string): string {
  expect(text.includes(from), `no ${from}`).toBe(true);
  return text.replace(from, to);
}

interface Finding { rule: string; severity: string; line: number; column: number; message: string; fix: string }

async function check(text: string, extra: Record<string, string> = {}): Promise<{ code: number; errors: number; findings: Finding[] }> {
  const dir = mkdtempSync(join(tmpdir(), "fix20e-"));
  writeFileSync(join(dir, "card.yaml"), text);
  for (const [name, body] of Object.entries(extra)) writeFileSync(join(dir, name), body);
  const r = await burnrate(["check", "card.yaml", "--format", "json"], { cwd: dir });
  const out = JSON.parse(r.stdout);
  return { code: r.code, errors: out.errors, findings: out.files[0].findings.filter((f: Finding) => f.rule.endsWith("-dimension")) };
}

/** The 1-based line and column of `needle` in `text`, the first line holding `on`. */
function place(text: string, on: string, needle: string): { line: number; column: number } {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.includes(on));
  return { line: i + 1, column: lines[i]!.indexOf(needle) + 1 };
}

describe("check: every name a card reads is declared (red team, stop 38 #6)", () => {
  it("passes the bundled cards, which declare web_search, user and team", async () => {
    const r = await burnrate(["check", "ratecards/appbuilder.yaml", "ratecards/fliplet.yaml", "ratecards/floopy.yaml", "ratecards/flikly.yaml", "ratecards/flowly.yaml", "--strict"]);
    expect(r.code, r.stdout).toBe(0);
  });

  it("refuses a surcharge condition on a column declared nowhere (web_serch), at the condition's key", async () => {
    const text = edited(card("appbuilder"), 'when: { web_search: "true" }', 'when: { web_serch: "true" }').replace(/\ndimensions: \[web_search\].*\n/, "\n");
    const r = await check(text);
    expect(r.code).toBe(1);
    expect(r.findings).toMatchObject([{ rule: "undeclared-dimension", severity: "error", ...place(text, "web_serch", "web_serch"), message: expect.stringContaining('surcharge condition of meter "app_request" reads "web_serch", which is declared nowhere') }]);
    expect(r.findings[0]!.fix).toContain("dimensions: [web_serch]");
  });

  it("names the declared column a condition's slip is near (web_serch beside the card's web_search)", async () => {
    const text = edited(card("appbuilder"), 'when: { web_search: "true" }', 'when: { web_serch: "true" }');
    const r = await check(text);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([["undeclared-dimension", "error"], ["unused-dimension", "warning"]]);
    expect(r.findings[0]!.message).toContain('did you mean "web_search"?');
    expect(r.findings[0]!.fix).toMatch(/^rename "web_serch" to "web_search"/);
  });

  it("refuses budgets by a name no meter and not the card declares (teams), at the name", async () => {
    const text = edited(card("floopy"), "budgets: { dimension: team,", "budgets: { dimension: teams,").replace(/\ndimensions: \[team\].*\n/, "\n");
    const r = await check(text);
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => [f.rule, f.line, f.column])).toEqual([["undeclared-dimension", place(text, "budgets:", "teams").line, place(text, "budgets:", "teams").column]]);
    expect(r.findings[0]!.message).toContain('budgets.dimension reads "teams"');
  });

  it("refuses, on every command, budgets by a name one slip from the card's declared team", async () => {
    const text = edited(card("floopy"), "budgets: { dimension: team,", "budgets: { dimension: teams,");
    const dir = mkdtempSync(join(tmpdir(), "fix20e-"));
    writeFileSync(join(dir, "card.yaml"), text);
    const r = await burnrate(["statement", "--card", "card.yaml", "--plan", "pro", "--anchor", "2026-11-01", "--usage", "-"], { cwd: dir, input: "timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`card.yaml:${place(text, "budgets:", "teams").line}:${place(text, "budgets:", "teams").column}: budgets are by "teams", which is not a dimension of any meter; did you mean "team"?`);
  });

  it("refuses a key entry that is no dimension of its meter (channels beside channel)", async () => {
    const text = edited(card("fliplet"), "key: [project, channel]", "key: [project, channels]");
    const r = await check(text);
    expect(r.code).toBe(1);
    expect(r.findings).toMatchObject([{ rule: "undeclared-dimension", ...place(text, "key: [project, channels]", "channels"), message: expect.stringContaining('key of meter "published" reads "channels"') }]);
    expect(r.findings[0]!.fix).toMatch(/^rename "channels" to "channel"/);
  });

  it("refuses a unique meter's key column that the card does not declare (user), and takes it declared", async () => {
    const bare = card("fliplet").replace(/\ndimensions: \[user\].*\n/, "\n");
    const r = await check(bare);
    expect(r.findings).toMatchObject([{ rule: "undeclared-dimension", message: expect.stringContaining('key of meter "end_user_open" reads "user"') }]);
    expect((await check(card("fliplet"))).findings).toEqual([]);
  });

  it("refuses a plan's gate, a daily limit and a reward on a name declared nowhere, far from every dimension", async () => {
    const gate = await check(edited(card("flikly"), "only: { model: [pika, luma] }", "only: { engine: [pika, luma] }"));
    expect(gate.findings).toMatchObject([{ rule: "undeclared-dimension", message: expect.stringContaining('gate of plan "free" reads "engine"') }]);
    const limits = await check(edited(card("flowly"), "daily_limits: { dimension: server }", "daily_limits: { dimension: host }"));
    expect(limits.findings).toMatchObject([{ rule: "undeclared-dimension", message: expect.stringContaining('daily_limits.dimension reads "host"') }]);
    const rewards = await check(edited(card("appbuilder"), "rewards: { share: \"0.10\", dimension: creator }", "rewards: { share: \"0.10\", dimension: owner }"));
    expect(rewards.findings).toMatchObject([{ rule: "undeclared-dimension", message: expect.stringContaining('rewards.dimension reads "owner"') }]);
  });

  it("refuses a usage log's own column declared as the card's dimension", async () => {
    const text = edited(card("floopy"), "dimensions: [team]", "dimensions: [team, account]");
    const r = await check(text);
    expect(r.findings.map((f) => [f.rule, f.severity]).sort()).toEqual([["canonical-dimension", "error"], ["unused-dimension", "warning"]]);
  });
});
