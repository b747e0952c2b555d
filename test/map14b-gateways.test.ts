import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { replayFiles, type Reader } from "../src/replay/replay-files.js";
import { SkippedRows } from "../src/usage/skipped-rows.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// LiteLLM spend logs on Floopy's card (ratecards/floopy.yaml): gpt-4o on openai costs 0.00025 cents an
// input token and 0.001 an output token, so a call of 1,000 prompt and 100 completion tokens costs
// 0.25 + 0.1 = 0.35 cents, and one of 1,000 prompt tokens alone 0.25.
const dir = mkdtempSync(join(tmpdir(), "map14b-"));
let made = 0;
function folder(): string {
  const path = join(dir, String(made++));
  mkdirSync(path);
  return path;
}
function account(zone: string): string {
  const path = join(folder(), "account.yaml");
  writeFileSync(path, [`card: ${join(ROOT, "ratecards/floopy.yaml")}`, "account: globex", "plan: pro", "anchor: 2026-11-01", `timezone: ${zone}`, "grants:", '  - { kind: purchase, amount: 5000, at: "2026-11-01T12:00:00Z" }', ""].join("\n"));
  return path;
}
const LITELLM = "request_id,spend,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,team_id";
function log(header: string, rows: readonly string[], mapping?: string): string {
  const file = join(folder(), "spend.csv");
  writeFileSync(file, `${header}\n${rows.join("\n")}\n`);
  if (mapping !== undefined) writeFileSync(`${file}.mapping.yaml`, mapping);
  return file;
}
const call = (id: string, at: string, tokens = "1000,100") => `${id},0.1,${tokens},${at},${at},gpt-4o,openai,`;
const ledger = (acct: string, file: string, more: string[] = []) => burnrate(["statement", "--account", acct, "--layout", "litellm", "--usage", file, "--ledger", "--format", "csv", ...more]);
const charges = (csv: string) => csv.trim().split("\n").filter((l) => l.includes(",charge,")).map((l) => `${l.split(",")[0]} ${l.split(",")[7]}`);
async function json(args: string[]) {
  const out = await burnrate(["statement", ...args, "--format", "json"]);
  expect(out.code).toBe(0);
  return { stderr: out.stderr, doc: JSON.parse(out.stdout) as { events: Record<string, number>; accounts: { cycles: { start: string; total: string; quota: { used: string } }[] }[] } };
}

