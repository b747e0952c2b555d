import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { filesWithBytes } from "../src/usage/sources.js";
import { burnrate } from "./helpers/cli.js";
import { DAILY_ACCOUNT, DAILY_HEADER, dailyRow, folderMaker, scannedModels } from "./helpers/gateway-logs.js";

// Floopy prices gpt-4o on openai at 0.00025 cents an input token and 0.001 an output token:
// a request of 1,000 in and 200 out is 0.25 + 0.2 = 0.45 cents.
const ACCOUNT = DAILY_ACCOUNT;
const HEADER = DAILY_HEADER;
const row = dailyRow;
const folder = folderMaker("map14-gzip-");

describe("a gzip of nothing is an empty file, as a 0-byte one is", () => {
  // `printf '' | gzip` writes 20 bytes; `gzip` of an empty named file stores the name too.
  const named = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]), Buffer.from("2026-11-03.csv\0"), gzipSync("").subarray(10)]);

  it("is left out of the row scanner's files, as a 0-byte file is, and a gzip of one byte is not", () => {
    const daily = folder({ "a.csv": `${HEADER}\n${row(2)}\n`, "b.csv.gz": gzipSync(""), "c.csv.gz": named, "d.csv.gz": gzipSync("\n"), "e.csv.gz": gzipSync("").subarray(0, 12) });
    const files = ["a.csv", "b.csv.gz", "c.csv.gz", "d.csv.gz", "e.csv.gz"].map((f) => join(daily, f));
    // d holds a line ending, and e is a cut gzip the reader must report: both stay.
    expect(filesWithBytes(files)).toEqual([files[0], files[3], files[4]]);
  });

  it("leaves the day to the row scanner, which reads the other days itself rather than giving the run up", async () => {
    const daily = folder({ "2026-11-02.csv": `${HEADER}\n${row(2)}\n`, "2026-11-03.csv.gz": gzipSync(""), "2026-11-04.csv": `${HEADER}\n${row(4)}\n` });
    const files = ["2026-11-02.csv", "2026-11-03.csv.gz", "2026-11-04.csv"].map((f) => join(daily, f));
    // A NeedsFullParser here (the scanner giving the run up to the plain reader) fails the test.
    expect(await scannedModels(files, ACCOUNT)).toEqual(["gpt-4o", "gpt-4o"]);
  });

  it("gives no usage among several files, through the CLI", async () => {
    const daily = folder({ "2026-11-02.csv": `${HEADER}\n${row(2)}\n`, "2026-11-03.csv.gz": named, "2026-11-04.csv.gz": gzipSync(`${HEADER}\n${row(4)}\n`) });
    const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", daily, "--format", "json"]);
    expect(out.stderr).toBe(`burnrate: note: 1 of the 3 usage files is empty, without even a header ("2026-11-03.csv.gz" in ${JSON.stringify(daily)}): read as no usage, as a quiet day's export is; a failed export leaves such a file too, and its usage is then missing from what is read\n`);
    const statement = JSON.parse(out.stdout) as { events: { read: number }; accounts: { cycles: { total: string }[] }[] };
    // Two requests: 0.9 cents.
    expect([statement.events.read, statement.accounts[0]!.cycles[0]!.total]).toEqual([2, "0.9"]);
  });

  it("is refused alone, or when every file is empty, naming the file and saying it is a gzip of nothing", async () => {
    const empty = folder({ "a.csv.gz": gzipSync(""), "b.csv": "" });
    const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", empty]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${join(empty, "a.csv.gz")}:1:1: empty file (expected a header row in at least one of the usage files (every one is empty), found a gzip of nothing)\n`);
    const one = join(empty, "a.csv.gz");
    const alone = await burnrate(["statement", "--account", ACCOUNT, "--usage", one]);
    expect([alone.code, alone.stderr]).toEqual([2, `burnrate: error: ${one}:1:1: empty file (expected a header row, found a gzip of nothing)\n`]);
  });
});
