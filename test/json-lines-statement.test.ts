import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, burnrate, ROOT } from "./helpers/cli.js";
import { eventsOf, scannedStatement } from "./helpers/scanned-statement.js";
import { ON_THREAD, THREAD_BYTES } from "./helpers/thread.js";

// JSON Lines went the plain reader's way, every row an event priced in full (stop 40: 2M rows in 14 s against
// the CSV's 2 s). Their records are now written as CSV lines for the row scanner (src/usage/record-lines.ts),
// on the reading thread for a large file: the statement must be the CSV's, and what the plain reader would
// say of a file (an error at its line and column, a note) it still says, once.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const meters = ["data_read", "end_user_open", "maps_call", "data_write"] as const;
/** The shortest line `log` writes, in bytes: `{"timestamp":"2026-11-01T00:00:00Z","meter":"data_read","quantity":1,"project":"p0"}` (84) and its line end. */
const SHORTEST_LINE = 85;
/** Rows of a JSON Lines log past the reading thread's size (test/helpers/thread.ts), whatever their lines: 12,337 (1,048,576 / 85 = 12,336.2, rounded up). */
const PAST_THREAD = Math.ceil(THREAD_BYTES / SHORTEST_LINE);
/**
 * Rows of a cycle past the pro plan's credits, so that its statement names rows it refuses, whose places are compared with
 * the CSV's. The credits, 1,100 with the run pool's grace (1,000 and 10%), last 13,190 rows: the 707 end users (7 projects ×
 * 101 users) take 0.25 each, 176.75; each twelve rows hold a read, a maps call and a write of 1, 2 and 3, (0.01 + 0.08 + 0.05)
 * × 6 = 0.84, 0.07 a row: (1,100 − 176.75) / 0.07 = 13,189.3. 14,000 rows run some 800 past them.
 */
const PAST_CREDITS = 14_000;
/** Rows of a log read on the thread whose statement names rows. */
const NAMED = Math.max(PAST_THREAD, PAST_CREDITS);

/** `n` rows over November, as CSV lines and as the same rows in JSON Lines (quantities as JSON numbers, a channel only on some). */
function log(n: number): { csv: string; jsonl: string } {
  const csv = ["timestamp,meter,quantity,project,user,channel"];
  const jsonl: string[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(Date.UTC(2026, 10, 1) + Math.floor((i * 29.5 * 86_400_000) / n)).toISOString().replace(".000Z", "Z");
    const meter = meters[i % meters.length]!;
    const quantity = (i % 3) + 1;
    const project = `p${i % 7}`;
    const user = meter === "end_user_open" ? `u${i % 101}` : "";
    const channel = i % 5 === 0 ? "web" : "";
    csv.push(`${at},${meter},${quantity},${project},${user},${channel}`);
    jsonl.push(JSON.stringify({ timestamp: at, meter, quantity, project, ...(user === "" ? {} : { user }), ...(channel === "" ? {} : { channel }) }));
  }
  return { csv: `${csv.join("\n")}\n`, jsonl: `${jsonl.join("\n")}\n` };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "jsonl-statement-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const args = (usage: string) => ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"];

