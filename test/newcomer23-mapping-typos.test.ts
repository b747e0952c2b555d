import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A newcomer's typos in a mapping file were said at the usage's header or first row, or at the bill, never at the
// mapping's line that held them; a bill mapping's one even offered to rename the bill's column to the typo (newcomer,
// stop 40). Each is now said at the mapping's entry, with the column or meter meant.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const PLAN = ["--card", CARD, "--plan", "pro", "--anchor", "2026-11-01"];

function usageWith(header: string, rows: string[], mapping: string): string {
  const dir = mkdtempSync(join(tmpdir(), "newcomer23-typos-"));
  writeFileSync(join(dir, "usage.csv"), `${header}\n${rows.join("\n")}\n`);
  writeFileSync(join(dir, "map.yaml"), mapping);
  return dir;
}

const statement = (dir: string) => burnrate(["statement", ...PLAN, "--usage", "usage.csv", "--mapping", "map.yaml", "--format", "json"], { cwd: dir });

describe("a usage mapping's typo", () => {
  it("in a rename: source is named with its place beside the unread column's own error and fix", async () => {
    const dir = usageWith("timestamp,meter,quantity,project,app_user", ["2026-11-02T10:00:00Z,end_user_open,1,alpha,u1"], "rename:\n  app_usr: user\n");
    const r = await statement(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'burnrate: error: usage.csv:1:5: column "app_user" is read by no meter of fliplet 2026-11; the mapping\'s rename: entry "app_usr" (map.yaml:2:3) names no column of this file: a typo of "app_user"? (expected a column the card reads (channel, distribution, model, project, source, user): rename: { app_user: NAME } in the usage mapping (--map dim:NAME=app_user), or the column under ignore_columns: (--map ignore:app_user), found "app_user")\n',
    );
  });

  it("in an ignore_columns: entry is named with its place", async () => {
    const dir = usageWith("timestamp,meter,quantity,project,latency_ms", ["2026-11-02T10:00:00Z,data_read,1,alpha,120"], "ignore_columns: [latncy_ms]\n");
    const r = await statement(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: usage\.csv:1:5: column "latency_ms" is read by no meter of fliplet 2026-11; the mapping's ignore_columns: entry "latncy_ms" \(map\.yaml:1:18\) names no column of this file: a typo of "latency_ms"\?/);
  });

  it("is not blamed beside a column whose fix is to read it (an id), nor for a short name", async () => {
    // `ip` is one letter from `id`: ignoring the id would price a retry twice (red team, stop 40).
    const dir = usageWith("timestamp,meter,quantity,project,id", ["2026-11-02T10:00:00Z,data_read,1,alpha,r1"], "ignore_columns: [ip]\n");
    const r = await statement(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("ignore_columns: entry");
    expect(r.stderr).toContain("event_id");
  });

  it("in meter:, for a log without a meter column, is said at meter:, not at the first row", async () => {
    const dir = usageWith("timestamp,quantity,project", ["2026-11-02T10:00:00Z,3,alpha"], "meter: data_reads\n");
    const r = await statement(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: map\.yaml:1:8: unknown meter "data_reads"; did you mean "data_read"\? \(expected a meter of fliplet 2026-11 \(the mapping's meter:, which each row of a log without a meter column is read as; first read at usage\.csv:2\)/);
  });

  it("in --map meter:KEY is said at the flag", async () => {
    const dir = usageWith("timestamp,quantity,project", ["2026-11-02T10:00:00Z,3,alpha"], "{}\n");
    const r = await burnrate(["statement", ...PLAN, "--usage", "usage.csv", "--map", "meter:data_reads"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: --map: unknown meter "data_reads"; did you mean "data_read"\?/);
  });

  it("is no error where the mapping is right: the log's 3 reads at 0.01", async () => {
    const dir = usageWith("timestamp,quantity,project", ["2026-11-02T10:00:00Z,3,alpha"], "meter: data_read\n");
    const r = await statement(dir);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.03");
  });
});

describe("a bill mapping's typo", () => {
  function bill(mapping: string): string {
    const dir = mkdtempSync(join(tmpdir(), "newcomer23-bill-"));
    const text = readFileSync(join(ROOT, "fixtures/reconcile/bill-clean.csv"), "utf8").replace(/^period_start,activity,project,quantity,amount/, "period_start,activity,project,quantity,amount_usd");
    writeFileSync(join(dir, "bill.csv"), text);
    writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
    return dir;
  }

  const reconcile = (dir: string, ...more: string[]) => burnrate(["reconcile", "--account", join(ROOT, "fixtures/reconcile/account.yaml"), "--usage", join(ROOT, "fixtures/reconcile/usage.csv"), "--bill", "bill.csv", ...more], { cwd: dir });

  it("in columns: is said at the mapping's entry, with the column meant, not as a column to rename", async () => {
    const r = await reconcile(bill("columns:\n  amount: amount_us\n"));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'burnrate: error: bill.csv.mapping.yaml:2:11: the bill mapping\'s column for amount, "amount_us", is not in the header of bill.csv; did you mean "amount_usd"? (expected a column the bill\'s header has (amount: amount_usd), found "period_start", "activity", "project", "quantity", "amount_usd")\n',
    );
  });

  it("in --bill-map is said at the flag", async () => {
    const r = await reconcile(bill("{}\n"), "--bill-map", "amount=amount_us");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: --bill-map: the bill mapping's column for amount, "amount_us", is not in the header of bill\.csv; did you mean "amount_usd"\?/);
  });

  it("of an optional column the month's bill lacks is no error: a mapping serves month after month", async () => {
    const r = await reconcile(bill("columns:\n  amount: amount_usd\n  charge_category: Kind\n"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("is no error where the mapping is right", async () => {
    const r = await reconcile(bill("columns:\n  amount: amount_usd\n"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("a renamed token column's cell that is no quantity", () => {
  it("is named as the export names its column, and as the card reads it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer23-tokens-"));
    writeFileSync(join(dir, "usage.csv"), 'timestamp,model,provider,prompt_tokens,completion_tokens\n2026-11-02T10:00:00Z,gpt-4o,openai,"1,000",20\n');
    writeFileSync(join(dir, "map.yaml"), "meter: request\nrename: { prompt_tokens: input_tokens, completion_tokens: output_tokens }\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--mapping", "map.yaml"], { cwd: dir });
    expect(r.stderr).toBe('burnrate: error: usage.csv:2:4: "prompt_tokens" (read as input_tokens) is not a quantity (expected a plain decimal of 0 or more, found "1,000")\n');
  });
});
