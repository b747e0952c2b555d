import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Reader } from "../src/replay/replay-files.js";
import { burnrate, ROOT } from "./helpers/cli.js";
import { gatewayAccountHead, gatewayStatement, GatewayFiles } from "./helpers/gateway-logs.js";

// Red team 11: a gateway log of two organizations with one retried request. bolt's retry,
// priced the full way as a repeat, bound the shape to bolt while what the known path knew of it
// stayed acme's: acme's next row took the known path and its token lines read bolt's shape,
// which had no target (an internal error; with quotas on the known path, every floopy log).
const gateway = new GatewayFiles("burnrate-redteam11-");
const card = join(ROOT, "ratecards/floopy.yaml");
const account = gateway.write(
  "account.yaml",
  [
    ...gatewayAccountHead(card),
    "accounts:",
    "  bolt: { plan: enterprise }",
    "grants:",
    '  - { kind: purchase, amount: 900000000, at: "2026-11-01T08:00:00Z" }',
    '  - { kind: purchase, amount: 900000000, at: "2026-11-01T08:00:00Z", account: bolt }',
    "",
  ].join("\n"),
);
const log = gateway.log([
  "2026-11-01T09:00:00Z,bolt,request,gpt-4o-mini,openai,research,1000,200,1,x1",
  "2026-11-01T09:00:01Z,acme,request,gpt-4o-mini,openai,research,1000,200,1,x2",
  "2026-11-01T09:00:02Z,bolt,request,gpt-4o-mini,openai,research,1000,200,1,x1",
  "2026-11-01T09:00:03Z,acme,request,gpt-4o-mini,openai,research,1000,200,1,x3",
]);

describe("a retried request between two organizations' rows of one shape", () => {
  it.each<Reader>(["scanner", "plain"])("through the %s reader: each request priced once, by its tokens", async (reader) => {
    const statement = JSON.parse(await gatewayStatement(log, account, reader, undefined)) as {
      events: { priced: number; duplicates: number };
      accounts: { account: string; cycles: { total: string }[] }[];
    };
    expect(statement.events).toMatchObject({ priced: 3, duplicates: 1 });
    // A request: 1,000 input tokens at 0.000015 and 200 output at 0.00006 (gpt-4o-mini on openai) = 0.015 + 0.012 = 0.027.
    expect(statement.accounts.map((a) => [a.account, a.cycles[0]!.total])).toEqual([
      ["acme", "0.054"],
      ["bolt", "0.027"],
    ]);
  });
});

// The same on a card without quota (appbuilder's editor chat, priced by tokens): the old build failed so too.
describe("a repeated event_id between two accounts' rows of one token-priced shape, on appbuilder", () => {
  it("prices each account's own rows, the repeat once", async () => {
    const usage = gateway.write(
      "appbuilder.csv",
      [
        "timestamp,account,meter,app,mode,input_tokens,output_tokens,event_id",
        "2026-11-02T09:00:00Z,bob,editor_chat,recipes,fast,5000,1000,x1",
        "2026-11-02T09:00:01Z,alice,editor_chat,recipes,fast,5000,1000,x2",
        "2026-11-02T09:00:02Z,bob,editor_chat,recipes,fast,5000,1000,x1",
        "2026-11-02T09:00:03Z,alice,editor_chat,recipes,fast,5000,1000,x3",
        "",
      ].join("\n"),
    );
    const out = await burnrate(["statement", "--account", join(ROOT, "fixtures/appbuilder/account.yaml"), "--usage", usage, "--format", "json"]);
    expect(out.stderr).toBe("");
    const statement = JSON.parse(out.stdout) as { events: { priced: number; duplicates: number }; accounts: { account: string; cycles: { total: string }[] }[] };
    expect(statement.events).toMatchObject({ priced: 3, duplicates: 1 });
    // A fast turn: 5,000 input tokens at 0.004 and 1,000 output at 0.02 = 20 + 20 = 40 credits.
    const totals = Object.fromEntries(statement.accounts.map((a) => [a.account, a.cycles[0]!.total]));
    expect([totals["alice"], totals["bob"]]).toEqual(["80", "40"]);
  });
});
