import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer70 M4: a price raised mid-month shows on a bill by customer as a rate drift of another price for each, read
// "the card may be out of date"; a card version from the change explains every line. Fliplet's data reads, 0.01
// credits a read; the bill's price is 0.02 from November 15. acme reads 100 on the 2nd and 100 on the 20th: billed
// 1 + 2 = 3 for 200, 0.015 a read. bolt reads 100 and 300: 1 + 6 = 7 for 400, 0.0175.
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "blended70-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  acme: {}\n  bolt: {}\n`);
  const rows = ["2026-11-02T10:00:00Z,data_read,100,alpha,acme", "2026-11-02T10:00:00Z,data_read,100,alpha,bolt", "2026-11-20T10:00:00Z,data_read,100,alpha,acme", "2026-11-20T10:00:00Z,data_read,300,alpha,bolt"];
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,account\n${rows.join("\n")}\n`);
  writeFileSync(join(dir, "bill.csv"), "period_start,activity,account,project,quantity,amount\n2026-11-01,data_read,acme,alpha,200,3\n2026-11-01,data_read,bolt,alpha,400,7\n");
  return dir;
}
const NOTE = "the bill's price of a line differs account by account (data_read (project=alpha) from 2026-11-01T00:00:00Z: 0.015, 0.0175 across 2 accounts, the card 0.01): a price changed within the cycle comes out so, each account's blended by its usage either side of the change; a card version effective at the change, given with --card beside the card, prices each side";

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
  });
});