describe("a JSON Lines log on the row scanner", () => {
  it("gives the statement of the same rows in CSV, its rows read by the scanner", async () => {
    const { csv, jsonl } = log(3000);
    const dir = folder({ "usage.csv": csv, "usage.jsonl": jsonl });
    const fromJson = await scannedStatement(args("usage.jsonl"), dir);
    const fromCsv = await burnrate(args("usage.csv"), { cwd: dir });
    expect(fromJson.stderr).toBe("");
    expect(fromJson.stdout).toBe(fromCsv.stdout);
    // 3,000 rows in turn over four meters: 750 each, quantities 1, 2, 3 in turn.
    expect(eventsOf(fromJson.stdout, "data_read")).toBe(750);
  });

  it("on the reading thread, for a file past the thread's size, gives the CSV's statement too", () => {
    const { csv, jsonl } = log(NAMED);
    expect(Buffer.byteLength(jsonl)).toBeGreaterThan(THREAD_BYTES);
    const dir = folder({ "usage.csv": csv, "usage.jsonl": jsonl });
    const fromJson = binary(args("usage.jsonl"), { cwd: dir, env: ON_THREAD });
    // The CSV, of half the bytes, read here (below 8 MB, the default size), as the JSON Lines' reference.
    const fromCsv = binary(args("usage.csv"), { cwd: dir });
    expect(fromJson.stderr).toBe("");
    expect(fromJson.code).toBe(0);
    // A row's line in the JSON Lines is its CSV line less the header's.
    expect(fromJson.stdout).toBe(fromCsv.stdout.replace(/usage\.csv:(\d+)/g, (_, line: string) => `usage.jsonl:${Number(line) - 1}`));
    expect(fromJson.stdout).toMatch(/usage\.jsonl:\d+/);
  });

  it("in daily files read one after another on the reading thread, gives the CSV files' statement, whichever fields each file's first line has", () => {
    // Three days, each a cycle past the plan's credits whose statement names rows (past the thread's size in all, each day too): the first two go on with one header's shapes; the third day's first line has a user the others' lack, so its header is another.
    const days = [0, 1, 2].map((d) => {
      const { csv, jsonl } = log(Math.max(Math.ceil(PAST_THREAD / 3), PAST_CREDITS));
      const day = (text: string) => text.replaceAll("2026-11-", `2026-${9 + d}-`.replace("-9-", "-09-"));
      const lines = jsonl.trimEnd().split("\n");
      if (d === 2) lines.unshift(lines.splice(1, 1)[0]!);
      const csvLines = csv.trimEnd().split("\n");
      if (d === 2) csvLines.splice(1, 0, csvLines.splice(2, 1)[0]!);
      return { csv: day(`${csvLines.join("\n")}\n`), jsonl: day(`${lines.join("\n")}\n`) };
    });
    expect(days.reduce((sum, d) => sum + Buffer.byteLength(d.jsonl), 0)).toBeGreaterThan(THREAD_BYTES);
    const dir = folder({});
    mkdirSync(join(dir, "csv"));
    mkdirSync(join(dir, "jsonl"));
    days.forEach((d, i) => {
      writeFileSync(join(dir, "csv", `day${i}.csv`), d.csv);
      writeFileSync(join(dir, "jsonl", `day${i}.jsonl`), d.jsonl);
    });
    const daily = (kind: string) => ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-09-01", "--usage", kind, "--format", "json"];
    const fromJson = binary(daily("jsonl"), { cwd: dir, env: ON_THREAD });
    // The CSV files read here, each alone (below 8 MB in all, the default size), as the JSON Lines' reference.
    const fromCsv = binary(daily("csv"), { cwd: dir });
    expect(fromJson.stderr).toBe("");
    expect(fromJson.code).toBe(0);
    const asJson = (csv: string) => csv.replace(/csv\/day(\d)\.csv:(\d+)/g, (_, day: string, line: string) => `jsonl/day${day}.jsonl:${Number(line) - 1}`);
    expect(fromJson.stdout).toBe(asJson(fromCsv.stdout));
    expect(JSON.parse(fromJson.stdout).accounts[0].cycles).toHaveLength(3);
    // A file's note (a quantity written null, priced as one event as an empty CSV cell is) does not end the files read after it (red team, stop 41: the second and third days went unread).
    writeFileSync(join(dir, "jsonl", "day0.jsonl"), days[0]!.jsonl.replace(/"quantity":\d+/, '"quantity":null'));
    writeFileSync(join(dir, "csv", "day0.csv"), days[0]!.csv.replace(/\n([^,\n]*,[^,\n]*,)\d+/, "\n$1"));
    const noted = binary(daily("jsonl"), { cwd: dir, env: ON_THREAD });
    expect(noted.code).toBe(0);
    // Told by meter since stop 66, where data_read's other rows give a quantity (newcomer66 H1).
    expect(noted.stderr).toBe('burnrate: note: 1 row of meter "data_read" has no quantity ("quantity" empty, null or left out; the first at jsonl/day0.jsonl:1:1), where its other rows give one: it is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { quantity: [""] } in the usage mapping leaves such rows out where they are not usage\n');
    expect(noted.stdout).toBe(asJson(binary(daily("csv"), { cwd: dir }).stdout));
    expect(JSON.parse(noted.stdout).accounts[0].cycles).toHaveLength(3);
  });

  it("gzipped, on the reading thread for a file past the thread's size, gives the CSV's statement too, and the plain CSV gzipped its own", () => {
    // Each row's trace, 192 hex digits of a pseudo-random sequence (no meter reads it), keeps the gzip past the thread's size: gzip keeps such a digit in 4 bits or more, 96 bytes a row, more than SHORTEST_LINE.
    const { csv, jsonl } = log(NAMED);
    let seed = 7;
    const trace = () => Array.from({ length: 24 }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0).toString(16).padStart(8, "0")).join("");
    const traced = jsonl.trimEnd().split("\n").map((line) => line.replace(/}$/, `,"trace":"${trace()}"}`));
    seed = 7;
    const csvTraced = csv.trimEnd().split("\n").map((line, i) => `${line},${i === 0 ? "trace" : trace()}`);
    const dir = folder({ "burnrate.mapping.yaml": "ignore_columns: [trace]\n" });
    writeFileSync(join(dir, "usage.jsonl.gz"), gzipSync(`${traced.join("\n")}\n`));
    writeFileSync(join(dir, "usage.csv.gz"), gzipSync(`${csvTraced.join("\n")}\n`));
    writeFileSync(join(dir, "usage.csv"), `${csvTraced.join("\n")}\n`);
    expect(statSync(join(dir, "usage.jsonl.gz")).size).toBeGreaterThan(THREAD_BYTES);
    expect(statSync(join(dir, "usage.csv.gz")).size).toBeGreaterThan(THREAD_BYTES);
    const fromCsv = binary(args("usage.csv"), { cwd: dir, env: ON_THREAD });
    for (const [file, line] of [["usage.jsonl.gz", -1], ["usage.csv.gz", 0]] as const) {
      const r = binary(args(file), { cwd: dir, env: ON_THREAD });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(fromCsv.stdout.replace(/usage\.csv:(\d+)/g, (_, n: string) => `${file}:${Number(n) + line}`));
    }
  });

  it("refuses a bad line at its line and column, as the plain reader does, past the thread's size too", () => {
    const { jsonl } = log(PAST_THREAD);
    const lines = jsonl.split("\n");
    // Four fifths into the log's 12,337 lines: lines[10_000] is line 10,001 (10,000 + 1), its quantity the third field.
    lines[10_000] = lines[10_000]!.replace(/"quantity":\d+/, '"quantity":"2x"');
    const dir = folder({ "usage.jsonl": lines.join("\n") });
    const r = binary(args("usage.jsonl"), { cwd: dir, env: ON_THREAD });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('burnrate: error: usage.jsonl:10001:3: quantity is not a number (expected a plain decimal such as 12 or 0.5, found "2x")\n');
  });

  it("on the reading thread, says once what the plain reader says of rows that write their quantity null", () => {
    const { jsonl } = log(PAST_THREAD);
    const lines = jsonl.split("\n");
    for (const at of [5, PAST_THREAD - 1000]) lines[at] = lines[at]!.replace(/"quantity":\d+/, '"quantity":null');
    const r = binary(args("usage.jsonl"), { cwd: folder({ "usage.jsonl": lines.join("\n") }), env: ON_THREAD });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('burnrate: note: 2 rows of meter "end_user_open" have no quantity ("quantity" empty, null or left out; the first at usage.jsonl:6:1), where its other rows give one: each is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { quantity: [""] } in the usage mapping leaves such rows out where they are not usage\n');
  });

  it("says once what the plain reader says of rows that write their quantity null", async () => {
    const { jsonl } = log(400);
    const lines = jsonl.split("\n");
    for (const at of [10, 20]) lines[at] = lines[at]!.replace(/"quantity":\d+/, '"quantity":null');
    const r = await burnrate(args("usage.jsonl"), { cwd: folder({ "usage.jsonl": lines.join("\n") }) });
    expect(r.code).toBe(0);
    // One note a meter (since stop 66), each once: lines 11 and 21 are a maps_call's and a data_read's.
    expect(r.stderr).toBe('burnrate: note: 1 row of meter "maps_call" has no quantity ("quantity" empty, null or left out; the first at usage.jsonl:11:1), where its other rows give one: it is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { quantity: [""] } in the usage mapping leaves such rows out where they are not usage\nburnrate: note: 1 row of meter "data_read" has no quantity ("quantity" empty, null or left out; the first at usage.jsonl:21:1), where its other rows give one: it is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { quantity: [""] } in the usage mapping leaves such rows out where they are not usage\n');
  });
});
