import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { isRows, rowEvents, type ShapedRows } from "../src/engine/rows.js";
import type { UsageEvent } from "../src/engine/types.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { statementJson } from "../src/render/statement/json.js";
import { mappingResolver, replayFiles, type Reader } from "../src/replay/replay-files.js";
import { NeedsFullParser } from "../src/usage/plain-csv.js";
import { readUsageFile } from "../src/usage/read.js";
import { sortRows } from "../src/usage/row-sort.js";
import { scanUsage } from "../src/usage/scanned-events.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// A gateway log prices tokens per row through the meter's components: the row
// scanner reads the component columns as a row's quantities and the engine
// prices them in integers, and the statement must be the plain reader's, byte
// for byte, or the scanner must give up.
const dir = mkdtempSync(join(tmpdir(), "burnrate-tokens9-"));
const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
// A meter without components beside the gateway's: its rows' token cells must be empty for the scanner.
const ping = '  ping:\n    description: A health check\n    aggregation: flow\n    dimensions: [model]\n    category: gateway\n    pool: credits\n    price: "0.5"\n\n  playground:\n';
writeFileSync(join(dir, "card.yaml"), floopy.replace("  playground:\n", ping));
// Per-event rounding to a whole cent: an event's amount is rounded once, row by row (Decimal, priceEvent).
writeFileSync(join(dir, "rounded.yaml"), floopy.replace("  round_at: none", "  round_at: event\n  step: \"1\""));
const account = (card: string, extra = "") =>
  `card: ${join(dir, card)}\naccount: acme\nplan: enterprise\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  bolt: { plan: enterprise }\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z", account: bolt }\n${extra}`;
writeFileSync(join(dir, "account.yaml"), account("card.yaml"));
writeFileSync(join(dir, "rounded-account.yaml"), account("rounded.yaml"));
const MAPPING = "columns:\n  timestamp: created_at\n  account: org\n  meter: kind\n  quantity: requests\n  event_id: request_id\nrename:\n  prompt_tokens: input_tokens\n  completion_tokens: output_tokens\n";
const HEADER = "created_at,org,kind,model,provider,prompt_tokens,completion_tokens,requests,request_id";

let logs = 0;
/** A log of these rows (after the header), with the gateway's mapping beside it. */
function log(rows: readonly string[]): string {
  const file = join(dir, `log${logs++}.csv`);
  writeFileSync(file, [HEADER, ...rows].join("\n") + "\n");
  writeFileSync(`${file}.mapping.yaml`, MAPPING);
  return file;
}

function setup(accountFile = "account.yaml") {
  const loaded = loadAccount(join(dir, accountFile));
  const card = loadCardFor(undefined, loaded);
  return { card, settings: resolveAccount(card, loaded, {}) };
}

async function statement(file: string, reader: Reader, accountFile = "account.yaml", maxLateness?: number): Promise<string> {
  const { card, settings } = setup(accountFile);
  return replayFiles(card, settings, { files: [file], mappingFile: undefined, mapFlags: [], maxLateness }, undefined, reader).then(
    (s) => JSON.stringify(statementJson(s)),
    (e: Error) => `error: ${e.message}`,
  );
}

/** Whether the scanner reads the whole file itself. */
async function scans(file: string, accountFile = "account.yaml"): Promise<boolean> {
  const { card, settings } = setup(accountFile);
  try {
    for await (const batch of scanUsage([file], { card, zone: settings.zone, defaultAccount: settings.name, mappingFor: mappingResolver({ files: [], mappingFile: undefined, mapFlags: [] }) })) void batch;
    return true;
  } catch (e) {
    if (e instanceof NeedsFullParser) return false;
    throw e;
  }
}

