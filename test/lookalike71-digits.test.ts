import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { burnrate, ROOT } from "./helpers/cli.js";
import { folderMaker } from "./helpers/gateway-logs.js";

// newcomer71b M1: `c2O`, a letter O, beside a named `c20` was a customer of its own, billed its plan's fee, said in a
// note alone: `statement --strict` passed it. In a name of digits, a letter read as a digit is a lookalike.
const made = folderMaker("lookalike71-");
const ACCOUNT = `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: free\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  c20: { plan: pro }\n  acct-107: { plan: pro }\n  it-01: { plan: pro }\n  kai-01: { plan: pro }\n  oil2: { plan: pro }\n`;

describe("a letter that reads as a digit, in an account id of digits", () => {
  it("is a lookalike warning, which --strict fails on; another number stays an account of its own", async () => {
    const usage = ["timestamp,account,meter,quantity,project", "2026-11-02T10:00:00Z,c20,data_read,3,p1", "2026-11-02T11:00:00Z,c2O,data_read,2,p1", "2026-11-02T11:00:00Z,acct-l07,data_read,2,p1", "2026-11-02T12:00:00Z,c21,data_read,2,p1", "2026-11-02T13:00:00Z,lt-01,data_read,2,p1", "2026-11-02T14:00:00Z,kal-01,data_read,2,p1", "2026-11-02T15:00:00Z,0112,data_read,2,p1", ""].join("\n");
    const dir = made({ "account.yaml": ACCOUNT, "usage.csv": usage });
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", "--strict"]);
    expect(r.code).toBe(1);
    const warnings: string[] = JSON.parse(r.stdout).warnings;
    expect(warnings.map((w) => w.slice(0, w.indexOf(" is not named")))).toEqual(['usage account "acct-l07"', 'usage account "c2O"']);
    expect(warnings[1]).toContain('did you mean "c20"?');
    // c21 is another customer's number, and lt-01 and kal-01 words of their own beside it-01 and kai-01 (red71e L1: a
    // letter is read as a digit only beside one), and 0112 a number beside the named oil2 (red71f M1: the letters were
    // read again until none was left): a note, no warning.
    expect(r.stderr).toContain('burnrate: note: 4 usage accounts, "0112", "c21", "kal-01", "lt-01", are not named in the account file');
  });
});
