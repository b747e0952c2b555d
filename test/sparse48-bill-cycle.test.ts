import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer48 F5: one November row of a bill dated 2026-12-01 made the usage's December lines missing on the bill, and
// the one mistake was buried among them. A cycle the bill gives a few lines, beside cycles it gives many, is named.
// Fliplet Pro (fixtures/reconcile/account.yaml, New York): a data write costs 0.05 credits, each project's a line.
function run(decemberOnBill: number) {
  const dir = mkdtempSync(join(tmpdir(), "sparse48-"));
  const nov = Array.from({ length: 30 }, (_, i) => `n${i}`);
  const dec = Array.from({ length: 25 }, (_, i) => `d${i}`);
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${nov.map((p) => `2026-11-10T15:00:00Z,data_write,1,${p}\n`).join("")}${dec.map((p) => `2026-12-10T15:00:00Z,data_write,1,${p}\n`).join("")}`);
  const bill = [...nov.map((p) => `2026-11-01,Data writes,${p},1,0.05`), ...dec.slice(0, decemberOnBill).map((p) => `2026-12-01,Data writes,${p},1,0.05`)];
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,project,quantity,amount\n${bill.join("\n")}\n`);
  return burnrate(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
}

describe("a bill's cycle of a few lines beside cycles of many (newcomer, stop 48)", () => {
  it("is named on stderr, with the usage lines it lacks", async () => {
    const out = await run(1);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("burnrate: note: the bill gives 1 line(s) in the cycle from 2026-12-01T05:00:00Z and 30 in its other cycle(s); the usage's 24 other line(s) of that cycle are missing_on_bill. If the bill does not cover that cycle, a row of it is dated in the wrong period\n");
  });

  it("is not named where the bill gives each cycle its lines", async () => {
    const out = await run(25);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe("");
  });

  it("names a line the usage does not have that repeats another cycle's line exactly (newcomer49 F10)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sparse48-"));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-10T15:00:00Z,data_write,3,alpha\n2026-11-10T15:00:00Z,data_write,2,beta\n");
    // November's alpha line, copied with December's period: 3 writes at 0.05.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,Data writes,alpha,3,0.15\n2026-11-01,Data writes,beta,2,0.1\n2026-12-01,Data writes,alpha,3,0.15\n");
    const out = await burnrate(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`burnrate: note: ${join(dir, "bill.csv")}:4:1, a line the usage does not have in the cycle from 2026-12-01T05:00:00Z, repeats ${join(dir, "bill.csv")}:2:1 of the cycle from 2026-11-01T04:00:00Z exactly: a row dated in the wrong period?\n`);
  });
});
