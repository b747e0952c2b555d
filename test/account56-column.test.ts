import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer55 H2: `--layout litellm` reads no account column unless told, and a reseller's export of 40,000 customers
// was billed as the account file's own account, exit 0, while the customers it names got no usage. Floopy's gpt-4o on
// openai: 100,000 input tokens x 0.00025 + 100,000 output tokens x 0.001 = 25 + 100 = 125 credits a request.
const HEAD = "request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens,user,end_user,status\n";
const ROWS = [
  "r-1,2026-11-02 10:00:00,gpt-4o,openai,100000,100000,key-owner,acme,success",
  "r-2,2026-11-03 10:00:00,gpt-4o,openai,100000,100000,key-owner,globex,success",
  "r-3,2026-11-04 10:00:00,gpt-4o,openai,100000,100000,key-owner,acme,success",
].join("\n") + "\n";

function files(account: string, log = HEAD + ROWS) {
  const dir = mkdtempSync(join(tmpdir(), "account56-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\nanchor: 2026-11-01\n${account}`);
  writeFileSync(join(dir, "spend.csv"), log);
  return { account: join(dir, "account.yaml"), usage: join(dir, "spend.csv") };
}

const RESELLER = `account: reseller
plan: pro
accounts:
  acme: { plan: pro }
  globex: { plan: pro }
grants:
  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z", account: acme }
  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z", account: globex }
`;

const totals = (stdout: string) => Object.fromEntries(JSON.parse(stdout).accounts.map((a: { account: string; cycles: { total: string }[] }) => [a.account, a.cycles[0]!.total]));

describe("a usage file without an account column, where the account file has accounts beside its own", () => {
  it("is refused at its header, naming the accounts that would get nothing and the layout's columns that name each row's customer", async () => {
    const f = files(RESELLER);
    const run = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--format", "json"]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toBe(
      `burnrate: error: ${f.usage}:1:1: no account column: each row of the file would be billed to account "reseller", and none to the 2 other accounts the account file names ("acme", "globex") (expected the column naming each row's account: columns: { account: end_user } in the usage mapping (--map account=end_user); "end_user" (column 8) is the customer each call was made for (the request's \`user\`); "user" (column 7) is the LiteLLM user whose key made each call; or, for one account's usage, an account file of that account alone, found "request_id", "startTime", "model", "custom_llm_provider", "prompt_tokens", "completion_tokens", "user", "end_user", "status")\n`,
    );
  });

  it("billed by the column offered: acme's two requests 2 x 125 = 250, globex's one 125, the file's own account none", async () => {
    const f = files(RESELLER);
    const run = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--map", "account=end_user", "--format", "json"]);
    expect(run.code).toBe(0);
    expect(totals(run.stdout)).toEqual({ acme: "250", globex: "125", reseller: "0" });
    // The file's own account, named by account:, used nothing and is billed Floopy Pro's 20 USD: said (newcomer60 M3).
    expect(run.stderr).toBe(
      'burnrate: note: the account file\'s own account "reseller" (its account:) has no usage, beside 2 usage accounts: billed with nothing used (20.00 USD over 1 cycle) in the totals; where the top level is only the terms of the accounts the file does not name, leave account: out, and no account of its own is billed\n',
    );
  });

  it("a grant to another account is one: refused the same, counting 1", async () => {
    const f = files(`account: reseller\nplan: pro\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z", account: acme }\n`);
    const run = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no account column: each row of the file would be billed to account "reseller", and none to the other account the account file names ("acme") (expected`);
  });

  it("unnamed_accounts: top_level alone names no other account: a log of the file's own account is read as before, 3 x 125 = 375", async () => {
    const f = files(`account: reseller\nplan: pro\nunnamed_accounts: top_level\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
    const run = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(totals(run.stdout)).toEqual({ reseller: "375" });
  });

  it("an export without a layout: the column an export calls the customer, left out by the mapping, is offered", async () => {
    const f = files(RESELLER, "timestamp,meter,model,provider,input_tokens,output_tokens,org\n2026-11-02T10:00:00Z,request,gpt-4o,openai,100000,100000,acme\n");
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, "--map", "ignore:org", "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`(expected the column naming each row's account: columns: { account: org } in the usage mapping (--map account=org); "org" (column 7) looks like it; or, for one account's usage, an account file of that account alone, found`);
  });

  it("reconcile reads the usage so too", async () => {
    const f = files(RESELLER);
    const bill = join(f.account, "..", "bill.csv");
    writeFileSync(bill, "period_start,activity,model,provider,quantity,amount\n2026-11-01,request,gpt-4o,openai,3,375\n");
    const run = await burnrate(["reconcile", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--bill", bill, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no account column: each row of the file would be billed to account \"reseller\"");
  });

  it("an account file of one account alone bills it every row, as before: 3 x 125 = 375", async () => {
    const f = files(`account: acme\nplan: pro\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
    const run = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(totals(run.stdout)).toEqual({ acme: "375" });
  });
});

// newcomer56 H2: rows whose account cell is empty were billed to the file's own account (`default` where the file names
// none), its plan's fee with them, in silence. Where the file has other accounts, such a row is refused at its cell.
describe("a row whose account cell is empty, where the account file has accounts beside its own", () => {
  const log = HEAD + ROWS + "r-4,2026-11-05 10:00:00,gpt-4o,openai,100000,100000,key-owner,,success\n";

  it("is refused at the cell, with the way to leave such rows out", async () => {
    const f = files(RESELLER, log);
    const run = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--map", "account=end_user", "--format", "json"]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toBe(
      `burnrate: error: ${f.usage}:5:8: a row of no account (its account cell empty, or the field absent): it would be billed to account "reseller", the account file's own, while the file names other accounts (expected the row's account in column "end_user"; rows of no account are left out with skip_rows: { end_user: [""] } in the usage mapping, and are the file's own account's where that is written in the cell, found nothing)\n`,
    );
  });

  it("left out by skip_rows: acme 250, globex 125, and the row counted in a note", async () => {
    const f = files(RESELLER, log);
    writeFileSync(`${f.usage}.mapping.yaml`, 'layout: litellm\ncolumns: { account: end_user }\nskip_rows: { end_user: [""] }\n');
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, "--format", "json"]);
    expect(run.code).toBe(0);
    expect(totals(run.stdout)).toEqual({ acme: "250", globex: "125", reseller: "0" });
    expect(run.stderr).toContain(`burnrate: note: 1 row of ${f.usage} skipped as not usage by skip_rows: (end_user ""`);
  });

  // red56b F4: the usage names another account (globex), so an empty cell is no more acme's than globex's.
  it("in an account file of one account alone is refused too, where the usage names another account; acme's where its cell says so, 3 x 125 = 375", async () => {
    const f = files(`account: acme\nplan: pro\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`, log);
    const run = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--map", "account=end_user", "--format", "json"]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toContain(`${f.usage}:5:8: a row of no account (its account cell empty, or the field absent): it would be billed to account "acme", the account file's own, while the usage names other accounts ("globex")`);
    writeFileSync(f.usage, log.replace(",key-owner,,success", ",key-owner,acme,success"));
    const named = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--map", "account=end_user", "--format", "json"]);
    expect([named.code, named.stderr]).toEqual([0, ""]);
    expect(totals(named.stdout)).toEqual({ acme: "375", globex: "0" });
  });

  it("is refused in a JSON Lines export too (CloudEvents' subject)", async () => {
    const event = (id: string, subject: string) => JSON.stringify({ specversion: "1.0", id, source: "gw", type: "request", subject, time: "2026-11-02T10:00:00Z", data: { model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 200 } });
    const f = files(RESELLER, `${event("1", "acme")}\n${event("2", "")}\n`);
    const jsonl = f.usage.replace(/\.csv$/, ".jsonl");
    writeFileSync(jsonl, `${event("1", "acme")}\n${event("2", "")}\n`);
    const run = await burnrate(["statement", "--account", f.account, "--layout", "cloudevents", "--usage", jsonl, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${jsonl}:2:`);
    expect(run.stderr).toContain("a row of no account (its account cell empty, or the field absent): it would be billed to account \"reseller\"");
  });
});

describe("an account cell of spaces, where rows of no account are refused", () => {
  it("is no account either: refused, the skip_rows: entry naming the cell as written", async () => {
    const f = files(RESELLER, HEAD + "r-1,2026-11-02 10:00:00,gpt-4o,openai,1000,200,k,  ,success\n");
    const run = await burnrate(["statement", "--account", f.account, "--layout", "litellm", "--usage", f.usage, "--map", "account=end_user", "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`rows of no account are left out with skip_rows: { end_user: ["  "] } in the usage mapping, and are the file's own account's where that is written in the cell, found "  ")`);
  });
});
