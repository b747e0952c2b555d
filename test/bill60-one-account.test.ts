import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer60 M1: a customer's own invoice, with no account column, was compared with the usage of all 301 accounts
// summed ("-393,820.93 credits undercharged"), with no hint, and a bill mapping had no way to say whose it was.
// Fliplet's data_read is 0.01 credits a read: a0 reads 1, a1 reads 2, a2 reads 3.
function folder(mapping: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "bill60-"));
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,1,p,a0\n2026-11-02T10:00:00Z,data_read,2,p,a1\n2026-11-02T10:00:00Z,data_read,3,p,a2\n");
  writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,data_read,p,2,0.02\n");
  if (mapping !== undefined) writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
  return dir;
}
const reconcile = (dir: string) => burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
type Line = { account: string | null; meter: string; status: string; computed_quantity: string | null };

describe("a bill of one account (newcomer60 M1)", () => {
  it("that names none is compared with every account's usage summed, and says so", async () => {
    const r = await reconcile(folder(undefined));
    // 2 reads billed against 1 + 2 + 3 = 6.
    const line = (JSON.parse(r.stdout).lines as Line[]).find((l) => l.meter === "data_read")!;
    expect([line.account, line.computed_quantity]).toEqual([undefined, "6"]);
    expect(r.stderr).toContain("burnrate: note: the bill names no account: each of its lines is compared with the usage of all 3 accounts summed; a bill of one customer names it, account: NAME in its bill mapping (a bill of several, columns: { account: COLUMN })\n");
  });

  it("named by account: in its bill mapping is compared with that account's usage alone", async () => {
    const r = await reconcile(folder("account: a1\n"));
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const line = (doc.lines as Line[]).find((l) => l.meter === "data_read")!;
    // a1's 2 reads, as billed; a0 and a2 not on the bill.
    expect([line.account, line.status, line.computed_quantity]).toEqual(["a1", "agrees", "2"]);
    expect((doc.other_accounts as { account: string }[]).map((a) => a.account)).toEqual(["a0", "a2"]);
    expect(r.stderr).not.toContain("names no account");
  });

  it("refuses account: naming nothing, or beside columns: account", async () => {
    const empty = await reconcile(folder('account: ""\n'));
    expect([empty.code, empty.stdout]).toEqual([2, ""]);
    expect(empty.stderr).toContain("bill.csv.mapping.yaml:1:10: account: names no account");
    const both = await reconcile(folder("account: a1\ncolumns: { account: customer }\n"));
    expect([both.code, both.stdout]).toEqual([2, ""]);
    expect(both.stderr).toContain("bill.csv.mapping.yaml:1:10: account: and columns: account: both say whose each row is");
    // A column named account is read as the account without columns: (red60b F2: it won over account: a1 in silence,
    // and an empty cell billed "default").
    const dir = folder("account: a1\n");
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,account,quantity,amount\n2026-11-01,data_read,p,,2,0.02\n");
    const column = await reconcile(dir);
    expect([column.code, column.stdout]).toEqual([2, ""]);
    expect(column.stderr).toContain('bill.csv:1:4: bill column "account" says whose each row is, and the bill mapping\'s account: names "a1" for them all');
  });
});
