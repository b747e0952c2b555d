import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A time zone or layout one typo away from a known one was refused with no "did you mean", where the rest of the
// command line offers one (newcomer, stop 40).

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "newcomer23-guess-"));
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,alpha\n");
  return dir;
}

/** The error of a statement whose account file's `timezone:` is `zone`. */
async function accountZone(zone: string): Promise<string> {
  const dir = folder();
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: "${zone}"\n`);
  return (await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv"], { cwd: dir })).stderr;
}

describe("did you mean", () => {
  it("names the IANA zone an account's timezone: misses by a character", async () => {
    expect(await accountZone("America/NewYork")).toBe('burnrate: error: account.yaml:4:11: unknown time zone; did you mean "America/New_York"? (expected an IANA name such as Europe/London, found "America/NewYork")\n');
  });

  it("names the zone a usage mapping's timestamp_zone: misses by a letter", async () => {
    const dir = folder();
    writeFileSync(join(dir, "map.yaml"), "timestamp_zone: Europe/Londn\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--usage", "usage.csv", "--mapping", "map.yaml"], { cwd: dir });
    expect(r.stderr).toMatch(/^burnrate: error: map\.yaml:1:17: unknown time zone; did you mean "Europe\/London"\?/);
  });

  it("says nothing it cannot guess", async () => {
    expect(await accountZone("Mars/Olympus")).toBe('burnrate: error: account.yaml:4:11: unknown time zone (expected an IANA name such as Europe/London, found "Mars/Olympus")\n');
  });

  it("names the layout --layout and --bill-layout miss", async () => {
    const dir = folder();
    const usage = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--plan", "pro", "--usage", "usage.csv", "--layout", "litelm"], { cwd: dir });
    expect(usage.stderr).toMatch(/^burnrate: error: --layout: unknown usage layout; did you mean "litellm"\? \(expected one of /);
    const bill = await burnrate(["reconcile", "--account", join(ROOT, "fixtures/reconcile/account.yaml"), "--usage", join(ROOT, "fixtures/reconcile/usage.csv"), "--bill", join(ROOT, "fixtures/reconcile/bill-clean.csv"), "--bill-layout", "ledgr"], { cwd: dir });
    expect(bill.stderr).toMatch(/^burnrate: error: --bill-layout: unknown bill layout; did you mean "ledger"\? \(expected one of /);
  });
});

describe("a log without a timestamp column", () => {
  it("names the export's column that looks like the time, with the flag that reads it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer23-time-"));
    writeFileSync(join(dir, "usage.csv"), "created_at,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,alpha\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--usage", "usage.csv"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: usage\.csv:1:1: header missing required column "timestamp"; "created_at" \(column 1\) looks like it: --map timestamp=created_at \(expected/);
    // And with that flag: 1 read at 0.01.
    const fixed = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--usage", "usage.csv", "--map", "timestamp=created_at", "--format", "json"], { cwd: dir });
    expect(JSON.parse(fixed.stdout).accounts[0].cycles[0].total).toBe("0.01");
  });

  it("names none where no column looks like a time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer23-time-"));
    writeFileSync(join(dir, "usage.csv"), "meter,quantity,project\ndata_read,1,alpha\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--usage", "usage.csv"], { cwd: dir });
    expect(r.stderr).toMatch(/^burnrate: error: usage\.csv:1:1: header missing required column "timestamp" \(expected/);
  });
});

describe("no guess where a guess would mislead (red team, stop 40)", () => {
  const refused = accountZone;

  it("an offset is no typo of UTC, and Asia/Dehli is no Asia/Dili", async () => {
    for (const zone of ["UTC-8", "UTC+1", "GMT+2", "Asia/Dehli", "America/Indiana"]) expect(await refused(zone)).not.toContain("did you mean");
  });

  it("a separator or a missing underscore is still guessed", async () => {
    expect(await refused("Asia/Hongkong")).toContain('did you mean "Asia/Hong_Kong"?');
    expect(await refused("america/new york")).toContain('did you mean "America/New_York"?');
  });

  it("a layout's summed token field is named as the card reads it, not as a field the export lacks", async () => {
    const dir = folder();
    writeFileSync(
      join(dir, "usage.jsonl"),
      `${JSON.stringify({ data: [{ starting_at: "2026-11-03T00:00:00Z", ending_at: "2026-11-03T23:59:59Z", results: [{ uncached_input_tokens: "x", cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 }, cache_read_input_tokens: 0, output_tokens: 400, server_tool_use: { web_search_requests: 0 }, api_key_id: null, workspace_id: null, model: "claude-sonnet-4", service_tier: "standard", context_window: "0-200k" }] }], has_more: false, next_page: null })}\n`,
    );
    const r = await burnrate(["statement", "--account", join(ROOT, "fixtures/layouts/account.yaml"), "--layout", "anthropic-usage", "--usage", "usage.jsonl"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("data.results.input_tokens");
    expect(r.stderr).toMatch(/input_tokens is not a quantity/);
  });
});

describe("a log without a timestamp column, with a day and a time", () => {
  it("names the time, not the day", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer23-time-"));
    writeFileSync(join(dir, "usage.csv"), "date,created_at,meter,quantity,project\n2026-11-02,2026-11-02T10:00:00Z,data_read,1,alpha\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--usage", "usage.csv"], { cwd: dir });
    expect(r.stderr).toMatch(/^burnrate: error: usage\.csv:1:1: header missing required column "timestamp"; "created_at" \(column 2\) looks like it: --map timestamp=created_at /);
  });
});

describe("a file that is not there", () => {
  it("names the file beside it that its name misses by a letter, but not another day's", async () => {
    const dir = folder();
    writeFileSync(join(dir, "northwind.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\n`);
    writeFileSync(join(dir, "gateway.mapping.yaml"), "{}\n");
    writeFileSync(join(dir, "usage-2026-11-02.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,alpha\n");
    const run = async (...args: string[]) => (await burnrate(["statement", ...args], { cwd: dir })).stderr;
    expect(await run("--account", "northwnd.yaml", "--usage", "usage.csv")).toBe('burnrate: error: northwnd.yaml:1:1: cannot read file: ENOENT; did you mean "northwind.yaml"? (expected an existing, readable file, found no such file)\n');
    expect(await run("--account", "northwind.yaml", "--usage", "usage.csv", "--mapping", "gateway.maping.yaml")).toContain('did you mean "gateway.mapping.yaml"?');
    expect(await run("--account", "northwind.yaml", "--usage", "usage-2026-11-05.csv")).toBe("burnrate: error: usage-2026-11-05.csv:1:1: cannot read file: ENOENT (expected an existing, readable file, found no such file)\n");
  });
});

describe("a log without a timestamp column, with its event's time as milliseconds and a write time (newcomer37 F7)", () => {
  const run = async (header: string, row: string) => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer23-time-"));
    writeFileSync(join(dir, "usage.csv"), `${header}\n${row}\n`);
    return burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--usage", "usage.csv"], { cwd: dir });
  };

  it("names the event's time before the write time, with the unit its name gives", async () => {
    const r = await run("logged_at,ts_ms,meter,quantity,project", "2026-11-02T10:00:05Z,1793527200000,data_read,1,alpha");
    expect(r.stderr).toMatch(/^burnrate: error: usage\.csv:1:1: header missing required column "timestamp"; "ts_ms" \(column 2\) looks like it: --map timestamp=ts_ms, with timestamp_unit: milliseconds in the usage mapping \(expected/);
  });

  it("says a write time is one, where it is all the export has", async () => {
    const r = await run("logged_at,meter,quantity,project", "2026-11-02T10:00:05Z,data_read,1,alpha");
    expect(r.stderr).toContain('"logged_at" (column 1) looks like it: --map timestamp=logged_at (when each row was written, it seems: the event\'s own time, where the export has one, is the one to price by)');
  });
});
