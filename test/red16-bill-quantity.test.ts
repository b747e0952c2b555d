import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A bill line summed from several rows: a row that charges nothing and gives no quantity (a FOCUS adjustment of 0)
// adds nothing to the line's quantity; before, it made the whole line's quantity unknown, and a quantity mismatch
// read "the bill gives no quantity" (red team, stop 34). Fliplet: maps_call 0.08 a call; usage 50 calls = 4;
// the bill 60 calls = 4.8: 10 calls too many, 0.8.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const USAGE = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1000,alpha\n2026-11-04T10:00:00Z,maps_call,50,beta\n";

async function reconcile(billRows: string) {
  const dir = mkdtempSync(join(tmpdir(), "red16-"));
  writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "usage.csv"), USAGE);
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,project,quantity,amount\n2026-11-01,data_read,alpha,1000,10\n${billRows}`);
  const run = await burnrate(["reconcile", "--card", CARD, "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
  return { run, differences: JSON.parse(run.stdout).differences as { meter: string; bill_quantity: string | null; class: string; delta: string }[] };
}

describe("reconcile: a bill line's quantity from the rows that give one", () => {
  it("a row of 0 without a quantity, before or after, leaves the line's 60 calls: a quantity mismatch of 10 calls, 0.8", async () => {
    for (const rows of ["2026-11-01,maps_call,beta,60,4.8\n2026-11-01,maps_call,beta,,0\n", "2026-11-01,maps_call,beta,,0\n2026-11-01,maps_call,beta,60,4.8\n"]) {
      const { run, differences } = await reconcile(rows);
      expect(run.code).toBe(1);
      expect(differences.map((d) => [d.meter, d.bill_quantity, d.class, d.delta])).toEqual([["maps_call", "60", "quantity_mismatch", "0.8"]]);
    }
  });

  it("two rows that give quantities add them: 40 + 20 calls", async () => {
    const { differences } = await reconcile("2026-11-01,maps_call,beta,40,3.2\n2026-11-01,maps_call,beta,20,1.6\n");
    expect(differences.map((d) => [d.bill_quantity, d.class])).toEqual([["60", "quantity_mismatch"]]);
  });

  it("a row that charges without a quantity leaves the line's quantity unknown: the bill counts something it does not say", async () => {
    const { differences } = await reconcile("2026-11-01,maps_call,beta,50,4\n2026-11-01,maps_call,beta,,0.8\n");
    expect(differences.map((d) => [d.bill_quantity, d.delta])).toEqual([[null, "0.8"]]);
    expect(differences[0]!.class).not.toBe("quantity_mismatch");
  });
});
