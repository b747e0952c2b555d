import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const LAYOUTS = join(ROOT, "fixtures/layouts");
const ACCOUNT = ["--account", join(LAYOUTS, "account.yaml")];
// The values OpenRouter writes, read as Floopy's card names them (the mapping beside the fixture).
const VALUES = readFileSync(join(LAYOUTS, "openrouter/generations.csv.mapping.yaml"), "utf8").split("\n").filter((l) => !l.startsWith("#")).join("\n");

function folder(mapping: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "burnrate-maplayout-")), "exports");
  mkdirSync(dir);
  copyFileSync(join(LAYOUTS, "openrouter/generations.csv"), join(dir, "generations.csv"));
  writeFileSync(join(dir, "burnrate.mapping.yaml"), mapping);
  return dir;
}

describe("a usage mapping's layout: key", () => {
  it("reads a folder of a gateway's exports as --layout does, without the flag", async () => {
    const dir = folder(`layout: openrouter\n${VALUES}`);
    const flagged = await burnrate(["statement", ...ACCOUNT, "--layout", "openrouter", "--usage", join(LAYOUTS, "openrouter/generations.csv"), "--format", "json"]);
    const mapped = await burnrate(["statement", ...ACCOUNT, "--usage", dir, "--format", "json"]);
    expect([mapped.code, mapped.stderr]).toEqual([0, ""]);
    expect(flagged.code).toBe(0);
    const cycles = (out: string) => JSON.stringify(JSON.parse(out).accounts.map((a: { cycles: unknown }) => a.cycles));
    expect(cycles(mapped.stdout)).toBe(cycles(flagged.stdout));
  });

  it("an unknown layout is refused at its value, naming the layouts", async () => {
    const dir = folder("layout: open-router\n");
    const r = await burnrate(["statement", ...ACCOUNT, "--usage", dir]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain(`${join(dir, "burnrate.mapping.yaml")}:1:9:`);
    expect(r.stderr).toContain("openrouter");
  });
});

describe("two layouts for one file (red team, stop 36)", () => {
  it("--layout and a mapping's layout: naming another are refused at the mapping's key", async () => {
    const dir = folder(`layout: openrouter\n${VALUES}`);
    const r = await burnrate(["statement", ...ACCOUNT, "--layout", "litellm", "--usage", dir]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(`burnrate: error: ${join(dir, "burnrate.mapping.yaml")}:1:9: a second layout for the same files: "openrouter" here, "litellm" by --layout (expected one layout: the mapping's layout: or --layout, naming the same one, found "openrouter")\n`);
  });

  it("the same layout both ways is read as one", async () => {
    const r = await burnrate(["statement", ...ACCOUNT, "--layout", "openrouter", "--usage", folder(`layout: openrouter\n${VALUES}`), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });
});

describe("a CSV report in a folder whose mapping names the timestamp column (red team, stop 36)", () => {
  it("is named as burnrate's report, not as a header without the mapping's column", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "burnrate-maplayout-")), "rep");
    mkdirSync(dir);
    writeFileSync(join(dir, "day1.csv"), "ts,meter,quantity,project\n2026-11-03T10:00:00Z,data_read,100,alpha\n");
    writeFileSync(join(dir, "burnrate.mapping.yaml"), "columns: { timestamp: ts }\n");
    const card = ["--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01"];
    const report = await burnrate(["statement", ...card, "--usage", join(dir, "day1.csv"), "--mapping", join(dir, "burnrate.mapping.yaml"), "--format", "csv"]);
    writeFileSync(join(dir, "november.csv"), report.stdout);
    const r = await burnrate(["statement", ...card, "--usage", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: ${join(dir, "november.csv")}:1:1: a CSV report burnrate wrote, read as usage: it has no timestamp of its own (expected usage: the report moved out of the usage folder (a folder's mapping reads every CSV in it as usage), or written elsewhere with -o, found a report's header)\n`);
  });
});

describe("a file's mapping naming its folder's layout again (red65 M2)", () => {
  it("keeps the folder's keys over the layout's: the folder's account column is read", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "burnrate-maplayout-")), "lago");
    mkdirSync(dir);
    // Two Lago events: the customer id names acme (the account file's own) and beta; the subscription ids, which
    // Lago's layout reads as the account, name neither. Folder: the customer id is the account.
    const event = (id: string, customer: string, sub: string, at: number) =>
      JSON.stringify({ lago_id: id, lago_customer_id: customer, transaction_id: id, external_subscription_id: sub, code: "request", timestamp: at, properties: { model: "gpt-4o-mini", provider: "openai", input_tokens: 1000, output_tokens: 200 } });
    writeFileSync(join(dir, "ev.jsonl"), `${event("t1", "acme", "sub-1", 1793613600)}\n${event("t2", "beta", "sub-2", 1793700000)}\n`);
    writeFileSync(join(dir, "burnrate.mapping.yaml"), "layout: lago\ncolumns:\n  account: lago_customer_id\nignore_columns: [external_subscription_id]\n");
    writeFileSync(join(dir, "ev.jsonl.mapping.yaml"), "layout: lago\ntimestamp_zone: UTC\n");
    const r = await burnrate(["statement", ...ACCOUNT, "--usage", dir, "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).accounts.map((a: { account: string }) => a.account)).toEqual(["acme", "beta"]);
  });
});

// red66: laid under every layer, a file mapping's layout: lay under its folder's keys too where the folder names none:
// a folder's meter:, skip_rows: or timestamp_zone:, written for its other exports, read a LiteLLM file in silence.
describe("a file's mapping naming a layout its folder's mapping does not (red66)", () => {
  // The fixture's requests, and one LiteLLM writes in UTC without an offset two hours before December (the next cycle in New York's time).
  const spend = join(mkdtempSync(join(tmpdir(), "burnrate-maplayout-")), "spend.csv");
  writeFileSync(spend, `${readFileSync(join(LAYOUTS, "litellm/spend-logs.csv"), "utf8")}r-5,acompletion,hashed-key,0.001,1200,1000,200,2026-11-30 22:00:00.000,2026-11-30 22:00:01.000,gpt-4o,gpt-4o,openai,u-1,,,success\n`);
  const statementOf = async (folderMapping: string) => {
    const dir = join(mkdtempSync(join(tmpdir(), "burnrate-maplayout-")), "exports");
    mkdirSync(dir);
    copyFileSync(spend, join(dir, "spend.csv"));
    writeFileSync(join(dir, "burnrate.mapping.yaml"), folderMapping);
    writeFileSync(join(dir, "spend.csv.mapping.yaml"), "layout: litellm\n");
    const r = await burnrate(["statement", ...ACCOUNT, "--usage", dir, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const reference = async () => {
    const r = await burnrate(["statement", ...ACCOUNT, "--layout", "litellm", "--usage", spend, "--format", "json"]);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };
  const lines = (s: { accounts: { cycles: { start: string; lines: { meter: string; component?: string; quantity: string }[] }[] }[] }) =>
    s.accounts.flatMap((a) => a.cycles.map((c) => [c.start, c.lines.map((l) => [l.meter, l.component ?? null, l.quantity])]));

  it("reads it by the layout over the folder's keys, as --layout reads the file alone", async () => {
    const expected = lines(await reference());
    for (const folderMapping of ["meter: playground\n", "skip_rows: { status: [error] }\n", "timestamp_zone: America/New_York\n"]) {
      expect(lines(await statementOf(folderMapping)), folderMapping).toEqual(expected);
    }
  });
});

// red66b H1, red66c H1: a layout named by --mapping lay over the file's own mapping (its skip_rows: and timestamp_zone:
// lost in silence), or, where the file's own mapping named it too, under the folder's keys no more: both --layout and
// --mapping are run-wide, and their layout lies under every mapping.
describe("a layout named by --mapping", () => {
  const KEYS = "skip_rows: { status: [failure, error] }\ntimestamp_zone: America/New_York\n";
  for (const [why, mappings] of [
    ["the file's own mapping's keys", { "spend.csv.mapping.yaml": KEYS }],
    ["the folder's keys, where the file's own mapping names the layout too", { "burnrate.mapping.yaml": KEYS, "spend.csv.mapping.yaml": "layout: litellm\n" }],
  ] as const) {
    it(`lies under ${why}, as --layout's does`, async () => {
      const dir = join(mkdtempSync(join(tmpdir(), "burnrate-maplayout-")), "exports");
      mkdirSync(dir);
      writeFileSync(join(dir, "spend.csv"), `${readFileSync(join(LAYOUTS, "litellm/spend-logs.csv"), "utf8")}r-5,acompletion,hashed-key,0.001,1200,1000,200,2026-11-30 22:00:00.000,2026-11-30 22:00:01.000,gpt-4o,gpt-4o,openai,u-1,,,error\n`);
      for (const [name, text] of Object.entries(mappings)) writeFileSync(join(dir, name), text);
      const run = join(dir, "..", "lite.yaml");
      writeFileSync(run, "layout: litellm\n");
      const flagged = await burnrate(["statement", ...ACCOUNT, "--layout", "litellm", "--usage", dir, "--format", "json"]);
      const mapped = await burnrate(["statement", ...ACCOUNT, "--mapping", run, "--usage", dir, "--format", "json"]);
      expect([mapped.code, flagged.code]).toEqual([0, 0]);
      expect(mapped.stdout).toBe(flagged.stdout);
      expect(mapped.stderr).toBe(flagged.stderr);
      // Both rows skip_rows: names were skipped: r-4 (failure) and r-5 (error).
      expect(flagged.stderr).toContain("2 rows of");
    });
  }
});
