import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A daily limit keyed by a server written otherwise than the log's took that server out of its limit in silence
// (red team, stop 35). Flowly: claude-haiku-4.5 at 0.001 a prompt token and 0.005 a completion token; a message of
// 100,000 + 10,000 tokens is 100 + 50 = 150 credits, past a limit of 100 a day.
function statement(limits: string, servers: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/flowly.yaml")}\naccount: ws\nplan: starter\nanchor: 2026-11-01\ndaily_limits: ${limits}\n`);
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,server,model,byok,input_tokens,output_tokens\n" + servers.map((s, i) => `2026-11-0${i + 2}T06:00:00Z,message,${s},claude-haiku-4.5,false,100000,10000`).join("\n") + "\n");
  return burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
}

describe("a daily limit's key and the usage's server, one typo or case apart", () => {
  it("a key that names no server of the usage, one typo from one it has: warned, the message accepted as the file says", async () => {
    const run = await statement("{ srv-suport: 100 }", ["srv-support"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("150");
    expect(run.stderr).toBe(
      'burnrate: warning: account "ws": the daily limit for server "srv-suport" names no server of the usage, which has "srv-support": "srv-support"\'s spending is capped by no daily limit; did you mean "srv-support"? Rename the key in the account file\n',
    );
  });

  it("a key one slip from a server that has a limit of its own: another server's, not said to leave it uncapped (red59 F7)", async () => {
    const run = await statement("{ srv-support: 200, srv-supports: 10 }", ["srv-support"]);
    expect(run.code).toBe(0);
    // srv-support's 150 is within its own 200.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("150");
    expect(run.stderr).not.toContain("capped by no daily limit");
  });

  it("a server of the usage written otherwise than a key the usage also has: warned from the value's side", async () => {
    const run = await statement("{ srv-support: 200 }", ["srv-support", "SRV-Support"]);
    // srv-support's 150 is within its 200; SRV-Support's 150 is capped by nothing: 300.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("300");
    expect(run.stderr).toBe(
      'burnrate: warning: account "ws": server "SRV-Support" of the usage has no daily limit, but "srv-support", which it nearly names, has one: "SRV-Support"\'s spending is capped by no daily limit; if it is "srv-support", read it so with dimension_values: in the usage mapping (--map value:server:srv-support=SRV-Support)\n',
    );
  });

  it("says nothing where keys and servers match", async () => {
    const run = await statement("{ srv-support: 200 }", ["srv-support"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
  });

  it("with a \"*\" limit: the server written otherwise is capped by it, not by its own, and said so", async () => {
    // SRV-Support's 150 is within the "*" limit of 300, srv-support's within its 200: 300.
    const run = await statement('{ srv-support: 200, "*": 300 }', ["srv-support", "SRV-Support"]);
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("300");
    expect(run.stderr).toBe(
      'burnrate: warning: account "ws": server "SRV-Support" of the usage has no daily limit, but "srv-support", which it nearly names, has one: "SRV-Support"\'s spending is capped by the "*" daily limit, not "srv-support"\'s; if it is "srv-support", read it so with dimension_values: in the usage mapping (--map value:server:srv-support=SRV-Support)\n',
    );
  });
});

// Floopy's budgets are per team (ratecards/floopy.yaml), a dimension no line carries: the values were unknown to the
// check, and `budgets: { reserach: 100 }` beside a log's `research` capped nothing in silence (red team, stops 35, 36).
describe("budget keys on a dimension the lines do not carry", () => {
  const floopyAccount = (budgets: string, teams = ["research", "research", "research"]) => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-budgetkeys-"));
    const account = join(dir, "account.yaml");
    writeFileSync(account, `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\nbudgets: ${budgets}\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
    const usage = join(dir, "usage.csv");
    // Three requests of 200,000 gpt-4o input tokens at 0.00025: 50 cents each.
    writeFileSync(usage, "timestamp,meter,model,provider,team,input_tokens,output_tokens\n" + ["02", "03", "04"].map((d, i) => `2026-11-${d}T10:00:00Z,request,gpt-4o,openai,${teams[i]},200000,0\n`).join(""));
    return ["statement", "--account", account, "--usage", usage, "--format", "json"];
  };

  it("a key one typo from a team the usage has is warned about, and the team's spending shown uncapped", async () => {
    const r = await burnrate(floopyAccount("{ reserach: 100 }"));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: warning: account "acme": the budget for team "reserach" names no team of the usage, which has "research": "research"'s spending is capped by no budget; did you mean "research"? Rename the key in the account file\n`);
    // 3 x 50 = 150 cents, all priced: nothing capped the team.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("150");
  });

  it("the key written right caps the team and is not warned about", async () => {
    const r = await burnrate(floopyAccount("{ research: 100 }"));
    expect(r.stderr).toBe("");
    // 100 cents of budget: the first two requests (100), the third refused.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("100");
  });

  // A team field the gateway began to send mid-month: the days before it are under no budget (newcomer, stop 42).
  it("rows without a team are warned about, their spending counted toward no budget", async () => {
    const r = await burnrate(floopyAccount("{ research: 100, support: 100 }", ["", "", "research"]));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: warning: account "acme": its rows without a team are under no budget (its budgets, "research" and 1 more, are keyed by team): no budget counts them or refuses them\n`);
    // 3 x 50 = 150 cents: the two rows without a team spend past research's 100 cents, capped by nothing.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("150");
  });

  it("rows that all carry a team, with or without a budget of their own, are not warned about", async () => {
    const r = await burnrate(floopyAccount("{ research: 100 }", ["support", "research", "research"]));
    expect(r.stderr).toBe("");
    // support has no budget (50 cents, uncapped); research's 100 cents take both of its requests.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("150");
  });

  it("rows without a team on a plan whose budgets do not apply are not warned about: no row is capped", async () => {
    // Floopy's budgets apply on pro and enterprise (ratecards/floopy.yaml); on free none caps a row.
    const args = floopyAccount("{ research: 100, support: 100 }", ["", "", "research"]);
    const r = await burnrate([...args, "--plan", "free"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});
