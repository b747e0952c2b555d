import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { writeVariant } from "./helpers/cards.js";

// newcomer61 H1: under round_at: event a row's whole-number quantity counts its events, so a meter whose unit price
// rounds to 0 bills a bucket of any size 0. Fliplet's data_read at 0.004 (under half of a 0.01 step, half-even: 0)
// bills a row of 1,000 reads 1,000 x 0 = 0, where 1,000 x 0.004 = 4 was meant; a row of 1,000.5, one event,
// 1000.5 x 0.004 = 4.002, rounds to 4.00.
const dir = mkdtempSync(join(tmpdir(), "burnrate-free61-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const { file: card } = writeVariant(dir, "fine", FLIPLET, [
  ["  round_at: none ", '  step: "0.01"\n  round_at: event '],
  ['price: "0.01"             # "0.01 per read"', 'price: "0.004"            # "0.01 per read"'],
  ['        advanced: "0.001"', '        advanced: "0.01"'],
]);

function statement(rows: string[], header = "timestamp,meter,quantity,project") {
  const usage = join(dir, `usage-${rows.length}-${header.length}.csv`);
  writeFileSync(usage, [header, ...rows, ""].join("\n"));
  return burnrate(["statement", "--card", card, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]);
}

describe("a meter whose unit price rounds to 0 at a per-event step (newcomer61 H1)", () => {
  it("is an error of check: a whole-number row is that many events, each free", async () => {
    const run = await burnrate(["check", card]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('one unit of meter "data_read" costs 0.004, which rounds to 0 at step 0.01 (half-even): a row\'s whole-number quantity counts its events');
  });

  it("is warned of by statement where the usage has its rows, with what they were charged: 0 for 1,000, 4 for 1,000.5", async () => {
    const run = await statement(["2026-11-02T10:00:00Z,data_read,1000,p1", "2026-11-02T11:00:00Z,data_read,1000.5,p1"]);
    expect(run.code).toBe(0);
    const lines = JSON.parse(run.stdout).accounts[0].cycles[0].lines as { meter: string; amount: string }[];
    expect(lines.find((l) => l.meter === "data_read")?.amount).toBe("4");
    expect(run.stderr).toBe(
      'burnrate: warning: meter "data_read" was charged 4 credits for a quantity of 2000.5 at 0.004 a unit, which rounds to 0 at the card\'s step of 0.01 an event, and a row\'s whole-number quantity counts its events (a row of 2,000,000 costs 0); burnrate check names the price (rounds-to-zero): price the meter per event with its units as a component, or round_at: none if the provider does not round each event\n',
    );
  });

  it("says nothing where the usage has no row of it", async () => {
    const run = await statement(["2026-11-02T10:00:00Z,data_write,10,p1"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
  });

  it("counts the rows at a price that rounds to 0 alone, not those of a table's other entries (red61c F7)", async () => {
    // ai_input_tokens: standard 0.0002 a token rounds to 0; advanced, here 0.01, does not: 10 x 0.01 = 0.1.
    const run = await statement(["2026-11-02T10:00:00Z,ai_input_tokens,1000,p1,standard,project", "2026-11-02T11:00:00Z,ai_input_tokens,10,p1,advanced,project"], "timestamp,meter,quantity,project,model,source");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('burnrate: warning: meter "ai_input_tokens" was charged 0 credits for a quantity of 1000 at 0.0002 a unit, which rounds to 0');
  });

  it("says nothing of a row a card version of round_at: none prices, where another version rounds it to 0 (red61d N2)", async () => {
    // tiny: 0.0001 a unit rounded each event in 2026-11 (every whole row free), 0.004 exact from 2026-12: 100 x 0.004 = 0.4.
    const card = (version: string, roundAt: string, price: string) =>
      `provider: probe\nversion: "${version}"\neffective: "${version}-01"\nunit: credits\ncurrency: USD\ncredit_price: "0.01"\nprecision: { display: 2, rounding: half-even, round_at: ${roundAt}, step: "0.01" }\ncycle: { period: monthly }\ncategories: { c: { label: C } }\npools: { main: { label: Main, when_exhausted: allow } }\ngrant_kinds: { included: { priority: 1, expires: cycle_end } }\nplans: { pro: { label: Pro, included: 1000, price: 9 } }\nmeters:\n  tiny: { description: tiny, aggregation: flow, category: c, pool: main, price: "${price}" }\n`;
    writeFileSync(join(dir, "v1.yaml"), card("2026-11", "event", "0.0001"));
    writeFileSync(join(dir, "v2.yaml"), card("2026-12", "none", "0.004"));
    writeFileSync(join(dir, "tiny.csv"), "timestamp,meter,quantity\n2026-12-05T00:00:00Z,tiny,100\n");
    const run = await burnrate(["statement", "--card", join(dir, "v1.yaml"), "--card", join(dir, "v2.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "tiny.csv"), "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const december = JSON.parse(run.stdout).accounts[0].cycles.at(-1);
    expect(december.lines.map((l: { meter: string; amount: string }) => [l.meter, l.amount])).toEqual([["tiny", "0.4"]]);
  });
});
