import { mkdtempSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Zone } from "../src/time.js";
import { usageLayout } from "../src/usage/layouts.js";
import { withFlags } from "../src/usage/mapping.js";
import { readUsageInTurn } from "../src/usage/read.js";
import { plainGivesUp } from "../src/usage/plain-csv.js";
import { replayFiles } from "../src/replay/replay-files.js";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { screenOnce } from "../src/usage/screen-reuse.js";
import { burnrate, ROOT } from "./helpers/cli.js";
import { collect } from "./helpers/reader-outcomes.js";

// newcomer57 M1: reconcile of a LiteLLM month with a difference on the bill took 20.8 s where the clean bill took 6.2 s.
// Its second reading of the log (repeats, boundary events, skipped rows) gave the quoted `metadata` JSON to csv-parse
// (14.1 s), and the event ids' first pass was made again by every reading (1.5 s each).
const dir = mkdtempSync(join(tmpdir(), "rec60-"));
const card = loadCardFor(join(ROOT, "ratecards/floopy.yaml"), undefined);
const HEADER = "request_id,spend,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,team_alias,team_id,metadata,request_tags,status";
const metadata = (i: number) => `"{""user_api_key_alias"": ""key-${i}"", ""tags"": [""a"", ""b,c""], ""note"": ""said \\""hi\\""""}"`;
const stamp = (i: number) => new Date(Date.UTC(2026, 10, 2) + i * 60_000).toISOString();
/** Row i: team "core" by its alias, or where the alias is empty by its id, quoted whole ("t-9"), as Postgres may write it. */
const row = (i: number) => `r-${i},0.1,1000,100,${stamp(i)},${stamp(i)},gpt-4o,openai,${i % 4 === 0 ? "" : "core"},${i % 4 === 0 ? '"t-9"' : "t-1"},${metadata(i)},"[]",${i % 50 === 7 ? "failure" : "success"}`;
const log = join(dir, "spend.csv");
writeFileSync(log, `${HEADER}\n${Array.from({ length: 400 }, (_, i) => row(i)).join("\n")}\n`);
const options = (plain: boolean) => ({ plain, card, zone: Zone.of("UTC")!, defaultAccount: "globex", mappingFor: () => withFlags(usageLayout("litellm"), ["ignore:request_tags"]) });

describe("the plain reader on a gateway's quoted JSON columns (newcomer57 M1)", () => {
  it("reads the log itself, not giving it to csv-parse, and reads every row as csv-parse does", async () => {
    const plain = await collect(readUsageInTurn([log], options(true)));
    expect(plain).not.toBe("gave up");
    expect(plain).toEqual(await collect(readUsageInTurn([log], options(false))));
    // 400 rows, 8 of them failed calls (i % 50 === 7) left out by the layout's skip_rows.
    expect((plain as unknown[]).length).toBe(392);
  });

  it("reads a fallback's column, which no layout index names, where the preferred cell is empty: team t-9 by its quoted id", async () => {
    const events = (await collect(readUsageInTurn([log], options(true)))) as { dimensions: Record<string, string> }[];
    // Rows 0, 4, 8, ... have no alias: 100 rows, none of them a failed call (7 + 50k is odd).
    expect(events.filter((e) => e.dimensions.team === "t-9")).toHaveLength(100);
    expect(events.filter((e) => e.dimensions.team === "core")).toHaveLength(292);
  });
});

describe("the event ids' first pass, made once for a log read more than once (newcomer57 M1)", () => {
  const screenOptions = { card, mappingFor: () => withFlags(usageLayout("litellm"), ["ignore:request_tags"]), stdinCopy: undefined, here: true };

  it("is kept for the same files while they are as they were, and made again once one is written again", async () => {
    const file = join(dir, "ids.csv");
    writeFileSync(file, `${HEADER}\n${[row(1), row(2), row(1)].join("\n")}\n`);
    const files = [file];
    const first = await screenOnce(files, screenOptions);
    // r-1 is on two rows: its key repeats.
    expect(first?.repeated.length).toBe(1);
    expect(await screenOnce(files, screenOptions)).toBe(first);
    // The same names in another array are another input: read again, and found alike.
    const other = await screenOnce([file], screenOptions);
    expect(other).not.toBe(first);
    expect(other?.repeated).toEqual(first?.repeated);
    // Written again with no id repeated, the same size and a later time of change: not the pass kept.
    writeFileSync(file, `${HEADER}\n${[row(1), row(2), row(3)].join("\n")}\n`);
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const again = await screenOnce(files, screenOptions);
    expect(again).not.toBe(first);
    expect(again?.repeated.length).toBe(0);
  });

  it("is made again for a file written again at the same size with its time of change put back (red60 F3)", async () => {
    // r-1, r-2, r-1 then r-1, r-2, r-3: the same size. cp -p or touch -r keeps the mtime; the inode's time still moves.
    const file = join(dir, "kept-time.csv");
    writeFileSync(file, `${HEADER}\n${[row(1), row(2), row(1)].join("\n")}\n`);
    // A whole second, as a file system of whole seconds keeps it, so that it can be put back exactly.
    const second = Math.floor(Date.now() / 1000) - 60;
    utimesSync(file, second, second);
    const files = [file];
    const first = await screenOnce(files, screenOptions);
    expect(first?.repeated.length).toBe(1);
    const size = statSync(file).size;
    writeFileSync(file, `${HEADER}\n${[row(1), row(2), row(3)].join("\n")}\n`);
    utimesSync(file, second, second);
    expect([statSync(file).size, statSync(file).mtimeMs]).toEqual([size, second * 1000]);
    const again = await screenOnce(files, screenOptions);
    expect(again?.repeated.length).toBe(0);
  });
});

