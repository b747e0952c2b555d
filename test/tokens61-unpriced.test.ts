import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// newcomer61 H2: a gateway log's token column is read for the meters that price tokens; on a row of another meter (an
// embedding call priced by its quantity) it was read by nothing, in silence. `chat` prices input tokens at 0.001;
// `call` is 2 a call, whatever its tokens.
// The helpers' card of one `call` meter at 2 credits, and a `chat` meter beside it.
const CARD = `${callCard({ provider: "probe", policy: "allow", plan: "pro: { label: Pro, included: 100000, price: 10 }", price: "2" })}  chat: { description: a chat call, aggregation: flow, category: c, pool: p, price: "0", components: { input_tokens: "0.001" } }\n`;

async function statement(rows: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "tokens61-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity,input_tokens", ...rows, ""].join("\n"));
  return burnrate(["statement", "--card", join(dir, "card.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "usage.csv"), "--format", "json"]);
}

describe("a token count on a row of a meter that prices no tokens (newcomer61 H2)", () => {
  it("is told, with its rows and the first of them; the rows are priced by their quantity, as before", async () => {
    const run = await statement(["2026-11-02T10:00:00Z,chat,1,1000", "2026-11-02T11:00:00Z,call,1,800000", "2026-11-02T12:00:00Z,call,1,5000"]);
    expect(run.code).toBe(0);
    // chat: 1000 x 0.001 = 1; call: 2 a call, 2 calls = 4.
    const lines = JSON.parse(run.stdout).accounts[0].cycles[0].lines as { meter: string; amount: string }[];
    expect(lines.filter((l) => l.meter === "call").map((l) => l.amount)).toEqual(["4"]);
    expect(run.stderr).toMatch(/^burnrate: note: 2 rows of .*usage\.csv of meter "call" carry a count of input_tokens \(the first at .*usage\.csv:3:4\), which the meter does not price: read by nothing, such rows priced by their quantity alone; if the meter charges them, price it by the component \(components: \[input_tokens\]\) or read its quantity from that column\n$/);
  });

  it("says nothing of an empty or zero count there", async () => {
    const run = await statement(["2026-11-02T10:00:00Z,chat,1,1000", "2026-11-02T11:00:00Z,call,1,", "2026-11-02T12:00:00Z,call,1,0"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
  });
});
