import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red63 H1: the users of billing: per_user populations, simulated and then given to `statement` through --emit-usage,
// disagreed: their purchases were counted and never written, they were billed in cycles they were not there, and the
// scenario's negotiated allowance (its own account's) was given to them.
interface Cycle {
  start: string;
  total: string;
  money: { total: string };
  rejected: unknown[];
}

async function roundTrip(scenario: string) {
  const dir = mkdtempSync(join(tmpdir(), "peruser63-"));
  writeFileSync(join(dir, "s.yaml"), scenario);
  const sim = await burnrate(["simulate", join(dir, "s.yaml"), "--emit-usage", join(dir, "em"), "--format", "json"]);
  expect(sim.code).toBe(0);
  const st = await burnrate(["statement", "--account", join(dir, "em", "account.yaml"), "--usage", join(dir, "em", "usage.csv"), "--format", "json"]);
  expect(st.code).toBe(0);
  // The users' rows are written in time order with the others' (red63c L1: account by account, read as late rows).
  expect(st.stderr).not.toMatch(/late/);
  const times = readFileSync(join(dir, "em", "usage.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]!);
  expect(times).toEqual([...times].sort());
  const accounts = new Map<string, Cycle[]>((JSON.parse(st.stdout).accounts as { account: string; cycles: Cycle[] }[]).map((a) => [a.account, a.cycles]));
  return { sim: JSON.parse(sim.stdout), accounts, account: readFileSync(join(dir, "em", "account.yaml"), "utf8") };
}

const card = (name: string) => JSON.stringify(join(ROOT, "ratecards", `${name}.yaml`));

describe("billing: per_user users priced by `statement` on the files --emit-usage writes (red63 H1)", () => {
  it("a: buy the purchases the simulation counted in their money", async () => {
    // Floopy Pro (20 USD, no cents included): 100 gpt-4o requests of 1,000 tokens in (0.00025 a token) and 500 out
    // (0.001): 0.75 cents a request, 75 cents a cycle, bought at 0.01 USD a cent: 20.75 USD a user.
    const { sim, accounts } = await roundTrip(`card: ${card("floopy")}\nplan: pro\nstart: 2026-11-01\ncycles: 1\npopulations:\n  - name: dev\n    users: 2\n    billing: per_user\n    per_user:\n      - { meter: request, quantity: 100, dimensions: { model: gpt-4o, provider: openai }, components: { input_tokens: 1000, output_tokens: 500 } }\n`);
    expect(sim.plans[0].accounts.money.sum).toBe("41.5");
    for (const user of ["dev-1", "dev-2"]) {
      const [cycle] = accounts.get(user)!;
      expect({ total: cycle!.total, money: cycle!.money.total, refused: cycle!.rejected.length }).toEqual({ total: "75", money: "20.75", refused: 0 });
    }
  });

  it("b: are billed in the cycles they are there only", async () => {
    // App builder Standard, 20 USD a cycle; cooks 2, 3, 4 over three cycles; others 2, 1, 0: 12 user-cycles, 240 USD.
    const { sim, accounts } = await roundTrip(`card: ${card("appbuilder")}\nplan: standard\nstart: 2026-11-01\ncycles: 3\npopulations:\n  - name: cook\n    users: 2\n    growth: +1\n    billing: per_user\n    dimensions: { app: recipes, creator: ana, tier: standard }\n    per_user:\n      - { meter: web_extraction, quantity: 10 }\n  - name: other\n    users: 2\n    growth: -1\n    billing: per_user\n    dimensions: { app: recipes, creator: ana, tier: standard }\n    per_user:\n      - { meter: web_extraction, quantity: 10 }\n`);
    expect(sim.plans[0].accounts.money.sum).toBe("240");
    const fees = (user: string) => accounts.get(user)!.map((c) => c.money.total);
    expect(fees("cook-1")).toEqual(["20", "20", "20"]);
    expect(fees("cook-3")).toEqual(["0", "20", "20"]);
    expect(fees("cook-4")).toEqual(["0", "0", "20"]);
    expect(fees("other-1")).toEqual(["20", "20", "0"]);
    expect(fees("other-2")).toEqual(["20", "0", "0"]);
  });

  it("c: are on the plan's allowance, the scenario's negotiated one being its own account's", async () => {
    // A cook's 20 web extractions at 8 credits: 160 of Standard's 2,000 served; on the scenario's 100, 96 and 8 refused.
    const { sim, accounts, account } = await roundTrip(`card: ${card("appbuilder")}\nplan: standard\nallowance: 100\nstart: 2026-11-01\ncycles: 1\npopulations:\n  - name: cook\n    users: 1\n    billing: per_user\n    dimensions: { app: recipes, creator: ana }\n    per_user:\n      - { meter: web_extraction, quantity: 20 }\n`);
    expect(sim.plans[0].accounts.credits.sum).toBe("160");
    const [cycle] = accounts.get("cook-1")!;
    expect({ total: cycle!.total, refused: cycle!.rejected.length }).toEqual({ total: "160", refused: 0 });
    expect(account).toContain('allowance: "100"');
  });
});

describe("billing: per_user users in --emit-usage, the round after (red63c)", () => {
  it("H1: a user who joins later gets its plan's one-time credits where it joins", async () => {
    // Flikly Free: 5 one-time credits, no cycle's; Pika text-to-video at 0.2 a second. Users 1, then 2, then 3 (ed-2
    // joins in December, ed-3 in January), 10 seconds a cycle each in rows of whole seconds over the days: 2 credits a
    // cycle. ed-1 spends 2 + 2 of its 5, then in January 5 rows of 0.2 and the rest refused; ed-2 spends 2 + 2; ed-3
    // spends 2: 5 + 4 + 2 = 11 served. Before, ed-2 and ed-3 had no one-time credits and every row was refused.
    const { sim, accounts } = await roundTrip(`card: ${card("flikly")}\nplan: free\nstart: 2026-11-01\ncycles: 3\npopulations:\n  - name: ed\n    users: 1\n    growth: +1\n    billing: per_user\n    per_user:\n      - { meter: generate, quantity: 10, dimensions: { workflow: text_to_video, model: pika, resolution: 720p } }\n`);
    expect(sim.plans[0].accounts.credits.sum).toBe("11");
    const served = (user: string) => accounts.get(user)!.map((c) => c.total);
    expect(served("ed-1")).toEqual(["2", "2", "1"]);
    expect(served("ed-2")).toEqual(["0", "2", "2"]);
    expect(served("ed-3")).toEqual(["0", "0", "2"]);
  });

  it("H2: an account file past what statement reads is warned of", async () => {
    const { emittedSizeWarning } = await import("../src/commands/simulate.js");
    expect(emittedSizeWarning("em/account.yaml", 4 * 1024 * 1024)).toBeUndefined();
    expect(emittedSizeWarning("em/account.yaml", 4_787_178)).toBe("burnrate: warning: --emit-usage: em/account.yaml is 4.6 MiB, past the 4 MiB an account file may be: statement refuses it; the users' own accounts of fewer users or cycles make one it reads\n");
  });
});

describe("a per-user account's credits start where it joins, in the simulation as in the emitted files (red63d H1)", () => {
  it("gives a joiner one-time credits that end with their cycle in the cycle it joins, not at the anchor", async () => {
    // Flikly Free with its one-time 5 credits ending with their cycle; 15 s of Pika (0.2 a second) a cycle: 3 credits.
    // Users 1, 2, 3: each is served 3 in the cycle it joins, and refused after; 9 served, ed-1 and ed-2 refused.
    // Subscribed from the anchor, ed-2's and ed-3's credits ended in November: 3 served, 3 refused.
    const { readFileSync } = await import("node:fs");
    const flikly = readFileSync(join(ROOT, "ratecards/flikly.yaml"), "utf8");
    const dir = mkdtempSync(join(tmpdir(), "peruser63-cyc-"));
    const cyc = flikly.replace("onetime: { priority: 1, expires: never }", "onetime: { priority: 1, expires: cycle_end }");
    expect(cyc).not.toBe(flikly);
    writeFileSync(join(dir, "card.yaml"), cyc);
    const { sim, accounts } = await roundTrip(`card: ${JSON.stringify(join(dir, "card.yaml"))}\nplan: free\nstart: 2026-11-01\ncycles: 3\npopulations:\n  - name: ed\n    users: 1\n    growth: +1\n    billing: per_user\n    per_user:\n      - { meter: generate, quantity: 15, dimensions: { workflow: text_to_video, model: pika, resolution: 720p } }\n`);
    expect(sim.plans[0].accounts).toMatchObject({ credits: { sum: "9" }, refused: 2 });
    expect(["ed-1", "ed-2", "ed-3"].map((u) => accounts.get(u)!.map((c) => c.total))).toEqual([["3", "0", "0"], ["0", "3", "0"], ["0", "0", "3"]]);
  });
});
