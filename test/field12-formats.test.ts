import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Exports a gateway user has at hand but burnrate does not read, each refused saying what the file
// is and what to make of it, where they were refused as malformed CSV or a header missing "timestamp".
describe("usage in a shape burnrate does not read (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-formats-"));
  const account = join(ROOT, "fixtures/layouts/account.yaml");
  const statement = (usage: string, ...more: string[]) => burnrate(["statement", "--account", account, "--usage", usage, ...more, "--format", "csv"]);
  const row = '{"timestamp":"2026-11-02T10:00:00Z","meter":"request","model":"gpt-4o","provider":"openai","input_tokens":1000,"output_tokens":200}';

  it("a JSON array of objects, as an API returns it", async () => {
    for (const [name, text] of [
      ["array.json", `[\n${row},\n${row}\n]\n`],
      ["one-line.json", `[${row}]`],
    ] as const) {
      const usage = join(dir, name);
      writeFileSync(usage, text);
      const out = await statement(usage);
      expect(out.code).toBe(2);
      expect(out.stderr).toBe(`burnrate: error: ${usage}:1:1: a JSON array, not JSON Lines (expected one JSON object per line (JSON Lines), as jq -c '.[]' writes the array's objects, found a JSON array)\n`);
    }
  });

  it("a pretty-printed JSON object, whose first line is no JSON on its own", async () => {
    const usage = join(dir, "pretty.jsonl");
    writeFileSync(usage, row.replace(",", ",\n"));
    const out = await statement(usage);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`^burnrate: error: ${usage.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1:1: not valid JSON \\(expected one JSON object per line \\(a pretty-printed file spans lines: jq -c \\. writes one a line\\), found `));
  });

  it("a file separated by semicolons or tabs", async () => {
    const csv = "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200\n";
    for (const [name, separator, word] of [
      ["semicolons.csv", ";", "semicolons"],
      ["tabs.tsv", "\t", "tabs"],
    ] as const) {
      const usage = join(dir, name);
      writeFileSync(usage, csv.replaceAll(",", separator));
      const out = await statement(usage);
      expect(out.code).toBe(2);
      const header = JSON.stringify("timestamp,meter,model,provider,input_tokens,output_tokens".replaceAll(",", separator));
      expect(out.stderr).toBe(`burnrate: error: ${usage}:1:1: the header is one column: the file is separated by ${word}, not commas (expected comma-separated values (export or save the file as CSV with commas), found ${header})\n`);
    }
  });

  it("reads the same rows as JSON Lines: 1,000 input and 200 output tokens of gpt-4o twice are 0.9 cents", async () => {
    const usage = join(dir, "lines.jsonl");
    writeFileSync(usage, `${row}\n${row}\n`);
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("0.9");
  });
});

// A gateway's epoch milliseconds under `timestamp_unit: seconds` land past the year 9999: it was
// "bad timestamp (expected seconds since 1970...)", which does not say the unit is what is wrong.
describe("epoch milliseconds read as seconds (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-epoch-"));
  const account = join(ROOT, "fixtures/layouts/account.yaml");
  const usage = join(dir, "usage.csv");
  const mapping = join(dir, "usage.mapping.yaml");
  // 1795132800 seconds after 1970 is 2026-11-20T00:00:00Z.
  writeFileSync(usage, "ts,meter,model,provider,input_tokens,output_tokens\n1795132800000,request,gpt-4o,openai,1000,200\n");

  it("says the log is most likely of milliseconds", async () => {
    writeFileSync(mapping, "columns: { timestamp: ts }\ntimestamp_unit: seconds\n");
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--mapping", mapping, "--format", "csv"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${usage}:2:1: bad timestamp: past the year 9999 as seconds, so most likely milliseconds (expected timestamp_unit: milliseconds in the mapping, for a log of milliseconds since 1970-01-01T00:00:00Z, found "1795132800000")\n`);
  });

  it("reads it with timestamp_unit: milliseconds, at 2026-11-20T00:00:00Z", async () => {
    writeFileSync(mapping, "columns: { timestamp: ts }\ntimestamp_unit: milliseconds\n");
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--mapping", mapping, "--ledger", "--format", "csv"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("\n2026-11-20T00:00:00Z,acme,charge,request,");
  });

  // newcomer64b M3: seconds read as milliseconds were told to move the anchor; red64d: ISO text at 1970-01-01 is most
  // often an export's 0 for a missing time.
  for (const { why, header, time, unit, found } of [
    // 1795132800 read as milliseconds is 1970-01-21T18:38:52.800Z, before the account's anchor.
    { why: "seconds read as milliseconds are most likely seconds, not an anchor to move (newcomer64b M3)", header: "ts", time: "1795132800", unit: "columns: { timestamp: ts }\ntimestamp_unit: milliseconds\n", found: "1970-01-21T18:38:52.800Z" },
    { why: "an export's 0 for a missing time beside seconds read as milliseconds, where the time is ISO text at 1970 (red64d)", header: "timestamp", time: "1970-01-01T00:00:00Z", unit: "{}\n", found: "1970-01-01T00:00:00Z" },
  ]) {
    it(`says ${why}`, async () => {
      writeFileSync(usage, `${header},meter,model,provider,input_tokens,output_tokens\n${time},request,gpt-4o,openai,1000,200\n`);
      writeFileSync(mapping, unit);
      const out = await burnrate(["statement", "--account", account, "--usage", usage, "--mapping", mapping, "--format", "csv"]);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`${usage}:2:1: usage before the first cycle (expected an instant on or after the anchor`);
      expect(out.stderr).toContain(`: a time in 1970 is most often a missing time an export wrote as 0, or a count of seconds since 1970 read under timestamp_unit: milliseconds (timestamp_unit: seconds reads it), found ${found})`);
    });
  }

  // red65 M4: an export's 0 written as a local time is 1970 in the account's zone, not in UTC.
  it("says so of 1970-01-01 00:00 written in a Tokyo account's time, 1969-12-31T15:00:00Z in UTC", async () => {
    const tokyo = join(dir, "tokyo.yaml");
    writeFileSync(tokyo, readFileSync(account, "utf8").replace(/^timezone: .*$/m, "timezone: Asia/Tokyo").replace("../../ratecards/floopy.yaml", join(ROOT, "ratecards/floopy.yaml")));
    writeFileSync(usage, "timestamp,meter,model,provider,input_tokens,output_tokens\n1970-01-01 00:00:00,request,gpt-4o,openai,1000,200\n");
    const out = await burnrate(["statement", "--account", tokyo, "--usage", usage, "--format", "csv"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`: a time in 1970 is most often a missing time an export wrote as 0, or a count of seconds since 1970 read under timestamp_unit: milliseconds (timestamp_unit: seconds reads it), found 1969-12-31T15:00:00Z)`);
  });
});