describe("a layout's timestamps without an offset are read in the export's zone", () => {
  // New York: the cycles start at local midnight, 2026-11-01T04:00:00Z (EDT) and 2026-12-01T05:00:00Z (EST).
  const ny = account("America/New_York");
  const rows = [call("r1", "2026-11-15 02:00:00.000"), call("r2", "2026-12-01 02:00:00.000")];

  it("LiteLLM's startTime is UTC: 2026-12-01 02:00 is 30 November in New York, in the November cycle", async () => {
    const file = log(LITELLM, rows);
    const out = await ledger(ny, file);
    expect(out.code).toBe(0);
    expect(charges(out.stdout)).toEqual(["2026-11-15T02:00:00Z -0.35", "2026-12-01T02:00:00Z -0.35"]);
    const { doc } = await json(["--account", ny, "--layout", "litellm", "--usage", file]);
    const cycles = doc.accounts[0]!.cycles;
    expect(cycles.map((c) => [c.start, c.quota.used])).toEqual([["2026-11-01T04:00:00Z", "2"]]);
  });

  it("is the same whichever reader reads the log", async () => {
    const file = log(LITELLM, rows);
    const loaded = loadAccount(ny);
    const card = loadCardFor(undefined, loaded);
    const settings = resolveAccount(card, loaded, {});
    for (const reader of ["scanner", "plain", "csv-parse"] as Reader[]) {
      const statement = await replayFiles(card, settings, { files: [file], mappingFile: undefined, layout: "litellm", mapFlags: [] }, undefined, reader);
      expect([reader, statement.accounts[0]!.cycles.map((c) => c.start.valueOf())]).toEqual([reader, [Date.UTC(2026, 10, 1, 4)]]);
    }
  });

  it("a mapping's timestamp_zone: over the layout's UTC reads them in that zone: 02:00 in New York is 07:00Z, in December", async () => {
    const file = log(LITELLM, rows, "timestamp_zone: America/New_York\n");
    const out = await ledger(ny, file);
    expect(charges(out.stdout)).toEqual(["2026-11-15T07:00:00Z -0.35", "2026-12-01T07:00:00Z -0.35"]);
  });

  it("a timestamp with an offset is read by its offset, whatever the zone", async () => {
    const file = log(LITELLM, [call("r1", "2026-11-30T23:00:00-05:00")]);
    expect(charges((await ledger(ny, file)).stdout)).toEqual(["2026-12-01T04:00:00Z -0.35"]);
  });

  it("the canonical columns keep the account's zone for a timestamp without an offset", async () => {
    const file = log("timestamp,meter,model,provider,input_tokens,output_tokens", ["2026-12-01 02:00:00,request,gpt-4o,openai,1000,100"]);
    const out = await burnrate(["statement", "--account", ny, "--usage", file, "--ledger", "--format", "csv"]);
    expect(charges(out.stdout)).toEqual(["2026-12-01T07:00:00Z -0.35"]);
  });

  it("refuses a time zone it does not know, at the mapping's value", async () => {
    const file = log(LITELLM, rows, "# the export's clock\ntimestamp_zone: Mars/Olympus\n");
    const out = await ledger(ny, file);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${file}.mapping.yaml:2:17: unknown time zone (expected an IANA time zone name such as UTC or America/New_York, found "Mars/Olympus")\n`);
  });
});

describe("rows that are not usage: skip_rows:", () => {
  const utc = account("UTC");
  const header = `${LITELLM},status`;
  const failed = (id: string, at: string) => `${call(id, at, "1000,0")},failure`;
  const ok = (id: string, at: string) => `${call(id, at)},success`;
  const note = (file: string, rows: number, line: number) => `burnrate: note: ${rows} row${rows === 1 ? "" : "s"} of ${file} skipped as not usage by skip_rows: (status "failure"; the first at ${file}:${line}:10): neither charged nor counted toward a quota\n`;

  it("the litellm layout skips a failed call: not charged, not counted toward the quota, and said on stderr", async () => {
    const file = log(header, [ok("r1", "2026-11-15 02:00:00.000"), failed("r2", "2026-11-15 03:00:00.000"), failed("r3", "2026-11-15 04:00:00.000")]);
    const out = await ledger(utc, file);
    expect(out.code).toBe(0);
    expect(charges(out.stdout)).toEqual(["2026-11-15T02:00:00Z -0.35"]);
    expect(out.stderr).toBe(note(file, 2, 3));
    const { doc, stderr } = await json(["--account", utc, "--layout", "litellm", "--usage", file]);
    expect(stderr).toBe(note(file, 2, 3));
    expect(doc.events).toEqual({ read: 1, priced: 1, duplicates: 0, rejected: 0 });
    expect(doc.accounts[0]!.cycles.map((c) => [c.total, c.quota.used])).toEqual([["0.35", "1"]]);
  });

  it("diff replays the log twice and says its skipped rows once", async () => {
    const file = log(header, [ok("r1", "2026-11-15 02:00:00.000"), failed("r2", "2026-11-15 03:00:00.000")]);
    const card = join(ROOT, "ratecards/floopy.yaml");
    const out = await burnrate(["diff", "--base", card, "--card", card, "--account", utc, "--layout", "litellm", "--usage", file, "--format", "json"]);
    expect([out.code, out.stderr]).toEqual([0, note(file, 1, 3)]);
  });

  it("a skipped row's id is not seen: the retry under the same id is charged, not a duplicate", async () => {
    const file = log(header, [failed("r1", "2026-11-15 02:00:00.000"), ok("r1", "2026-11-15 02:00:05.000")]);
    const { doc, stderr } = await json(["--account", utc, "--layout", "litellm", "--usage", file]);
    expect(stderr).toBe(note(file, 1, 2));
    expect(doc.events).toEqual({ read: 1, priced: 1, duplicates: 0, rejected: 0 });
    expect(doc.accounts[0]!.cycles[0]!.total).toBe("0.35");
  });

  it("counts a file's skipped rows once however many readers read it", async () => {
    const file = log(header, [ok("r1", "2026-11-15 02:00:00.000"), failed("r2", "2026-11-15 03:00:00.000")]);
    const loaded = loadAccount(utc);
    const card = loadCardFor(undefined, loaded);
    const settings = resolveAccount(card, loaded, {});
    for (const reader of ["scanner", "plain", "csv-parse"] as Reader[]) {
      const skipped = new SkippedRows();
      const input = { files: [file], mappingFile: undefined, layout: "litellm", mapFlags: [], skipped };
      const statement = await replayFiles(card, settings, input, undefined, reader);
      expect([reader, statement.events.read, skipped.notes()]).toEqual([reader, 1, [note(file, 1, 3)]]);
    }
  });

  it("an empty list in a mapping skips nothing: the failed call is charged its 0.25", async () => {
    const file = log(header, [ok("r1", "2026-11-15 02:00:00.000"), failed("r2", "2026-11-15 03:00:00.000")], "skip_rows: { status: [] }\n");
    const { doc, stderr } = await json(["--account", utc, "--layout", "litellm", "--usage", file]);
    expect(stderr).toBe("");
    expect(doc.accounts[0]!.cycles.map((c) => [c.total, c.quota.used])).toEqual([["0.6", "2"]]);
  });

  it("a mapping skips rows by another column's values (Helicone's HTTP status)", async () => {
    const file = log("request_id,request_created_at,model,provider,prompt_tokens,completion_tokens,response_status", [
      "h1,2026-11-15 02:00:00,gpt-4o,openai,1000,100,200",
      "h2,2026-11-15 03:00:00,gpt-4o,openai,1000,0,500",
      "h3,2026-11-15 04:00:00,gpt-4o,openai,1000,0,429",
    ], "skip_rows:\n  response_status: [\"429\", \"500\"]\n");
    const { doc, stderr } = await json(["--account", utc, "--layout", "helicone", "--usage", file]);
    // Each value the rule skipped is named, not the first alone (newcomer, stop 43).
    expect(stderr).toBe(`burnrate: note: 2 rows of ${file} skipped as not usage by skip_rows: (response_status "500" or "429"; the first at ${file}:3:7): neither charged nor counted toward a quota\n`);
    expect(doc.accounts[0]!.cycles[0]!.total).toBe("0.35");
  });

  it("tells the rows each rule skipped apart: a layout's failed calls and a mapping's empty token counts (newcomer, stop 43)", async () => {
    // They were one note under the first row's reason: 40 rows without a token count told as failed calls.
    const file = log("request_id,request_created_at,model,provider,prompt_tokens,completion_tokens,response_status", [
      "h1,2026-11-15 02:00:00,gpt-4o,openai,1000,100,200",
      "h2,2026-11-15 03:00:00,gpt-4o,openai,1000,0,500",
      "h3,2026-11-15 04:00:00,gpt-4o,openai,1000,,200",
      "h4,2026-11-15 05:00:00,gpt-4o,openai,1000,0,500",
    ], "skip_rows:\n  response_status: [\"500\"]\n  completion_tokens: [\"\"]\n");
    const { doc, stderr } = await json(["--account", utc, "--layout", "helicone", "--usage", file]);
    expect(stderr).toBe(
      `burnrate: note: 2 rows of ${file} skipped as not usage by skip_rows: (response_status "500"; the first at ${file}:3:7): neither charged nor counted toward a quota\n` +
        `burnrate: note: 1 row of ${file} skipped as not usage by skip_rows: (completion_tokens ""; the first at ${file}:4:6): neither charged nor counted toward a quota\n`,
    );
    expect(doc.accounts[0]!.cycles[0]!.total).toBe("0.35");
  });

  it("counts skipped rows with thousands grouped, as every other count is", async () => {
    const rows = ["h0,2026-11-15 02:00:00,gpt-4o,openai,1000,100,200"];
    for (let i = 1; i <= 1200; i++) rows.push(`h${i},2026-11-15 03:00:00,gpt-4o,openai,1000,0,500`);
    const file = log("request_id,request_created_at,model,provider,prompt_tokens,completion_tokens,response_status", rows, "skip_rows:\n  response_status: [\"500\"]\n");
    const { doc, stderr } = await json(["--account", utc, "--layout", "helicone", "--usage", file]);
    expect(stderr).toBe(`burnrate: note: 1,200 rows of ${file} skipped as not usage by skip_rows: (response_status "500"; the first at ${file}:3:7): neither charged nor counted toward a quota\n`);
    expect(doc.accounts[0]!.cycles[0]!.total).toBe("0.35");
  });

  it("refuses a skip_rows: column the header lacks, at the mapping's key, with the header's near miss", async () => {
    const file = log(header, [ok("r1", "2026-11-15 02:00:00.000")], "skip_rows: { stauts: [failure] }\n");
    const out = await ledger(utc, file);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${file}.mapping.yaml:1:14: skip_rows: column "stauts" is not in the header of ${file}; did you mean "status"? (expected a column the header has, whose values mark the rows that are not usage, found ${header.split(",").map((h) => `"${h}"`).join(", ")})\n`);
  });

  it("says a block-style skip_rows: column at its key, not at its list", async () => {
    const file = log(header, [ok("r1", "2026-11-15 02:00:00.000")], "skip_rows:\n  # the export's status column\n  stauts:\n    - failure\n");
    const out = await ledger(utc, file);
    expect([out.code, out.stderr.startsWith(`burnrate: error: ${file}.mapping.yaml:3:3: skip_rows: column "stauts"`)]).toEqual([2, true]);
  });

  it("a LiteLLM export without status has nothing to skip", async () => {
    const file = log(LITELLM, [call("r1", "2026-11-15 02:00:00.000")]);
    const out = await ledger(utc, file);
    expect([out.code, out.stderr, charges(out.stdout)]).toEqual([0, "", ["2026-11-15T02:00:00Z -0.35"]]);
  });
});

