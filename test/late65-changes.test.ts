import { describe, expect, it } from "vitest";
import { accountStatement, APP_BUILDER_HEAD } from "./helpers/account-statement.js";

// newcomer65 M3: an upgrade typed 2027-06-01 for 2027-02-01, in a quarter's close of January to March, changed nothing
// shown, as documented, and nothing said so: 20 + 25 + 25 USD billed where 20 + 200 + 200 was owed.
const HEAD = APP_BUILDER_HEAD;
// A row in each month of the quarter: the statement's cycles are January, February and March, the last ending 2027-04-01.
const USAGE = "timestamp,account,meter,quantity,app,creator\n2027-01-05T10:00:00Z,a01,web_extraction,1,x,c\n2027-02-05T10:00:00Z,a01,web_extraction,1,x,c\n2027-03-05T10:00:00Z,a01,web_extraction,1,x,c\n";
const statement = (account: string) => accountStatement(account, USAGE);

describe("a change dated after the statement's last cycle", () => {
  it("is noted, with its place, its date and the last cycle's end", async () => {
    const { file, r } = await statement(`${HEAD}changes:\n  - { at: 2027-06-01, plan: super }\n`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: note: a change of "a01" (${file}:7:5) is dated 2027-06-01T00:00:00Z, at or after the end of its account's last cycle in the statement (2027-04-01T00:00:00Z): it changes nothing shown; where the date is meant, through: DATE in the account file (or --through DATE) bills the cycles up to it\n`);
    // Standard all quarter: 20 USD a month.
    expect(JSON.parse(r.stdout).accounts[0].cycles.map((c: { money: { total: string } }) => c.money.total)).toEqual(["20", "20", "20"]);
  });

  it("counts several, naming the first; one at the last cycle's end is one of them, one before it is not", async () => {
    const { r } = await statement(`${HEAD}changes:\n  - { at: 2027-03-10, plan: super }\n  - { at: "2027-04-01T00:00:00Z", allowance: 5000 }\n  - { at: 2027-07-01, subscription_end: 2027-07-01 }\n`);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^burnrate: note: 2 changes \(the first of "a01", .*acct\.yaml:8:5\) are dated from 2027-04-01T00:00:00Z, at or after the end of its account's last cycle in the statement \(2027-04-01T00:00:00Z\): they change nothing shown;/);
  });

  it("is not noted where the statement runs through it", async () => {
    const { r } = await statement(`${HEAD}through: 2027-06-15\nchanges:\n  - { at: 2027-06-01, plan: super }\n`);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });
});
