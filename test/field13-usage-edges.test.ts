import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { DAILY_ACCOUNT, DAILY_HEADER, dailyRow, folderMaker, scannedModels } from "./helpers/gateway-logs.js";

// Floopy prices gpt-4o on openai at 0.00025 cents an input token and 0.001 an output token:
// a request of 1,000 in and 200 out is 0.25 + 0.2 = 0.45 cents.
const ACCOUNT = DAILY_ACCOUNT;
const HEADER = DAILY_HEADER;
const row = dailyRow;
const folder = folderMaker("field13-edges-");

async function total(usage: string, extra: readonly string[] = []): Promise<{ total: string; read: number; stderr: string }> {
  const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", usage, ...extra, "--format", "json"]);
  expect(out.code, out.stderr).toBe(0);
  const statement = JSON.parse(out.stdout) as { events: { read: number }; accounts: { cycles: { total: string }[] }[] };
  return { total: statement.accounts[0]!.cycles[0]!.total, read: statement.events.read, stderr: out.stderr };
}

describe("an empty usage file among several is a day of no usage", () => {
  it("reads a 0-byte CSV, JSON Lines and gzip of nothing in a daily folder as no rows, as a header-only file", async () => {
    const daily = folder({
      "2026-11-02.csv": `${HEADER}\n${row(2)}\n`,
      "2026-11-03.csv": "",
      "2026-11-04.csv": `${HEADER}\n`,
      "2026-11-05.jsonl": "",
      "2026-11-06.csv.gz": gzipSync(""),
      "2026-11-07.csv": `${HEADER}\n${row(7)}\n`,
    });
    // Two requests: 0.9 cents. The empty files are named (a failed export writes one too: newcomer63 M2), and the day of
    // a header alone apart (stop 68, red68 L2).
    expect(await total(daily)).toEqual({
      total: "0.9",
      read: 2,
      stderr: `burnrate: note: 3 of the 6 usage files are empty, without even a header ("2026-11-03.csv", "2026-11-05.jsonl", "2026-11-06.csv.gz" in ${JSON.stringify(daily)}): read as no usage, as a quiet day's export is; a failed export leaves such a file too, and its usage is then missing from what is read\n`
        + `burnrate: note: 1 of the 6 usage files holds a header and no rows ("2026-11-04.csv" in ${JSON.stringify(daily)}): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`,
    });
  });

  it("leaves an empty day to the row scanner, which reads the other days itself", async () => {
    const daily = folder({ "2026-11-02.csv": `${HEADER}\n${row(2)}\n`, "2026-11-03.csv": "", "2026-11-04.csv": `${HEADER}\n${row(4)}\n` });
    const files = ["2026-11-02.csv", "2026-11-03.csv", "2026-11-04.csv"].map((f) => join(daily, f));
    // A NeedsFullParser here (the scanner giving the run up to the plain reader) fails the test.
    expect(await scannedModels(files, ACCOUNT)).toEqual(["gpt-4o", "gpt-4o"]);
  });

  it("still refuses a run whose every usage file is empty, at the first, saying so", async () => {
    const empty = folder({ "a.csv": "", "b.csv.gz": gzipSync("") });
    const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", empty]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${join(empty, "a.csv")}:1:1: empty file (expected a header row in at least one of the usage files (every one is empty), found nothing)\n`);
    const one = join(empty, "a.csv");
    expect((await burnrate(["statement", "--account", ACCOUNT, "--usage", one])).stderr).toBe(`burnrate: error: ${one}:1:1: empty file (expected a header row, found nothing)\n`);
  });
});

describe("numbers said for what they are", () => {
  it("names a JSON Lines number with a leading zero at its column, not a pretty-printed file", async () => {
    const file = join(folder({ "u.jsonl": '{"ts":"2026-11-02T10:00:00Z","model":"gpt-4o","provider":"openai","input_tokens":007,"output_tokens":200}\n' }), "u.jsonl");
    const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", file, "--map", "timestamp=ts", "--map", "meter:request"]);
    expect(out.code).toBe(2);
    // "007" starts at the 82nd character of the line.
    expect(out.stderr).toBe(`burnrate: error: ${file}:1:82: a JSON number with a leading zero, 007, which JSON does not allow (expected 7 as a number, or "007" as a string where the zeros are part of an id, found 007)\n`);
  });

  it("keeps the pretty-printed hint for a line that is no JSON otherwise, and reads 100 and 0.07 as numbers", async () => {
    const file = join(folder({ "u.jsonl": "{\n" }), "u.jsonl");
    const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", file]);
    expect(out.stderr).toContain("not valid JSON (expected one JSON object per line (a pretty-printed file spans lines: jq -c . writes one a line)");
    // 100 input tokens at 0.00025 and 0.07 output tokens at 0.001: 0.025 + 0.00007.
    const ok = join(folder({ "u.jsonl": '{"ts":"2026-11-02T10:00:00Z","model":"gpt-4o","provider":"openai","input_tokens":100,"output_tokens":0.07}\n' }), "u.jsonl");
    expect((await total(ok, ["--map", "timestamp=ts", "--map", "meter:request"])).total).toBe("0.02507");
  });

  it("says a 41-digit quantity or token count is too long, with the limit, in CSV and JSON Lines", async () => {
    const digits = "1".repeat(41);
    const quantity = join(folder({ "u.csv": `timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,${digits},gpt-4o,openai,1,1\n` }), "u.csv");
    expect((await burnrate(["statement", "--account", ACCOUNT, "--usage", quantity])).stderr).toBe(`burnrate: error: ${quantity}:2:3: quantity has more digits than a quantity may have (expected a plain decimal such as 12 or 0.5 of at most 40 digits, found "${digits}")\n`);
    const tokens = join(folder({ "u.jsonl": `{"ts":"2026-11-02T10:00:00Z","model":"gpt-4o","provider":"openai","input_tokens":${digits},"output_tokens":200}\n` }), "u.jsonl");
    expect((await burnrate(["statement", "--account", ACCOUNT, "--usage", tokens, "--map", "timestamp=ts", "--map", "meter:request"])).stderr).toBe(`burnrate: error: ${tokens}:1:4: input_tokens has more digits than a quantity may have (expected a plain decimal of 0 or more, of at most 40 digits, found "${digits}")\n`);
    // Forty digits are read: 10^39 + ... tokens is a number, priced (here far past the balance, so refused, not an error).
    const forty = join(folder({ "u.csv": `${HEADER}\n2026-11-02T10:00:00Z,request,gpt-4o,openai,${"1".repeat(40)},1\n` }), "u.csv");
    expect((await burnrate(["statement", "--account", ACCOUNT, "--usage", forty])).code).toBe(0);
    // A cell that is no number at all keeps its message.
    const word = join(folder({ "u.csv": `timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,many,gpt-4o,openai,1,1\n` }), "u.csv");
    expect((await burnrate(["statement", "--account", ACCOUNT, "--usage", word])).stderr).toContain("quantity is not a number (expected a plain decimal such as 12 or 0.5, found \"many\")");
  });
});
