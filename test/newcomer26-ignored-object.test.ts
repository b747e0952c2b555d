import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A LiteLLM export keeps the team's name inside `metadata`, beside fields nobody reads. `ignore_columns: [metadata]`
// with `rename: { metadata.user_api_key_team_alias: team }` dropped the rename in silence: no row had a team, and the
// team budgets counted nothing (newcomer, stop 43). An object under ignore_columns: is now passed over but for the
// fields the mapping names. Floopy Pro: gpt-4o on openai at 0.00025 an input token, 0.001 an output token, so a
// request of 1,000 and 200 costs 0.45 cents; a research budget of 0.5 is 90% spent by one.
const line = (id: string, team: string, extra = "") =>
  `{"request_id": "${id}", "startTime": "2026-11-02 10:00:0${id.slice(1)}", "model": "gpt-4o", "custom_llm_provider": "openai", "prompt_tokens": 1000, "completion_tokens": 200, "status": "success", "metadata": {"user_api_key_team_alias": "${team}", "ip": "1.2.3.4"${extra}}}`;

async function budgets(lines: string[], mapping: string, budget = "0.5"): Promise<{ code: number; stderr: string; budgets: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), "newcomer26-"));
  writeFileSync(join(dir, "u.jsonl"), `${lines.join("\n")}\n`);
  writeFileSync(join(dir, "m.yaml"), mapping);
  writeFileSync(join(dir, "acct.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants: [{ kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }]\nbudgets: { research: ${budget} }\n`);
  const run = await burnrate(["statement", "--account", join(dir, "acct.yaml"), "--layout", "litellm", "--usage", join(dir, "u.jsonl"), "--mapping", join(dir, "m.yaml"), "--format", "json"]);
  return { code: run.code, stderr: run.stderr, budgets: run.code === 0 ? JSON.parse(run.stdout).accounts[0].cycles[0].budgets : undefined };
}

describe("a field the mapping names within an object under ignore_columns: (newcomer, stop 43)", () => {
  it("is read, and the team budget counts its rows", async () => {
    const run = await budgets([line("r1", "research"), line("r2", "support")], "rename: { metadata.user_api_key_team_alias: team }\nignore_columns: [metadata]\n");
    expect(run).toEqual({ code: 0, stderr: "", budgets: [{ key: "research", budget: "0.5", spent: "0.45" }] });
  });

  it("is read two levels down, and the object's other fields, nested ones too, are passed over", async () => {
    const deep = (id: string, team: string) => line(id, "x", `, "team": {"alias": "${team}", "id": "t-${id}"}, "tags": {"a": 1}`);
    // Two requests of 0.45 within a budget of 2.
    const run = await budgets([deep("r1", "research"), deep("r2", "research")], "rename: { metadata.team.alias: team }\nignore_columns: [metadata]\n", "2");
    expect(run).toEqual({ code: 0, stderr: "", budgets: [{ key: "research", budget: "2", spent: "0.9" }] });
  });

  it("is still refused where the field itself is both renamed and ignored", async () => {
    const run = await budgets([line("r1", "research")], "rename: { metadata.user_api_key_team_alias: team }\nignore_columns: [metadata.user_api_key_team_alias, metadata.ip]\n");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('column "metadata.user_api_key_team_alias" is both renamed to "team" and under ignore_columns:');
  });

  it("names every field of the object no meter reads at once, with the one key that passes over them all", async () => {
    const run = await budgets([line("r1", "research", `, "key": "k"`)], "rename: { metadata.user_api_key_team_alias: team }\n");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('column "metadata.ip" is read by no meter of floopy 2026-11, nor is "metadata.key"');
    expect(run.stderr).toContain('both at once: ignore_columns: [metadata] (--map ignore:metadata), which passes over every field of "metadata" the mapping does not name');
    // Which reads the team, renamed within it.
    const fixed = await budgets([line("r1", "research", `, "key": "k"`)], "rename: { metadata.user_api_key_team_alias: team }\nignore_columns: [metadata]\n");
    expect(fixed).toEqual({ code: 0, stderr: "", budgets: [{ key: "research", budget: "0.5", spent: "0.45" }] });
  });
});
