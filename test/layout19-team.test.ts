import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// The litellm layout read LiteLLM's team_id, a UUID LiteLLM makes, as the budget dimension team: budgets keyed by
// the team's name never applied, and nothing said so (red team, stop 37). Floopy's gpt-4o on openai: 100,000 input
// tokens x 0.00025 + 100,000 output tokens x 0.001 = 25 + 100 = 125 cents a request.
const UUID = "7f3e9c1a-2b4d-4e8f-9a6b-1c2d3e4f5a6b";

function spendLog(alias: boolean): string {
  const head = `request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens,team_id${alias ? ",team_alias" : ""}\n`;
  return head + ["02", "03", "04"].map((d, i) => `r-${i + 1},2026-11-${d} 10:00:00,gpt-4o,openai,100000,100000,${UUID}${alias ? ",research" : ""}\n`).join("");
}

async function statement(budgets: string, log: string, layout = "litellm", extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "layout19-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\nbudgets: ${budgets}\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, "spend.csv"), log);
  const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--layout", layout, "--usage", join(dir, "spend.csv"), "--format", "json", ...extra]);
  return { run, cycle: run.code === 0 ? JSON.parse(run.stdout).accounts[0].cycles[0] : undefined };
}

describe("--layout litellm: the team is LiteLLM's team_alias where the export has it", () => {
  it("budgets keyed by the team's name cap it: 125 + 125 within 300, the third request refused", async () => {
    const { run, cycle } = await statement("{ research: 300 }", spendLog(true));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(cycle.total).toBe("250");
    expect(cycle.budgets).toEqual([{ key: "research", budget: "300", spent: "250" }]);
    expect(cycle.rejected.map((r: { events: number }) => r.events)).toEqual([1]);
  });

  it("a budget that refuses every request of its team is a key that matched: no warning", async () => {
    const { run, cycle } = await statement("{ research: 100 }", spendLog(true));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(cycle.total).toBe("0");
  });

  it("--map dim:team=team_id reads the id, as asked", async () => {
    const { run, cycle } = await statement(`{ "${UUID}": 300 }`, spendLog(true), "litellm", ["--map", "dim:team=team_id", "--map", "ignore:team_alias"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(cycle.total).toBe("250");
  });
});

describe("budgets whose keys name none of the usage's values", () => {
  it("an export with the team's id alone: every request priced, 3 x 125 = 375, and warned that the budgets cap nothing", async () => {
    const { run, cycle } = await statement("{ research: 100 }", spendLog(false));
    expect(run.code).toBe(0);
    expect(cycle.total).toBe("375");
    expect(run.stderr).toBe(
      `burnrate: warning: account "acme": no budget key ("research") names a team of the usage, which has "${UUID}": the usage's team values are capped by no budget; key the account's budgets by the usage's values, or read each value as its key with dimension_values: in the usage mapping (--map value:team:research=${UUID})\n`,
    );
  });

  it("counts the keys and values it does not list", async () => {
    const { run } = await statement("{ research: 100, design: 100 }", spendLog(false));
    expect(run.stderr).toContain(`no budget key ("research" and 1 more) names a team of the usage, which has "${UUID}":`);
  });
});

// Flowly's daily limits are per server, a dimension its lines carry: a message of 100,000 + 10,000 haiku tokens is
// 100 + 50 = 150 credits (0.001 and 0.005 a token).
describe("daily limits whose keys name none of the usage's servers", () => {
  it("warned, the messages priced as the file says: 2 x 150 = 300", async () => {
    const dir = mkdtempSync(join(tmpdir(), "layout19-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/flowly.yaml")}\naccount: ws\nplan: starter\nanchor: 2026-11-01\ndaily_limits: { srv-support: 100 }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,server,model,byok,input_tokens,output_tokens\n2026-11-02T06:00:00Z,message,prod-7,claude-haiku-4.5,false,100000,10000\n2026-11-03T06:00:00Z,message,prod-7,claude-haiku-4.5,false,100000,10000\n");
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("300");
    expect(run.stderr).toBe(
      'burnrate: warning: account "ws": no daily limit key ("srv-support") names a server of the usage, which has "prod-7": the usage\'s server values are capped by no daily limit; key the account\'s daily limits by the usage\'s values, or read each value as its key with dimension_values: in the usage mapping (--map value:server:srv-support=prod-7)\n',
    );
  });
});
