import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer52 M2: a log with a `status` column, read with --map alone, was refused with only `--map ignore:status`
// offered, which bills the failed calls; --map had no skip_rows: form. Fliplet's data_read is 0.01 a read
// (ratecards/fliplet.yaml): three reads, one failed and one an error, are 0.01 once both are skipped.
const USAGE = [
  "timestamp,meter,quantity,project,status",
  "2026-11-02T10:00:00Z,data_read,1,p1,ok",
  "2026-11-02T10:01:00Z,data_read,1,p1,failed",
  "2026-11-02T10:02:00Z,data_read,1,p1,error",
  "",
].join("\n");

async function statement(args: string[], mapping?: string) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-skip53-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  if (mapping !== undefined) writeFileSync(join(dir, "usage.csv.mapping.yaml"), mapping);
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", ...args], { cwd: dir });
}

/** The data_read line's quantity and amount, and the events read. */
function reads(stdout: string): [string, string, number] {
  const s = JSON.parse(stdout);
  const line = s.accounts[0].cycles[0].lines.find((l: { meter: string }) => l.meter === "data_read");
  return [line.quantity, line.amount, s.events.read];
}

describe("--map skip:SOURCE=VALUE", () => {
  it("is what the error for an unread status column offers first", async () => {
    const r = await statement([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage.csv:1:5: column "status" is read by no meter of fliplet 2026-11 (expected how each request ended: skip_rows: { status: [VALUE] } in the usage mapping (--map skip:status=VALUE[,VALUE]) leaves out the rows of a value that is not usage (a failed call), which ignore_columns: would bill; or a column the card reads');
  });

  it("is offered for a status column among several unread, which the list to ignore at once leaves out (newcomer53 H1)", async () => {
    // Ignored with the others, the failed calls were billed: 132 of them, 6.4% of a month, exit 0.
    for (const header of ["timestamp,meter,quantity,project,notes,status,region", "timestamp,meter,quantity,project,status,notes,region"]) {
      const dir = mkdtempSync(join(tmpdir(), "burnrate-skip53-"));
      writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
      const cells = header.split(",").slice(4).map((c) => (c === "status" ? "failed" : "x"));
      writeFileSync(join(dir, "usage.csv"), `${header}\n2026-11-02T10:00:00Z,data_read,1,p1,${cells.join(",")}\n`);
      const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv"], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("skip_rows: { status: [VALUE] } in the usage mapping (--map skip:status=VALUE[,VALUE])");
      expect(r.stderr).toMatch(/both at once: ignore_columns: \[notes, region\]|the other 2 at once: ignore_columns: \[notes, region\]/);
      expect(r.stderr).not.toMatch(/ignore_columns: \[[^\]]*status/);
    }
  });

  it("leaves out the rows of each value given, and says so", async () => {
    const r = await statement(["--map", "skip:status=failed", "--map", "skip:status=error"]);
    expect(r.code).toBe(0);
    expect(reads(r.stdout)).toEqual(["1", "0.01", 1]);
    expect(r.stderr).toContain('burnrate: note: 2 rows of usage.csv skipped as not usage by skip_rows:');
  });

  it("takes a list of values, and refuses an empty one in it", async () => {
    // red53b #2: `failed,error` was one value, which no cell holds: every row billed, nothing said.
    const r = await statement(["--map", "skip:status=failed,error"]);
    expect(r.code).toBe(0);
    expect(reads(r.stdout)).toEqual(["1", "0.01", 1]);
    const bad = await statement(["--map", "skip:status=failed,"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad column mapping");
  });

  it("is offered for columns named as exports name how a request ended, and only those (red53b #4, #5)", async () => {
    const offered = async (column: string) => {
      const dir = mkdtempSync(join(tmpdir(), "burnrate-skip53-"));
      writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
      writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,${column},notes\n2026-11-02T10:00:00Z,data_read,1,p1,x,y\n`);
      const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv"], { cwd: dir });
      expect(r.code).toBe(2);
      return r.stderr.includes(`skip_rows: { ${column}: [VALUE] }`);
    };
    for (const column of ["statusCode", "httpStatus", "isError", "responseStatus", "http_status", "outcome", "error", "succeeded"]) expect([column, await offered(column)]).toEqual([column, true]);
    for (const column of ["us_state", "result_count", "error_rate", "success_rate", "failed_at", "outcome_tokens", "latency_ms"]) expect([column, await offered(column)]).toEqual([column, false]);
  });

  it("leaves out of the object to ignore whole a status field inside it (red53b #3)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-skip53-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
    writeFileSync(join(dir, "usage.jsonl"), '{"timestamp":"2026-11-02T10:00:00Z","meter":"data_read","quantity":1,"project":"p1","meta":{"region":"eu","status":"failed","zone":"a"}}\n');
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.jsonl"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('skip_rows: { meta.status: [VALUE] }');
    expect(r.stderr).not.toContain("ignore_columns: [meta]");
  });

  it("adds to the mapping file's values for the column", async () => {
    const r = await statement(["--map", "skip:status=error"], "skip_rows: { status: [failed] }\n");
    expect(r.code).toBe(0);
    expect(reads(r.stdout)).toEqual(["1", "0.01", 1]);
  });

  it("refuses an empty value and the same value twice, at the flag", async () => {
    const empty = await statement(["--map", "skip:status="]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('burnrate: error: --map: bad column mapping (expected CANONICAL=SOURCE (CANONICAL one of timestamp, meter, quantity, event_id, account), value:DIMENSION:VALUE=EXPORTED, dim:NAME=SOURCE, meter:KEY=VALUE, meter:KEY, skip:SOURCE=VALUE[,VALUE] or ignore:SOURCE, found "skip:status=")\n');
    const twice = await statement(["--map", "skip:status=failed", "--map", "skip:status=failed"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("the same mapping twice");
  });
});
