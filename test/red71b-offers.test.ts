import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseMapping } from "../src/usage/mapping.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// red71b: the event id's offer kept whatever the rows read ahead hold (H1, M1), what they hold said beside it (H1, M2),
// and every fix offered pasteable as written (M3, L7, L6, L1): each offered fix is taken from the message and run.
const ACCOUNT = `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`;
// Floopy's gpt-4o on openai: 0.00025 cents a token in, 0.001 out, so 1,000 in and 200 out is 0.45 cents.
const LITELLM = "request_id,event_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens";
const PLAIN = "timestamp,account,meter,event_id,model,provider,input_tokens,output_tokens";

function dir(): string {
  const at = mkdtempSync(join(tmpdir(), "red71b-"));
  writeFileSync(join(at, "account.yaml"), ACCOUNT);
  return at;
}

function statement(at: string, ...usage: string[]) {
  return burnrate(["statement", "--account", "account.yaml", ...usage, "--format", "json"], { cwd: at });
}

function cycle(stdout: string): { total: string; duplicates: unknown[] } {
  return JSON.parse(stdout).accounts[0].cycles[0];
}

/** The argument a shell passes for an offered `--map ...` (plain, in double quotes, or in single quotes). */
function shellArg(offered: string): string {
  const arg = offered.replace(/^--map /, "");
  if (arg.startsWith('"')) return arg.slice(1, -1);
  if (arg.startsWith("'")) return arg.slice(1, -1).replaceAll("'\\''", "'");
  return arg;
}

