import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { statementJson } from "../src/render/statement/json.js";
import { NeedsFullParser } from "../src/usage/plain-csv.js";
import { mappingResolver, replayFiles, type Reader } from "../src/replay/replay-files.js";
import { scanUsage } from "../src/usage/scanned-events.js";
import { ROOT } from "./helpers/cli.js";

/** Every bundled account beside the usage logs of its folder (bills and ledgers are not usage). */
function fixtures(): [string, string][] {
  const pairs: [string, string][] = [];
  const walk = (dir: string) => {
    const names = readdirSync(join(ROOT, dir), { withFileTypes: true });
    const accounts = names.filter((n) => n.isFile() && /^account.*\.yaml$/.test(n.name)).map((n) => join(dir, n.name));
    const logs = names.filter((n) => n.isFile() && n.name.endsWith(".csv") && !/^(bill|ledger)/.test(n.name)).map((n) => join(dir, n.name));
    for (const a of accounts) for (const l of logs) pairs.push([a, l]);
    for (const n of names) if (n.isDirectory()) walk(join(dir, n.name));
  };
  walk("fixtures");
  return pairs;
}

describe("the row scanner and the plain reader against csv-parse on every fixture", () => {
  const pairs = fixtures();

  it("finds the bundled fixtures", () => {
    expect(pairs.length).toBeGreaterThanOrEqual(15);
  });

  // Some logs are meant for another anchor (the tests that use them give it): then both paths must refuse them alike.
  it.each(pairs)("%s with %s: the same statement byte for byte, or the same error", async (accountFile, usage) => {
    const account = loadAccount(join(ROOT, accountFile));
    const card = loadCardFor(undefined, account);
    const settings = resolveAccount(card, account, {});
    const input = { files: [join(ROOT, usage)], mappingFile: undefined, mapFlags: [] };
    const outcome = (reader: Reader) =>
      replayFiles(card, settings, input, undefined, reader).then(
        (s) => JSON.stringify(statementJson(s)),
        (e: Error) => `error: ${e.message}`,
      );
    const slow = await outcome("csv-parse");
    expect(await outcome("plain")).toBe(slow);
    expect(await outcome("scanner")).toBe(slow);
  });

  // The comparison above holds trivially for a scanner that always gives up: most fixtures must be read by it.
  it("the scanner reads most fixtures itself", async () => {
    let read = 0;
    for (const [accountFile, usage] of pairs) {
      const account = loadAccount(join(ROOT, accountFile));
      const card = loadCardFor(undefined, account);
      const settings = resolveAccount(card, account, {});
      const events = scanUsage([join(ROOT, usage)], { card, zone: settings.zone, defaultAccount: settings.name, mappingFor: mappingResolver({ files: [], mappingFile: undefined, mapFlags: [] }) });
      try {
        for await (const batch of events) void batch;
        read++;
      } catch (e) {
        if (!(e instanceof NeedsFullParser)) throw e;
      }
    }
    expect(read).toBeGreaterThanOrEqual(pairs.length * 0.6);
  });
});

describe("the three readers with card versions", () => {
  // The later version adds web_summary: every reader takes it, and the replay refuses the row before the switch alike.
  const dir = mkdtempSync(join(tmpdir(), "burnrate-reader-versions-"));
  const original = readFileSync(join(ROOT, "ratecards", "appbuilder.yaml"), "utf8");
  const summary = '  web_summary:\n    description: Summarise a web page\n    aggregation: flow\n    dimensions: [app, creator]\n    category: in_app\n    pool: ai\n    price: "12"\n\n  image:\n';
  writeFileSync(join(dir, "next.yaml"), original.replace('version: "2026-11"', 'version: "2026-11b"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace("  image:\n", summary));
  writeFileSync(join(dir, "account.yaml"), "plan: standard\nanchor: 2026-11-01\n");
  const header = "timestamp,meter,quantity,app,creator";
  writeFileSync(join(dir, "after.csv"), [header, "2026-11-10T10:00:00Z,web_extraction,1,a,me", "2026-11-20T10:00:00Z,web_summary,2,a,me"].join("\n") + "\n");
  writeFileSync(join(dir, "before.csv"), [header, "2026-11-10T10:00:00Z,web_summary,1,a,me"].join("\n") + "\n");

  it.each(["after.csv", "before.csv"])("%s: the same statement byte for byte, or the same error", async (usage) => {
    const account = loadAccount(join(dir, "account.yaml"));
    const card = loadCardFor([join(ROOT, "ratecards", "appbuilder.yaml"), join(dir, "next.yaml")], account);
    const settings = resolveAccount(card, account, {});
    const input = { files: [join(dir, usage)], mappingFile: undefined, mapFlags: [] };
    const outcome = (reader: Reader) =>
      replayFiles(card, settings, input, undefined, reader).then(
        (s) => JSON.stringify(statementJson(s)),
        (e: Error) => `error: ${e.message}`,
      );
    const slow = await outcome("csv-parse");
    expect(slow).toContain(usage === "after.csv" ? '"web_summary"' : 'is not in card version "2026-11"');
    expect(await outcome("plain")).toBe(slow);
    expect(await outcome("scanner")).toBe(slow);
  });
});