/** The same statement (or error) through the scanner, the plain reader and csv-parse. */
async function sameOnEveryPath(file: string, accountFile = "account.yaml", maxLateness?: number): Promise<string> {
  const slow = await statement(file, "csv-parse", accountFile, maxLateness);
  expect(await statement(file, "plain", accountFile, maxLateness)).toBe(slow);
  expect(await statement(file, "scanner", accountFile, maxLateness)).toBe(slow);
  return slow;
}

const at = (minute: number) => `2026-11-02T10:${String(minute).padStart(2, "0")}:00Z`;

describe("a gateway log's tokens through the row scanner", () => {
  it("prices each component's tokens at its model's and provider's price, as worked out by hand", async () => {
    const file = log([`${at(0)},acme,request,gpt-4o,openai,1000,200,1,r-1`, `${at(1)},acme,request,gpt-4o,azure,400,100,1,r-2`, `${at(2)},acme,request,gpt-4o,openai,3000,0,1,r-3`]);
    expect(await scans(file)).toBe(true);
    const json = JSON.parse(await sameOnEveryPath(file));
    const lines = json.accounts[0].cycles[0].lines.map((l: { component?: string; dimensions: { provider: string }; quantity: string; amount: string; events: number }) => [l.component ?? "", l.dimensions.provider, l.quantity, l.amount, l.events]);
    // openai input: (1000 + 3000) x 0.00025 = 1; output: 200 x 0.001 = 0.2, one event (the row of 0 output tokens makes no line event).
    // azure input: 400 x 0.000275 = 0.11; output: 100 x 0.0011 = 0.11.
    // The statement lists lines by their values, azure before openai.
    expect(lines).toEqual([
      ["", "azure", "1", "0", 1],
      ["input_tokens", "azure", "400", "0.11", 1],
      ["output_tokens", "azure", "100", "0.11", 1],
      ["", "openai", "2", "0", 2],
      ["input_tokens", "openai", "4000", "1", 2],
      ["output_tokens", "openai", "200", "0.2", 1],
    ]);
    expect(json.accounts[0].cycles[0].total).toBe("1.42");
  });

  it("reads decimals, spaces and zeros as the plain reader does, and rows of a meter without components", async () => {
    const file = log([
      `${at(0)},acme,request,gpt-4o,openai,12.5,0.000001,2,r-1`,
      `${at(1)},acme,request,gpt-4o-mini,azure, 7,007,,r-2`,
      `${at(2)},bolt,request,gpt-4o-mini,azure,0,0,1,r-3`,
      `${at(3)},bolt,ping,gpt-4o,,,,3,r-4`,
      `${at(3)},acme,request,llama-3.1-70b,groq,5.50,1.0,1,r-5`,
    ]);
    expect(await scans(file)).toBe(true);
    await sameOnEveryPath(file);
  });

  it("gives up where the plain reader refuses or reads a cell otherwise, with the same statement or error", async () => {
    const cases = [
      `${at(0)},acme,request,gpt-4o,openai,,200,1,r-1`,
      `${at(0)},acme,request,gpt-4o,openai, ,200,1,r-1`,
      `${at(0)},acme,request,gpt-4o,openai,12x,200,1,r-1`,
      `${at(0)},acme,request,gpt-4o,openai,-0,200,1,r-1`,
      `${at(0)},acme,request,gpt-4o,openai,-5,200,1,r-1`,
      `${at(0)},acme,request,gpt-4o,openai,1e3,200,1,r-1`,
      // A ping row's token cell is a dimension to the plain reader.
      `${at(0)},acme,ping,gpt-4o,,5,,1,r-1`,
    ];
    for (const row of cases) {
      const file = log([`${at(0)},acme,request,gpt-4o,openai,10,20,1,r-0`, row]);
      expect(await scans(file), row).toBe(false);
      await sameOnEveryPath(file);
    }
  });

  it("puts late rows back in order within --max-lateness, sorts them past it, and counts repeated ids once", async () => {
    const rows = [
      `${at(5)},acme,request,gpt-4o,openai,1000,200,1,r-1`,
      `${at(6)},bolt,request,gpt-4o,azure,400,100,1,r-2`,
      `${at(1)},acme,request,claude-sonnet-4,bedrock,3,4.5,1,r-3`,
      `${at(7)},acme,request,gpt-4o,openai,1000,200,1,r-1`,
      `${at(2)},bolt,request,gpt-4o-mini,openai,0,9,1,r-4`,
      `${at(8)},acme,request,gpt-4o,openai,77,0,1,r-5`,
    ];
    const file = log(rows);
    expect(await scans(file)).toBe(true);
    const held = await sameOnEveryPath(file);
    // Ten minutes allowed: the rows five minutes late are put back in order; one minute is not enough, and the log is sorted.
    expect(await sameOnEveryPath(file, "account.yaml", 10 * 60_000)).toBe(held);
    expect(await sameOnEveryPath(file, "account.yaml", 60_000)).toBe(held);
    expect(JSON.parse(held).events).toEqual({ read: 6, priced: 5, duplicates: 1, rejected: 0 });
  });

  it("rounds each event's amount once, per event, where the card says so", async () => {
    const file = log([`${at(0)},acme,request,gpt-4o,openai,1000,300,1,r-1`, `${at(1)},acme,request,gpt-4o,openai,1000,300,1,r-2`]);
    const json = JSON.parse(await sameOnEveryPath(file, "rounded-account.yaml"));
    // A request costs 0 + input 1000 x 0.00025 = 0.25 + output 300 x 0.001 = 0.3, so 0.55, rounded half-even to
    // the step of 1: 1 a request, 2 for the two. (Rounding each component on its own would give 0 + 0 = 0;
    // unrounded the two rows would be 1.1.)
    const cycle = json.accounts[0].cycles[0];
    expect(cycle.total).toBe("2");
    // Each component's line shows its amount at the step (0.5 and 0.6 over the two rows, 0 and 0 a row), the request's own line the rest.
    const amounts = Object.fromEntries(cycle.lines.map((l: { component?: string; amount: string }) => [l.component ?? "request", l.amount]));
    expect(amounts).toEqual({ request: "2", input_tokens: "0", output_tokens: "0" });
  });

  it("keeps components through the sort in runs on disk", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${at(40 - i)},${i % 3 === 0 ? "bolt" : "acme"},request,gpt-4o,${i % 2 === 0 ? "openai" : "azure"},${i * 10},${i % 5 === 0 ? "2.5" : i},1,r-${i}`);
    const file = log(rows);
    const { card, settings } = setup();
    const options = { card, zone: settings.zone, defaultAccount: settings.name, mappingFor: mappingResolver({ files: [], mappingFile: undefined, mapFlags: [] }) };
    const seen = (e: UsageEvent) => [e.at, e.account, e.quantity.toFixed(), Object.entries(e.components ?? {}).map(([k, v]) => `${k}=${v.toFixed()}`), e.origin.line];
    const sorted: unknown[] = [];
    for await (const batch of sortRows(scanUsage([file], options) as AsyncIterable<ShapedRows>, 7)) for (const e of rowEvents(batch)) sorted.push(seen(e));
    const plain: UsageEvent[] = [];
    for await (const batch of readUsageFile(file, { ...options, plain: true })) for (const e of isRows(batch) ? [] : batch) plain.push(e);
    expect(sorted).toEqual(plain.sort((a, b) => a.at - b.at).map(seen));
  });

  it("names the file, line and column of a malformed component cell", async () => {
    const file = log([`${at(0)},acme,request,gpt-4o,openai,10,20,1,r-0`, `${at(1)},acme,request,gpt-4o,openai,10,2o,1,r-1`]);
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", file, "--format", "json"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`${file}:3:7`);
    // The log's own column, renamed by its mapping, and the component the card reads it as (newcomer, stop 40).
    expect(run.stderr).toContain('"completion_tokens" (read as output_tokens) is not a quantity');
  });
});