/** The `--map` offered right after `text` in the message, as the shell would pass it. */
function offeredFlag(stderr: string, text: string): string {
  const at = stderr.indexOf(text);
  expect(at).toBeGreaterThanOrEqual(0);
  const match = /\((--map (?:"[^"]*"|'(?:[^']|'\\'')*'|\S+?))\)/.exec(stderr.slice(at + text.length));
  expect(match).not.toBeNull();
  return shellArg(match![1]!);
}

describe("an event id empty on the rows read ahead (red71b H1)", () => {
  it("past a file's first 64 KiB: still offered, beside the count of rows read, and so read the retries count once", async () => {
    const at = dir();
    // 1,500 requests without an event id, then 10 sent twice under a new request_id with the same event_id.
    const rows = Array.from({ length: 1500 }, (_, i) => `r-${i},,2026-11-02T10:${String(i % 60).padStart(2, "0")}:00Z,gpt-4o,openai,1000,200`);
    for (let i = 1500; i < 1510; i++) rows.push(`r-${i},e-${i},2026-11-02T11:00:00Z,gpt-4o,openai,1000,200`, `r-${i}b,e-${i},2026-11-02T11:00:05Z,gpt-4o,openai,1000,200`);
    writeFileSync(join(at, "late.csv"), `${LITELLM}\n${rows.join("\n")}\n`);
    const run = await statement(at, "--usage", "late.csv", "--layout", "litellm");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(expected the event id if a request sent twice repeats it, not "request_id" (read as the event id now): columns: { event_id: event_id } in the usage mapping (--map event_id=event_id)');
    // The head is 65,536 bytes: the header's 87, then rows of 49 to 52 bytes by request_id's digits:
    // 10 x 49 + 90 x 50 + 900 x 51 = 50,890, and 279 whole rows of 52 in the 14,559 left, so 1,279 rows.
    expect(run.stderr).toContain('"event_id" is empty on its first 1279 rows (all that was read ahead, the file\'s first 64 KiB); where the rows after them do not fill it either, no retry repeats it: ignore_columns: [event_id] (--map ignore:event_id)');
    expect(run.stderr).not.toContain("so it is no event id");
    // As offered: 1,510 requests at 0.45 cents, each of the 10 retries once: 679.5.
    const read = await statement(at, "--usage", "late.csv", "--layout", "litellm", "--map", offeredFlag(run.stderr, "columns: { event_id: event_id } in the usage mapping "), "--map", "ignore:request_id");
    expect([read.code, read.stderr]).toEqual([0, ""]);
    expect(cycle(read.stdout).total).toBe("679.5");
    expect(cycle(read.stdout).duplicates.length).toBe(1);
    // The layout hint keeps its offer too.
    const hint = await statement(at, "--usage", "late.csv");
    expect(hint.stderr).toContain('where a request sent twice repeats "event_id" instead, --map event_id=event_id with it; "event_id" is empty on its first 1279 rows');
  });

  it("in a folder's first daily file: still offered, said of that file's rows", async () => {
    const at = dir();
    mkdirSync(join(at, "days"));
    writeFileSync(join(at, "days/2026-11-02.csv"), `${LITELLM}\nr-1,,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\n`);
    writeFileSync(join(at, "days/2026-11-03.csv"), `${LITELLM}\nr-2,e-2,2026-11-03T10:00:00Z,gpt-4o,openai,1000,200\nr-2b,e-2,2026-11-03T10:00:05Z,gpt-4o,openai,1000,200\n`);
    const run = await statement(at, "--usage", "days", "--layout", "litellm");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("columns: { event_id: event_id } in the usage mapping (--map event_id=event_id)");
    expect(run.stderr).toContain('"event_id" is empty on its one row in this file; where no other file read with it fills it, no retry repeats it');
    // r-1 and e-2 once: 0.9.
    const read = await statement(at, "--usage", "days", "--layout", "litellm", "--map", "event_id=event_id", "--map", "ignore:request_id");
    expect(cycle(read.stdout).total).toBe("0.9");
  });

  it("in a gzip cut short: its last row is no whole row, so the rows before it are no whole file (L2)", async () => {
    const at = dir();
    const text = `${LITELLM}\nr-1,,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\nr-2,,2026-11-02T10:01:00Z,gpt-4o,openai,1000,200\nr-3,e-3,2026-11-02T10:02:00Z,gpt-4o,openai,1000,200\n`;
    const gzip = gzipSync(text);
    // Cut within the last row, past "r-3,": the stream inflates to r-3's first cell and no further.
    writeFileSync(join(at, "cut.csv.gz"), gzip.subarray(0, gzip.length - 30));
    const run = await statement(at, "--usage", "cut.csv.gz", "--layout", "litellm");
    expect(run.stderr).toContain("columns: { event_id: event_id } in the usage mapping (--map event_id=event_id)");
    expect(run.stderr).not.toContain("in this file");
  });
});

describe("an id column that holds a database's NULL on every row read (red71b M2)", () => {
  it("is said to be one id, were it read as the event id, beside the fix that ignores it; so ignored, each request is billed", async () => {
    const at = dir();
    writeFileSync(join(at, "nul.csv"), `${LITELLM}\n${[0, 1, 2, 3, 4].map((i) => `r-${i},NULL,2026-11-02T10:0${i}:00Z,gpt-4o,openai,1000,200`).join("\n")}\n`);
    const run = await statement(at, "--usage", "nul.csv", "--layout", "litellm");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"event_id" is "NULL" on all 5 of its rows in this file; read as the event id, "NULL" is one id, and every row after the first holding one is dropped as its retry');
    // Five requests at 0.45: 2.25.
    const read = await statement(at, "--usage", "nul.csv", "--layout", "litellm", "--map", offeredFlag(run.stderr, "ignore_columns: [event_id] "));
    expect(cycle(read.stdout).total).toBe("2.25");
  });

  it("written \\N, or - , is said so too", async () => {
    const at = dir();
    writeFileSync(join(at, "n.csv"), `${LITELLM}\nr-1,\\N,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\nr-2,-,2026-11-02T10:01:00Z,gpt-4o,openai,1000,200\n`);
    const run = await statement(at, "--usage", "n.csv", "--layout", "litellm");
    expect(run.stderr).toContain('"event_id" is "\\\\N" or "-" on all 2 of its rows in this file; read as the event id, "\\\\N" and "-" are ids');
  });
});

describe("a rename: to event_id of a column the header lacks (red71b M1)", () => {
  it("names nothing: the layout hint still offers the other id, and the rename is refused at its key, as one of a column the header has is", async () => {
    const at = dir();
    writeFileSync(join(at, "ll.csv"), `${LITELLM}\nr-1,e-1,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\nr-1b,e-1,2026-11-02T10:00:05Z,gpt-4o,openai,1000,200\n`);
    writeFileSync(join(at, "m.yaml"), "rename: { requestid: event_id }\n");
    const hint = await statement(at, "--usage", "ll.csv", "--mapping", "m.yaml");
    expect(hint.stderr).toContain('where a request sent twice repeats "event_id" instead, --map event_id=event_id with it');
    const run = await statement(at, "--usage", "ll.csv", "--layout", "litellm", "--mapping", "m.yaml");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('m.yaml:1:11: the mapping renames "requestid" to the canonical column "event_id", but the header of ll.csv has no column "requestid"; did you mean "request_id"? (expected the column that holds it under columns: event_id: in the usage mapping (--map event_id=SOURCE)');
    const flag = await statement(at, "--usage", "ll.csv", "--layout", "litellm", "--map", "dim:event_id=nosuch");
    expect(flag.stderr).toContain('--map: the mapping renames "nosuch" to the canonical column "event_id", but the header of ll.csv has no column "nosuch"');
    // The rename removed, the offer is there, and so read the retry counts once: r-1 at 0.45.
    const offered = await statement(at, "--usage", "ll.csv", "--layout", "litellm");
    expect(offered.stderr).toContain("columns: { event_id: event_id } in the usage mapping (--map event_id=event_id)");
    const read = await statement(at, "--usage", "ll.csv", "--layout", "litellm", "--map", "event_id=event_id", "--map", "ignore:request_id");
    expect(cycle(read.stdout).total).toBe("0.45");
  });
});

describe("every fix offered, pasted as written (red71b M3, L7, L6, L1)", () => {
  it("a name holding = is offered the mapping's list, not a --map the flag splits (M3); so pasted, the log is read", async () => {
    const at = dir();
    writeFileSync(join(at, "eq.csv"), `${PLAIN},a=b\n2026-11-02T10:00:00Z,acme,request,r-1,gpt-4o,openai,1000,200,x\n`);
    const run = await statement(at, "--usage", "eq.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain("ignore:a=b");
    expect(run.stderr).toContain('or the column under ignore_columns: ["a=b"] in the usage mapping');
    // The rename's flag carries it, after its own `=`.
    expect(run.stderr).toContain('rename: { "a=b": NAME } in the usage mapping (--map "dim:NAME=a=b")');
    writeFileSync(join(at, "m.yaml"), 'ignore_columns: ["a=b"]\n');
    const read = await statement(at, "--usage", "eq.csv", "--mapping", "m.yaml");
    expect([read.code, read.stderr]).toEqual([0, ""]);
    expect(cycle(read.stdout).total).toBe("0.45");
  });

  it("names that need quotes, - among them, are listed quoted to ignore at once (L7, L1), and a rename is a flow mapping (L6)", async () => {
    const at = dir();
    writeFileSync(join(at, "w.csv"), `${PLAIN},Client IP,User Agent,-\n2026-11-02T10:00:00Z,acme,request,r-1,gpt-4o,openai,1000,200,192.0.2.1,curl,x\n`);
    const run = await statement(at, "--usage", "w.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rename: { "Client IP": NAME } in the usage mapping (--map "dim:NAME=Client IP")');
    expect(run.stderr).toContain('all 3 at once: ignore_columns: ["Client IP", "User Agent", "-"]');
    const list = /ignore_columns: \[[^\]]*\]/.exec(run.stderr.slice(run.stderr.indexOf("all 3 at once")))![0];
    expect([...parseMapping(`${list}\n`, "m.yaml").ignore]).toEqual(["Client IP", "User Agent", "-"]);
    writeFileSync(join(at, "m.yaml"), `${list}\n`);
    const read = await statement(at, "--usage", "w.csv", "--mapping", "m.yaml");
    expect([read.code, read.stderr]).toEqual([0, ""]);
    expect(cycle(read.stdout).total).toBe("0.45");
    // The rename, NAME filled in with a dimension the card reads: YAML the mapping reads as written.
    const rename = /rename: \{ "Client IP": NAME \}/.exec(run.stderr)![0].replace("NAME", "team");
    expect([...parseMapping(`${rename}\n`, "m.yaml").rename]).toEqual([["Client IP", "team"]]);
    // `-` alone, as the one column: its YAML quoted, its flag plain.
    writeFileSync(join(at, "d.csv"), `${PLAIN},-\n2026-11-02T10:00:00Z,acme,request,r-1,gpt-4o,openai,1000,200,x\n`);
    const dash = await statement(at, "--usage", "d.csv");
    expect(dash.stderr).toContain('rename: { "-": NAME } in the usage mapping (--map dim:NAME=-), or the column under ignore_columns: (--map ignore:-)');
    const ignored = await statement(at, "--usage", "d.csv", "--map", offeredFlag(dash.stderr, "or the column under ignore_columns: "));
    expect(cycle(ignored.stdout).total).toBe("0.45");
  });

  it("how a request ended and a time named with a space are offered by their names, and so pasted, read (L1)", async () => {
    const at = dir();
    writeFileSync(join(at, "s.csv"), `${PLAIN},Response Status\n2026-11-02T10:00:00Z,acme,request,r-1,gpt-4o,openai,1000,200,ok\n2026-11-02T10:01:00Z,acme,request,r-2,gpt-4o,openai,1000,200,failed\n`);
    const run = await statement(at, "--usage", "s.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('skip_rows: { "Response Status": [VALUE] } in the usage mapping (--map "skip:Response Status=VALUE[,VALUE]")');
    const flag = offeredFlag(run.stderr, 'skip_rows: { "Response Status": [VALUE] } in the usage mapping ').replace("VALUE[,VALUE]", "failed");
    const skipped = await statement(at, "--usage", "s.csv", "--map", flag);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain('1 row of s.csv skipped as not usage by skip_rows: (Response Status "failed"');
    // r-1 alone: 0.45.
    expect(cycle(skipped.stdout).total).toBe("0.45");
    expect([...parseMapping('skip_rows: { "Response Status": [failed] }\n', "m.yaml").skipRows!.keys()]).toEqual(["Response Status"]);
    writeFileSync(join(at, "t.csv"), `${PLAIN.replace("timestamp", "Created At")}\n2026-11-02T10:00:00Z,acme,request,r-1,gpt-4o,openai,1000,200\n`);
    const time = await statement(at, "--usage", "t.csv");
    expect(time.stderr).toContain('"Created At" (column 1) looks like it: --map "timestamp=Created At"');
    const read = await statement(at, "--usage", "t.csv", "--map", shellArg(/looks like it: (--map "[^"]*")/.exec(time.stderr)![1]!));
    expect([read.code, read.stderr]).toEqual([0, ""]);
    expect(cycle(read.stdout).total).toBe("0.45");
  });
});
