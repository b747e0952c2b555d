import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accountStatement, APP_BUILDER_HEAD } from "./helpers/account-statement.js";

// newcomer65 H1: a30's upgrade, written at column 1 below its entry, was valid YAML and the file's own account's: a01
// became a Super account from 10 February, 350 USD on the wrong customer, exit 0, nothing said.
const HEAD = APP_BUILDER_HEAD;
const USAGE = "timestamp,account,meter,quantity,app,creator\n2027-01-05T10:00:00Z,a01,web_extraction,1,x,c\n2027-01-05T11:00:00Z,a30,web_extraction,1,x,c\n2027-03-05T11:00:00Z,a30,web_extraction,1,x,c\n";
const statement = (account: string) => accountStatement(account, USAGE);

describe("the own account's keys written below the last entry of accounts:", () => {
  it("are warned of, at the key, naming the entry they may be meant for", async () => {
    const { dir, r } = await statement(`${HEAD}accounts:\n  a29: { plan: standard }\n  a30:\n    plan: standard\nchanges:\n  - { at: 2027-02-10, plan: super }\n`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: warning: ${join(dir, "acct.yaml")}:11:3: changes: at the top level, written below the last entry of accounts:, "a30", applies to the file's own account, "a01": if it is meant for "a30", indent it under that entry (the file's own keys written above accounts: read without this warning)\n`);
  });

  it("names every such key", async () => {
    const { r } = await statement(`${HEAD}accounts:\n  a30:\n    plan: standard\nlow_balance: 100\nsubscription_end: 2027-03-01\n`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(": low_balance:, subscription_end: at the top level, written below the last entry of accounts:, \"a30\", apply to the file's own account, \"a01\": if they are meant for \"a30\", indent them under that entry");
  });

  it("are not warned of where written above accounts:, or where each change names its account", async () => {
    const above = await statement(`${HEAD}changes:\n  - { at: 2027-02-10, plan: super }\naccounts:\n  a30:\n    plan: standard\n`);
    expect([above.r.code, above.r.stderr]).toEqual([0, ""]);
    const named = await statement(`${HEAD}accounts:\n  a30:\n    plan: standard\nchanges:\n  - { at: 2027-02-10, plan: super, account: a30 }\n`);
    expect([named.r.code, named.r.stderr]).toEqual([0, ""]);
    const indented = await statement(`${HEAD}accounts:\n  a30:\n    plan: standard\n    changes:\n      - { at: 2027-02-10, plan: super }\n`);
    expect([indented.r.code, indented.r.stderr]).toEqual([0, ""]);
  });

  it("a file key indented under accounts: as a list is told as that key, not as an account's terms of the wrong type (newcomer65 L3)", async () => {
    const { dir, r } = await statement(`${HEAD}accounts:\n  a12:\n    plan: standard\n  changes:\n      - { at: 2027-02-15, plan: super }\n`);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(`burnrate: error: ${join(dir, "acct.yaml")}:9:3: changes: indented under accounts:, where it is read as an account named "changes" (expected changes: at the top level (column 1), or under the entry of the account it is for, found "changes")\n`);
    // A customer named as a key may be, with terms of its own.
    const named = await statement(`${HEAD}accounts:\n  plan: { plan: standard }\n`);
    expect(named.r.code).toBe(0);
  });

  it("a plan written as a pricing page names it is offered its key (newcomer65b L2)", async () => {
    for (const written of ["Super plan", "the Standard tier"]) {
      const { r } = await statement(HEAD.replace("plan: standard", `plan: ${written}`));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`unknown plan ${JSON.stringify(written)}; did you mean ${JSON.stringify(written.includes("Super") ? "super" : "standard")}?`);
    }
  });
});
