import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer70 M4: a price raised mid-month shows on a bill by customer as a rate drift of another price for each, read
// "the card may be out of date"; a card version from the change explains every line. Fliplet's data reads, 0.01
// credits a read; the bill's price is 0.02 from November 15. acme reads 100 on the 2nd and 100 on the 20th: billed
// 1 + 2 = 3 for 200, 0.015 a read. bolt reads 100 and 300: 1 + 6 = 7 for 400, 0.0175. The bill writes its amounts to
// a hundredth: 0.015 and 0.0175 are apart past the rounding of each.
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "blended70-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  acme: {}\n  bolt: {}\n`);
  const rows = ["2026-11-02T10:00:00Z,data_read,100,alpha,acme", "2026-11-02T10:00:00Z,data_read,100,alpha,bolt", "2026-11-20T10:00:00Z,data_read,100,alpha,acme", "2026-11-20T10:00:00Z,data_read,300,alpha,bolt"];
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,account\n${rows.join("\n")}\n`);
  writeFileSync(join(dir, "bill.csv"), "period_start,activity,account,project,quantity,amount\n2026-11-01,data_read,acme,alpha,200,3.00\n2026-11-01,data_read,bolt,alpha,400,7.00\n");
  return dir;
}
const NOTE = "the bill's price of a line differs account by account (data_read (project=alpha) in the cycle from 2026-11-01: 0.015, 0.0175 across 2 accounts, the card 0.01): a price changed within the cycle comes out so, each account's blended by its usage either side of the change; a card version effective at the change, given with --card beside the card, prices each side";

describe("rate drifts of one line at another price for each account", () => {
  it("are said as a price changed within the cycle, on stderr and under the report", async () => {
    const dir = folder();
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "table"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`burnrate: note: ${NOTE}\n`);
    expect(r.stdout.replace(/\s+/g, " ")).toContain(`The ${NOTE.slice(4)}.`);
  });

  it("are not said where every account's drift is at one price", async () => {
    const dir = folder();
    // Both at 0.02 a read throughout: 4 for 200 and 8 for 400.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,account,project,quantity,amount\n2026-11-01,data_read,acme,alpha,200,4\n2026-11-01,data_read,bolt,alpha,400,8\n");
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "table"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).not.toContain("account by account");
    // One price rounded to the cent for each (red70d H2): 0.01313 a read, 2.626 billed 2.63 and 5.252 billed 5.25,
    // 0.01315 and 0.013125 as implied; within half a cent over 200 and 400 reads they meet at 0.013125 to 0.0131375.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,account,project,quantity,amount\n2026-11-01,data_read,acme,alpha,200,2.63\n2026-11-01,data_read,bolt,alpha,400,5.25\n");
    const rounded = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "table"], { cwd: dir });
    expect(rounded.code).toBe(1);
    expect(rounded.stdout).toContain("rate_drift");
    expect(rounded.stderr + rounded.stdout).not.toContain("account by account");
    // The same price billed in two rows an account, each rounded (red70e M2): acme 1.313 twice billed 1.31 each, 2.62 for
    // 200; bolt 2.626 twice billed 2.63 each, 5.26 for 400. Within a cent over 200 and 400 reads they meet.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,account,project,quantity,amount\n2026-11-01,data_read,acme,alpha,100,1.31\n2026-11-01,data_read,acme,alpha,100,1.31\n2026-11-01,data_read,bolt,alpha,200,2.63\n2026-11-01,data_read,bolt,alpha,200,2.63\n");
    const rows = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "table"], { cwd: dir });
    expect(rows.code).toBe(1);
    expect(rows.stdout).toContain("rate_drift");
    expect(rows.stderr + rows.stdout).not.toContain("account by account");
  });
});