describe("reconcile of a quoted gateway log with a difference on the bill, through the binary", () => {
  it("finds what the same log without its JSON columns gives", async () => {
    const account = join(dir, "account.yaml");
    writeFileSync(account, [`card: ${join(ROOT, "ratecards/floopy.yaml")}`, "account: globex", "plan: pro", "anchor: 2026-11-01", "timezone: UTC", "grants:", '  - { kind: purchase, amount: 500000, at: "2026-11-01T00:00:00Z" }', ""].join("\n"));
    // Floopy's pro plan: 392 calls of 1,000 input and 100 output gpt-4o tokens, 0.35 cents each: 137.2 cents, billed 150.
    const bill = join(dir, "bill.csv");
    writeFileSync(bill, "period_start,activity,quantity,amount\n2026-11-01,request,392,150\n");
    const bare = join(dir, "bare.csv");
    const strip = (line: string) => line.replace(/,"\{.*\}","\[\]",/, ",,,").replace(',metadata,request_tags,', ",metadata,request_tags,");
    writeFileSync(bare, `${HEADER}\n${Array.from({ length: 400 }, (_, i) => strip(row(i))).join("\n")}\n`);
    const runs = await Promise.all([log, bare].map((usage) => burnrate(["reconcile", "--account", account, "--layout", "litellm", "--map", "ignore:request_tags", "--usage", usage, "--bill", bill, "--format", "json"])));
    for (const out of runs) expect([out.code, out.stderr.includes("need attention")]).toEqual([1, true]);
    const [quoted, plain] = runs.map((out) => out.stdout.replaceAll(log, "LOG").replaceAll(bare, "LOG"));
    expect(quoted).toBe(plain);
    const lines = (JSON.parse(quoted!) as { lines: { meter: string; computed_amount: string | null }[] }).lines;
    expect(lines.filter((l) => l.meter === "request").map((l) => l.computed_amount)).toEqual(["137.2"]);
  });
});

describe("a quote only csv-parse reads, late in a quoted log (red60 F2)", () => {
  // The log's last row quotes a team alias over two lines ("core<newline>EU"), which only csv-parse reads: the plain
  // reader strips every row before it and gives up there. It is not asked again for the same input. (A comma in it,
  // as this test had, and a doubled quote, the row scanner now reads: QuotedCells.commaColumns.)
  it("leaves the input to csv-parse once the plain reader or the row scanner gave up at it, the statement csv-parse's", async () => {
    const account = join(dir, "late-account.yaml");
    writeFileSync(account, [`card: ${join(ROOT, "ratecards/floopy.yaml")}`, "account: globex", "plan: pro", "anchor: 2026-11-01", "timezone: UTC", "grants:", '  - { kind: purchase, amount: 500000, at: "2026-11-01T00:00:00Z" }', ""].join("\n"));
    const loaded = loadAccount(account);
    const floopy = loadCardFor(undefined, loaded);
    const settings = resolveAccount(floopy, loaded, {});
    const statementOf = async (file: string, reader: "scanner" | "csv-parse") => JSON.stringify(await replayFiles(floopy, settings, { files: [file], layout: "litellm", mappingFile: undefined, mapFlags: ["ignore:request_tags"] }, undefined, reader).catch((e: Error) => e.message));
    // With team_id (a fallback of team_alias: the plain reader's), and without it (the row scanner's first).
    for (const fallback of [true, false]) {
      const header = fallback ? HEADER : HEADER.replace(",team_id", "");
      const rows = Array.from({ length: 200 }, (_, i) => (fallback ? row(i) : row(i).replace(/,("t-9"|t-1),/, ",")));
      rows[199] = rows[199]!.replace(/,(core|),("t-9"|t-1|"\{)/, (_m, _a, b) => `,"core\nEU",${b}`);
      expect(rows[199]).toContain('"core\nEU"');
      const file = join(dir, `late-${fallback}.csv`);
      writeFileSync(file, `${header}\n${rows.join("\n")}\n`);
      const files = [file];
      expect(plainGivesUp(files)).toBe(false);
      const first = await replayFiles(floopy, settings, { files, layout: "litellm", mappingFile: undefined, mapFlags: ["ignore:request_tags"] });
      expect(plainGivesUp(files)).toBe(true);
      expect(JSON.stringify(first)).toBe(await statementOf(file, "csv-parse"));
    }
  });
});

