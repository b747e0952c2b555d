import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Finding 12 of the fifteenth field report, on reading: a `qty` header, Excel's `sep=,` line, and
// `simulate --no-chart`. Fliplet's card, Pro: data_read 0.01 a read.

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field15-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const statement = (dir: string, usage: string, extra: string[] = [], input?: string) =>
  burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", usage === "-" ? "-" : join(dir, usage), "--format", "csv", ...extra], input === undefined ? {} : { input });

describe("a count's column in a header without quantity", () => {
  it("is offered as the quantity first, and --map quantity=qty reads it", async () => {
    const dir = setup({ "u.csv": "timestamp,meter,qty,project\n2026-11-02T10:00:00Z,data_read,250,alpha\n" });
    const refused = await statement(dir, "u.csv");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("(expected the quantity, columns: { quantity: qty } in the usage mapping (--map quantity=qty); or a column the card reads");
    const read = await statement(dir, "u.csv", ["--map", "quantity=qty"]);
    // 250 reads x 0.01 = 2.5, in the line's amount column (the cycle's money columns follow it since stop 38).
    const [head, line] = read.stdout.trim().split("\n").map((row) => row.split(","));
    expect(line![head!.indexOf("amount")]).toBe("2.5");
  });

  it("is not offered so where the header has a quantity column, nor for a name that is no count's", async () => {
    const both = setup({ "u.csv": "timestamp,meter,quantity,qty,project\n2026-11-02T10:00:00Z,data_read,1,250,alpha\n", "v.csv": "timestamp,meter,region,project\n2026-11-02T10:00:00Z,data_read,eu,alpha\n" });
    for (const file of ["u.csv", "v.csv"]) {
      const run = await statement(both, file);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain("--map quantity=");
    }
  });
});

describe("Excel's separator hint above the header", () => {
  const USAGE = "sep=,\ntimestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,100,alpha\n";

  it.each([
    ["sep=,\n", "the header on the first line: delete the \"sep=,\" line"],
    ["sep=;\n", "and save the file with commas"],
  ])("%j is refused at 1:1 as what it is", async (hint, fix) => {
    const dir = setup({ "u.csv": USAGE.replace("sep=,\n", hint) });
    const run = await statement(dir, "u.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "u.csv")}:1:1: the first line is Excel's separator hint "${hint.trim()}", not a header`);
    expect(run.stderr).toContain(fix);
  });

  it("on standard input is refused at -:1:1 as what it is, as in a file (the header is judged before any row, since stop 60)", async () => {
    // Before, the plain reader met the second line's width first and left the input to csv-parse, whose row-width
    // error named the hint; the header line is now read on its own first.
    const dir = setup({});
    const run = await statement(dir, "-", [], USAGE);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`-:1:1: the first line is Excel's separator hint "sep=,", not a header`);
    expect(run.stderr).toContain('the header on the first line: delete the "sep=," line');
  });

  it("above a bill's header too", async () => {
    const dir = setup({
      "u.csv": USAGE.replace("sep=,\n", ""),
      "bill.csv": "sep=,\nperiod_start,activity,project,quantity,amount\n2026-11-01,Data reads,alpha,100,1\n",
    });
    const run = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "u.csv"), "--bill", join(dir, "bill.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "bill.csv")}:1:1: the first line is Excel's separator hint "sep=,", not a header`);
  });
});

describe("simulate --no-chart", () => {
  it("says simulate has no chart to leave out, not unknown option", async () => {
    const run = await burnrate(["simulate", join(ROOT, "fixtures/scenarios/fliplet/email-1000.yaml"), "--no-chart"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--no-chart: simulate draws no chart");
    expect(run.stderr).not.toContain("unknown option");
  });
});
