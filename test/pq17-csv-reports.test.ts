import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A CSV report burnrate wrote into the usage folder (`--format csv -o exports/november.csv`) was read as usage at
// the next run and refused for want of a timestamp (exit 2), while docs/usage.md says a report burnrate wrote
// there is passed over quietly, as a JSON report was (red team, stop 35, F12). Each command's CSV report is
// written beside the usage by burnrate itself, so that a change of a report's header fails here.
const FIXTURES = join(ROOT, "fixtures/reconcile");
const CARD = join(ROOT, "ratecards/fliplet.yaml");

function exportsFolder(): { dir: string; exports: string } {
  const dir = mkdtempSync(join(tmpdir(), "pq17-reports-"));
  const exports = join(dir, "exports");
  mkdirSync(exports);
  copyFileSync(join(FIXTURES, "usage.csv"), join(exports, "usage.csv"));
  copyFileSync(join(FIXTURES, "account.yaml"), join(dir, "account.yaml"));
  writeFileSync(join(dir, "account.yaml"), readFileSync(join(FIXTURES, "account.yaml"), "utf8").replace("../../ratecards/fliplet.yaml", CARD));
  return { dir, exports };
}

const statement = (usage: string, ...more: string[]) => ["statement", "--account", "account.yaml", "--usage", usage, ...more];

describe("burnrate's own CSV reports in the usage folder are passed over, and named", () => {
  it("statement (with a byte-order mark too), its --ledger, reconcile, diff and simulate CSVs: the next statement is the one without them", async () => {
    const { dir } = exportsFolder();
    const before = await burnrate(statement("exports", "--format", "json"), { cwd: dir });
    // The fixture's one December row of 26, on the 3rd, after October and November (newcomer63 M3's note).
    expect([before.code, before.stderr]).toEqual([0, "burnrate: note: 1 row of the usage falls in the cycle from 2026-12-01 (3.85% of the usage, all within its first 3 days), the statement's last: its account is billed that cycle's plan fee and recurring grants; if they are the next month's, left among this one's files, leave them out of the usage, or show the cycles before it alone with --cycle 2026-10-01..2026-11-01\n"]);
    writeFileSync(join(dir, "scenario.yaml"), `name: x\ncard: ${CARD}\nplan: pro\nstart: 2026-11-01\ncycles: 1\nschedules:\n  - { name: sync, meter: automation_run, every: day at 09:00, dimensions: { project: p } }\n`);
    const reports: [string, string[]][] = [
      ["statement.csv", statement("exports", "--format", "csv", "-o", "exports/statement.csv")],
      ["ledger.csv", statement("exports", "--ledger", "--format", "csv", "-o", "exports/ledger.csv")],
      ["excel.csv", statement("exports", "--format", "csv", "--bom", "-o", "exports/excel.csv")],
      ["reconcile.csv", ["reconcile", "--account", "account.yaml", "--usage", "exports", "--bill", join(FIXTURES, "bill-clean.csv"), "--format", "csv", "-o", "exports/reconcile.csv"]],
      ["diff.csv", ["diff", "--base", CARD, "--account", "account.yaml", "--usage", "exports", "--format", "csv", "-o", "exports/diff.csv"]],
      ["simulate.csv", ["simulate", "scenario.yaml", "--format", "csv", "-o", "exports/simulate.csv"]],
    ];
    for (const [name, args] of reports) {
      const wrote = await burnrate(args, { cwd: dir });
      expect(wrote.code, `${name}: ${wrote.stderr}`).toBeLessThan(2);
      expect(readFileSync(join(dir, "exports", name), "utf8").split("\n").length, name).toBeGreaterThan(2);
      const after = await burnrate(statement("exports", "--format", "json"), { cwd: dir });
      expect(after.code, name).toBe(0);
      // Named in a note, where a JSON report is passed over quietly: a CSV is known by its header alone.
      expect(after.stderr, name).toMatch(new RegExp(`^burnrate: note: usage folder exports: passed over \\d+ CSV reports? burnrate wrote, by (its|their) header \\(.*"${name}"`));
      expect(after.stdout, name).toBe(before.stdout);
    }
    // A quoted glob matching them passes them over too, and a JSON report with them.
    expect((await burnrate(statement("exports/*.csv", "--format", "json", "-o", "exports/statement.json"), { cwd: dir })).code).toBe(0);
    const globbed = await burnrate(statement("exports/*", "--format", "json"), { cwd: dir });
    expect(globbed.code).toBe(0);
    expect(globbed.stderr).toMatch(/^burnrate: note: usage folder exports\/\*: passed over 6 CSV reports burnrate wrote/);
    expect(JSON.parse(globbed.stdout).accounts).toEqual(JSON.parse(before.stdout).accounts);
  });

  it("only a report's header, exactly: a statement's header with a timestamp added, or with one column less, is read as usage", async () => {
    const { dir, exports } = exportsFolder();
    const header = "account,plan,cycle_start,cycle_end,meter,kind,category,pool,project,quantity,unit_price,amount";
    writeFileSync(join(exports, "mine.csv"), `timestamp,${header}\n2026-11-02T10:00:00Z,default,pro,,,data_read,line,end_users,,alpha,3,0.01,0.03\n`);
    // Read as usage, it is refused at its header (its report columns are read by no meter), not passed over.
    const read = await burnrate(statement("exports", "--format", "json"), { cwd: dir });
    expect(read.code).toBe(2);
    expect(read.stderr).toContain("exports/mine.csv:1:");
    writeFileSync(join(exports, "mine.csv"), `${header.replace(",unit_price", "")}\ndefault,pro,,,data_read,line,end_users,,alpha,3,0.03\n`);
    const refused = await burnrate(statement("exports", "--format", "json"), { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('mine.csv:1:1: header missing required column "timestamp"');
  });

  it("an export with a report's header and a mapping of its own is usage: read, not passed over", async () => {
    const { dir, exports } = exportsFolder();
    const header = "account,plan,cycle_start,cycle_end,meter,kind,category,pool,project,quantity,unit_price,amount";
    writeFileSync(join(exports, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-03T00:00:00Z,data_read,5,alpha\n");
    writeFileSync(join(exports, "export.csv"), `${header}\ndefault,pro,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,data_read,usage,end_users,run,alpha,100,0.01,1\n`);
    writeFileSync(join(exports, "export.csv.mapping.yaml"), "columns: { timestamp: cycle_start }\nignore_columns: [plan, cycle_end, kind, category, pool, unit_price, amount]\n");
    const run = await burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", "exports", "--format", "json"], { cwd: dir });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    // 100 + 5 reads at 0.01.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("1.05");
  });
});
