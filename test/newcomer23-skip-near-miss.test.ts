import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A newcomer's `skip_rows: { status: [Error] }` on a gateway export that writes `error` skipped nothing and charged the
// failed calls in silence (newcomer, stop 40). Values still match exactly; a row whose cell is a case or a space away
// from one is charged, and a warning names the mapping's key, the rows and the value meant.

function folder(rows: string[], skip: string, ext: "csv" | "jsonl" = "csv"): string {
  const dir = mkdtempSync(join(tmpdir(), "newcomer23-skip-"));
  const lines = rows.map((r) => r.split(","));
  const body =
    ext === "csv"
      ? `timestamp,meter,quantity,project,status\n${rows.join("\n")}\n`
      : `${lines.map(([timestamp, meter, quantity, project, status]) => JSON.stringify({ timestamp, meter, quantity: Number(quantity), project, status })).join("\n")}\n`;
  writeFileSync(join(dir, `usage.${ext}`), body);
  writeFileSync(join(dir, "map.yaml"), `skip_rows:\n  status: [${skip}]\n`);
  return dir;
}

const statement = (dir: string, ext = "csv") =>
  burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", `usage.${ext}`, "--mapping", "map.yaml", "--format", "json"], { cwd: dir });

const total = (stdout: string) => JSON.parse(stdout).accounts[0].cycles[0].total as string;

describe("skip_rows: a value a case away from the export's", () => {
  it("charges the rows, as values match exactly, and warns at the mapping's key with the value meant", async () => {
    const dir = folder(["2026-11-02T10:00:00Z,data_read,100,alpha,success", "2026-11-02T11:00:00Z,data_read,40,alpha,error", "2026-11-03T11:00:00Z,data_read,60,beta,error"], "Error");
    const r = await statement(dir);
    expect(r.code).toBe(0);
    // 200 reads at 0.01: the two failed calls are charged.
    expect(total(r.stdout)).toBe("2");
    expect(r.stderr).toBe(
      'burnrate: warning: skip_rows: status: ["Error"] (map.yaml:2:3) skips the rows whose status is exactly "Error"; 2 rows of usage.csv have "error" (the first at usage.csv:3:5), which are not skipped and are charged as usage: did you mean "error"?\n',
    );
  });

  it("says nothing where the value is the export's, and skips those rows", async () => {
    const dir = folder(["2026-11-02T10:00:00Z,data_read,100,alpha,success", "2026-11-02T11:00:00Z,data_read,40,alpha,error"], "error");
    const r = await statement(dir);
    // 100 reads at 0.01.
    expect(total(r.stdout)).toBe("1");
    expect(r.stderr).toBe('burnrate: note: 1 row of usage.csv skipped as not usage by skip_rows: (status "error"; the first at usage.csv:3:5): neither charged nor counted toward a quota\n');
  });

  it("tells a cell with a space or in capitals beside the rows it skips, in JSON Lines too", async () => {
    const dir = folder(["2026-11-02T10:00:00Z,data_read,100,alpha,error", "2026-11-02T11:00:00Z,data_read,40,alpha, ERROR"], "error", "jsonl");
    const r = await statement(dir, "jsonl");
    // The exact "error" row is skipped; " ERROR" is charged: 40 reads at 0.01.
    expect(total(r.stdout)).toBe("0.4");
    expect(r.stderr).toContain('1 row of usage.jsonl has " ERROR" (the first at usage.jsonl:2:');
    expect(r.stderr).toContain('which is not skipped and is charged as usage: did you mean " ERROR"?');
    expect(r.stderr).toContain("skipped as not usage by skip_rows:");
  });
});

describe("skip_rows near misses beside another skip column (red team, stop 40)", () => {
  it("are not told for a row another column skips", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer23-skip2-"));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project,status,code\n2026-11-02T10:00:00Z,data_read,100,alpha,Error,500\n2026-11-02T11:00:00Z,data_read,40,alpha,Error,200\n");
    writeFileSync(join(dir, "map.yaml"), 'skip_rows:\n  status: [error]\n  code: ["500"]\n');
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--mapping", "map.yaml", "--format", "json"], { cwd: dir });
    // The first row is skipped by its code; the second is charged (40 reads at 0.01) and is the one near miss.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.4");
    expect(r.stderr).toContain('1 row of usage.csv has "Error" (the first at usage.csv:3:5)');
  });
});