describe("a release of a priced model gets the dimension_values entry that reads it", () => {
  const utc = account("UTC");
  const KEYS = 'one of gpt-4o, gpt-4o-mini, claude-sonnet-4, llama-3.1-70b, or a "*" entry in the card\'s price for any other';
  // The rows' way out while the card is priced (newcomer68 L2): skip_rows: naming the value.
  const aside = `, or a skip_rows: entry in the usage mapping, under the export's column of model, with this value, to leave its rows out meanwhile, neither charged nor counted`;
  const refused = (file: string, line: number, model: string, meant: string) =>
    `burnrate: error: ${file}:${line}:7: no input_tokens price for model "${model}" on meter "request"; did you mean "${meant}"? (expected ${KEYS}, or the export's value read as "${meant}": dimension_values: { model: { "${model}": "${meant}" } } in the usage mapping (--map value:model:${meant}=${model})${aside}, found "${model}")`;

  it("names the card's model after a date, a version and a provider's prefix", async () => {
    const file = log(LITELLM, [
      "r1,0.1,1000,100,2026-11-15 02:00:00,2026-11-15 02:00:00,gpt-4o-mini-2024-07-18,openai,",
      "r2,0.1,1000,100,2026-11-15 03:00:00,2026-11-15 03:00:00,claude-sonnet-4-20250514,anthropic,",
      "r3,0.1,1000,100,2026-11-15 04:00:00,2026-11-15 04:00:00,bedrock/anthropic.claude-sonnet-4-20250514-v1:0,bedrock,",
      "r4,0.1,1000,100,2026-11-15 05:00:00,2026-11-15 05:00:00,o3-mini,openai,",
      // Google's stable versions, as Vertex names them (newcomer55 L2).
      "r5,0.1,1000,100,2026-11-15 06:00:00,2026-11-15 06:00:00,gpt-4o-002,openai,",
    ]);
    const out = await ledger(utc, file);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe([
      refused(file, 2, "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
      refused(file, 3, "claude-sonnet-4-20250514", "claude-sonnet-4"),
      refused(file, 4, "bedrock/anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4"),
      `burnrate: error: ${file}:5:7: no input_tokens price for model "o3-mini" on meter "request" (expected ${KEYS}${aside}, found "o3-mini")`,
      refused(file, 6, "gpt-4o-002", "gpt-4o"),
      "",
    ].join("\n"));
  });

  it("names no model for another model's name: a word or a bare number after it is not a release", async () => {
    // Each of these is a model of its own; a mapping onto the card's would misprice it. (A name a
    // typo or two from the card's, claude-sonnet-4-5, is the typo hint's, which names no release.)
    const models = ["gpt-4o-realtime-preview-2024-12-17", "claude-sonnet-4-5-20250929", "gpt-4o-2024", "gpt-4o-search-preview", "llama-3.1-70b-instruct"];
    const file = log(LITELLM, models.map((m, i) => `r${i},0.1,1000,100,2026-11-15 0${i}:00:00,2026-11-15 0${i}:00:00,${m},openai,`));
    const out = await ledger(utc, file);
    expect(out.code).toBe(2);
    expect(out.stderr.trimEnd().split("\n")).toEqual(models.map((m, i) => `burnrate: error: ${file}:${i + 2}:7: no input_tokens price for model "${m}" on meter "request" (expected ${KEYS}${aside}, found "${m}")`));
  });

  it("never maps one in silence: the entries it names, given, price the rows", async () => {
    const file = log(LITELLM, ["r1,0.1,1000,100,2026-11-15 02:00:00,2026-11-15 02:00:00,bedrock/anthropic.claude-sonnet-4-20250514-v1:0,bedrock,"]);
    const out = await ledger(utc, file, ["--map", "value:model:claude-sonnet-4=bedrock/anthropic.claude-sonnet-4-20250514-v1:0"]);
    // 1,000 input tokens at 0.0003 and 100 output at 0.0015: 0.3 + 0.15.
    expect([out.code, charges(out.stdout)]).toEqual([0, ["2026-11-15T02:00:00Z -0.45"]]);
  });
});
