import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// The litellm layout read team_alias as the team for the whole file once the header had it: a row whose alias cell
// was empty (the team's rows before it had an alias) was read with no team, and spent outside its team's budget in
// silence (red team, stop 37). A row's empty team_alias now falls back to its team_id, and a budget keyed by the
// name that those rows escape is warned about. Floopy's gpt-4o on openai: 100,000 input tokens x 0.00025 + 100,000
// output tokens x 0.001 = 25 + 100 = 125 cents a request.
const UUID = "7f3e9c1a-2b4d-4e8f-9a6b-1c2d3e4f5a6b";

/** Three requests of one team on 2, 3 and 4 November, the second without its alias. */
const LOG = `request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens,team_id,team_alias
r-1,2026-11-02 10:00:00,gpt-4o,openai,100000,100000,${UUID},research
r-2,2026-11-03 10:00:00,gpt-4o,openai,100000,100000,${UUID},
r-3,2026-11-04 10:00:00,gpt-4o,openai,100000,100000,${UUID},research
`;

async function statement(budgets: string, log: string, extra: string[] = [], name = "spend.csv") {
  const dir = mkdtempSync(join(tmpdir(), "layout19b-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\nbudgets: ${budgets}\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, name), log);
  const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--layout", "litellm", "--usage", join(dir, name), "--format", "json", ...extra]);
  return { run, dir, cycle: run.code === 0 ? JSON.parse(run.stdout).accounts[0].cycles[0] : undefined };
}

const refusedLines = (cycle: { rejected: { first_line?: number; events: number }[] }) => cycle.rejected.reduce((n, r) => n + r.events, 0);

describe("--layout litellm: a row whose team_alias is empty is read by its team_id", () => {
  it("a budget keyed by the id caps those rows: r-2's 125 is past { id: 100 } and refused; r-1 and r-3 are research's, 125 + 125 = 250 within 300", async () => {
    const { run, cycle } = await statement(`{ research: 300, "${UUID}": 100 }`, LOG);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(cycle.total).toBe("250");
    expect(cycle.budgets).toEqual([
      { key: UUID, budget: "100", spent: "0" },
      { key: "research", budget: "300", spent: "250" },
    ]);
    expect(refusedLines(cycle)).toBe(1);
  });

  it("a budget keyed by the name alone is warned about, with where the id was read and where it was named", async () => {
    const { run, cycle, dir } = await statement("{ research: 300 }", LOG);
    expect(run.code).toBe(0);
    // r-1 and r-3 research's, 250 within 300; r-2 the id's, capped by nothing: 3 x 125 = 375.
    expect(cycle.total).toBe("375");
    const file = join(dir, "spend.csv");
    expect(run.stderr).toBe(
      `burnrate: warning: account "acme": team "${UUID}" is read from team_id where a row's team_alias is empty (the first at ${file}:3:7), and has no budget: its spending is capped by no budget; rows of it with team_alias "research" (the first at ${file}:2:8) have a budget; if it is "research", read it so with dimension_values: in the usage mapping (--map value:team:research=${UUID}), or key a budget by it\n`,
    );
  });

  it("the warning's fix reads the id as the name: the team is one, 125 + 125 = 250 within 300 and the third request refused", async () => {
    const { run, cycle } = await statement("{ research: 300 }", LOG, ["--map", `value:team:research=${UUID}`]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(cycle.total).toBe("250");
    expect(cycle.budgets).toEqual([{ key: "research", budget: "300", spent: "250" }]);
    expect(refusedLines(cycle)).toBe(1);
  });

  it("with a status column (the plain reader's for skip_rows:) as without: r-2 capped by the id's budget of 100", async () => {
    const log = LOG.replace(/\n/g, (_, at: number) => (at === LOG.indexOf("\n") ? ",status\n" : ",success\n"));
    const { run, cycle } = await statement(`{ research: 300, "${UUID}": 100 }`, log);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(cycle.total).toBe("250");
  });

  it("a row whose team_alias and team_id are both empty has no team: priced, 3 x 125 = 375, and said to be under no budget", async () => {
    const { run, cycle } = await statement("{ research: 300 }", LOG.replace(`r-2,2026-11-03 10:00:00,gpt-4o,openai,100000,100000,${UUID},`, "r-2,2026-11-03 10:00:00,gpt-4o,openai,100000,100000,,"));
    // Said since stop 42 (newcomer: a team field sent from mid-month left the days before it under no budget, unsaid).
    expect([run.code, run.stderr]).toEqual([0, 'burnrate: warning: account "acme": its rows without a team are under no budget (its budget, "research", is keyed by team): no budget counts them or refuses them\n']);
    expect(cycle.total).toBe("375");
  });
});

describe("a column of team_alias whose every cell is empty", () => {
  it("every row is read by its team_id, 3 x 125 = 375, and one warning says the name's budget caps none of them", async () => {
    const log = LOG.replace(/,research\n/g, ",\n");
    const { run, cycle, dir } = await statement("{ research: 300 }", log);
    expect(run.code).toBe(0);
    expect(cycle.total).toBe("375");
    expect(run.stderr).toBe(
      `burnrate: warning: account "acme": team "${UUID}" is read from team_id where a row's team_alias is empty (the first at ${join(dir, "spend.csv")}:2:7), and has no budget: its spending is capped by no budget; if it is "research", read it so with dimension_values: in the usage mapping (--map value:team:research=${UUID}), or key a budget by it\n`,
    );
  });
});

describe("--layout litellm: a team_alias written as NULL or a blank is no name either (red team, stop 37)", () => {
  it("falls back to the team's id as an empty cell does: 375 served where research's budget is 300, and said", async () => {
    for (const alias of ["NULL", " "]) {
      const { run, cycle } = await statement("{ research: 300 }", LOG.replace(`${UUID},\n`, `${UUID},${alias}\n`));
      expect(run.code).toBe(0);
      // r-2 is read as the id's, which no budget caps: 3 x 125 = 375, told, where "NULL" took a name of its own.
      expect(cycle.total).toBe("375");
      expect(run.stderr).toContain(`team "${UUID}" is read from team_id where a row's team_alias is empty`);
    }
  });
});
