import { mkdtempSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red56b F4 (newcomer56 H2's symptom): where the account file names no account but its own, a row of no account in a
// log whose other rows name customers was billed to the file's own account (`default` where it writes no `account:`),
// its plan's fee with it, exit 0. Floopy's gpt-4o on openai: 100,000 input tokens x 0.00025 + 100,000 output tokens x
// 0.001 = 25 + 100 = 125 credits a request.
const HEAD = "request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens,user,end_user,status\n";
const row = (id: number, day: number, customer: string) => `r-${id},2026-11-0${day} 10:00:00,gpt-4o,openai,100000,100000,key-owner,${customer},success\n`;
const LOG = HEAD + row(1, 2, "acme") + row(2, 3, "globex") + row(3, 4, "acme") + row(4, 5, "");

function files(account: string, log = LOG, name = "spend.csv") {
  const dir = mkdtempSync(join(tmpdir(), "red58-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\nanchor: 2026-11-01\nplan: pro\nallowance: 1000\n${account}`);
  const usage = join(dir, name);
  writeFileSync(usage, name.endsWith(".gz") ? gzipSync(log) : log);
  return { dir, account: join(dir, "account.yaml"), usage };
}

const totals = (stdout: string) => Object.fromEntries(JSON.parse(stdout).accounts.map((a: { account: string; cycles: { total: string }[] }) => [a.account, a.cycles[0]!.total]));
const litellm = ["--layout", "litellm", "--map", "account=end_user", "--format", "json"];

describe("a row of no account, where the account file names no account but its own and the usage names others", () => {
  it("is refused at its cell, naming the file's own account and the usage's others", async () => {
    const f = files("");
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, ...litellm]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toBe(
      `burnrate: error: ${f.usage}:5:8: a row of no account (its account cell empty, or the field absent): it would be billed to account "default", which the account file does not name (it writes no account:), while the usage names other accounts ("acme", "globex") (expected the row's account in column "end_user"; rows of no account are left out with skip_rows: { end_user: [""] } in the usage mapping, and are the file's own account's where that is written in the cell, found nothing)\n`,
    );
  });

  it("is refused with unnamed_accounts: top_level and an account of the file's own name, gzipped too", async () => {
    for (const name of ["spend.csv", "spend.csv.gz"]) {
      const f = files("account: reseller\nunnamed_accounts: top_level\n", LOG, name);
      const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, ...litellm]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${f.usage}:5:8: a row of no account (its account cell empty, or the field absent): it would be billed to account "reseller", the account file's own, while the usage names other accounts ("acme", "globex")`);
    }
  });

  it("is the file's own account's where the cell names it: acme 2 x 125 = 250, globex 125, default 125", async () => {
    const f = files("", HEAD + row(1, 2, "acme") + row(2, 3, "globex") + row(3, 4, "acme") + row(4, 5, "default"));
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, ...litellm]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(totals(run.stdout)).toEqual({ acme: "250", default: "125", globex: "125" });
  });

  // A file that writes no account: lists no account of its own where no row is its (newcomer60 M3: a plan's fee invented).
  it("left out by skip_rows: the file's own account, which no row is, is not listed", async () => {
    const f = files("");
    writeFileSync(`${f.usage}.mapping.yaml`, 'layout: litellm\ncolumns: { account: end_user }\nskip_rows: { end_user: [""] }\n');
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, "--format", "json"]);
    expect(run.code).toBe(0);
    expect(totals(run.stdout)).toEqual({ acme: "250", globex: "125" });
  });

  it("a cell of spaces is no account either, though it made an account of that name", async () => {
    const f = files("", HEAD + row(1, 2, "acme") + row(2, 3, "  "));
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, ...litellm]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${f.usage}:3:8: a row of no account (its account cell of spaces): it would be billed to account "default", which the account file does not name (it writes no account:), while the usage names other accounts ("acme") (expected the row's account in column "end_user"; rows of no account are left out with skip_rows: { end_user: ["  "] }`);
  });

  it("a JSON Lines event without its subject is refused at its line", async () => {
    const event = (id: string, subject?: string) => JSON.stringify({ specversion: "1.0", id, source: "gw", type: "request", ...(subject === undefined ? {} : { subject }), time: "2026-11-02T10:00:00Z", data: { model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 200 } });
    const f = files("", `${event("1", "acme")}\n${event("2")}\n`, "events.jsonl");
    const run = await burnrate(["statement", "--account", f.account, "--layout", "cloudevents", "--usage", f.usage, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${f.usage}:2:`);
    expect(run.stderr).toContain('while the usage names other accounts ("acme")');
  });

  it("a file without an account column is the file's own account's beside a file that names customers: 125 + 125, acme 250", async () => {
    const f = files("");
    const own = join(f.dir, "house.csv");
    writeFileSync(own, "request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens,status\nh-1,2026-11-06 10:00:00,gpt-4o,openai,100000,100000,success\nh-2,2026-11-07 10:00:00,gpt-4o,openai,100000,100000,success\n");
    const customers = join(f.dir, "customers.csv");
    writeFileSync(customers, HEAD + row(1, 2, "acme") + row(3, 4, "acme"));
    writeFileSync(join(f.dir, "house.csv.mapping.yaml"), "layout: litellm\n");
    writeFileSync(join(f.dir, "customers.csv.mapping.yaml"), "layout: litellm\ncolumns: { account: end_user }\n");
    const run = await burnrate(["statement", "--account", f.account, "--usage", own, "--usage", customers, "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(totals(run.stdout)).toEqual({ acme: "250", default: "250" });
  });

  it("reconcile refuses it too", async () => {
    const f = files("");
    const bill = join(f.dir, "bill.csv");
    writeFileSync(bill, "period_start,account,activity,quantity,amount\n2026-11-01,acme,request,2,250\n");
    const run = await burnrate(["reconcile", "--account", f.account, "--usage", f.usage, "--bill", bill, "--layout", "litellm", "--map", "account=end_user"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${f.usage}:5:8: a row of no account`);
  });
});

// red58, on the refusal above: what it must pass, and a cell of spaces it let through.
describe("rows of no account: what red58 found", () => {
  it("F7: a JSON Lines file of the own account's events, none naming an account, beside customers' CSV: default 125, acme 250", async () => {
    const f = files("", HEAD + row(1, 2, "acme") + row(3, 4, "acme"));
    const event = (id: string) => JSON.stringify({ specversion: "1.0", id, source: "gw", type: "request", time: "2026-11-06T10:00:00Z", data: { model: "gpt-4o", provider: "openai", input_tokens: 100000, output_tokens: 100000 } });
    const house = join(f.dir, "house.jsonl");
    writeFileSync(house, `${event("h-1")}\n`);
    writeFileSync(`${house}.mapping.yaml`, "layout: cloudevents\n");
    writeFileSync(`${f.usage}.mapping.yaml`, "layout: litellm\ncolumns: { account: end_user }\n");
    const run = await burnrate(["statement", "--account", f.account, "--usage", house, "--usage", f.usage, "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(totals(run.stdout)).toEqual({ acme: "250", default: "125" });
  });

  it("F8: a cell of spaces that dimension_values: names an account is that account's: acme 3 x 125 = 375", async () => {
    const f = files("", HEAD + row(1, 2, "acme") + row(2, 3, "  ") + row(3, 4, "acme"));
    writeFileSync(`${f.usage}.mapping.yaml`, 'layout: litellm\ncolumns: { account: end_user }\ndimension_values: { account: { "  ": acme } }\n');
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(totals(run.stdout)).toEqual({ acme: "375" });
  });

  it("F3: cells of spaces beside the own account's empty cells, and no customer, are refused: no account of spaces billed its plan", async () => {
    const f = files("", HEAD + row(1, 2, "") + row(2, 3, "  "));
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, ...litellm]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${f.usage}:2:8: a row of no account`);
    // red58b F12: cells of spaces name no customer, and are not called "other accounts".
    expect(run.stderr).toContain(`while other rows' account cells hold spaces alone ("  "), each an account of that name`);
  });

  it("F5: a named pipe is read once, its rows priced as before, not waited on for ever", async () => {
    const f = files("", HEAD + row(1, 2, "acme") + row(2, 3, "default"));
    const fifo = join(f.dir, "pipe.csv");
    const { execFileSync, spawn } = await import("node:child_process");
    execFileSync("mkfifo", [fifo]);
    const writer = spawn("sh", ["-c", `cat '${f.usage}' > '${fifo}'`]);
    const run = await burnrate(["statement", "--account", f.account, "--usage", fifo, ...litellm]);
    writer.kill();
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(totals(run.stdout)).toEqual({ acme: "125", default: "125" });
  });
});

// red58b, on the fixes above.
describe("rows of no account: what red58b found", () => {
  const customers = () => {
    const f = files("", HEAD + row(1, 2, "acme") + row(3, 4, "acme"));
    writeFileSync(`${f.usage}.mapping.yaml`, "layout: litellm\ncolumns: { account: end_user }\n");
    return f;
  };
  const second = (f: { dir: string }, name: string, log: string) => {
    const path = join(f.dir, name);
    writeFileSync(path, log);
    writeFileSync(`${path}.mapping.yaml`, "layout: litellm\ncolumns: { account: end_user }\n");
    return path;
  };

  it.each([
    // A CSV whose account column is there but empty: refused at its first row.
    ["blank.csv", HEAD + row(5, 5, "") + row(6, 6, ""), 2],
    // A file that names the own account, then a row of no account: refused at that row.
    ["mixed.csv", HEAD + row(5, 5, "default") + row(6, 6, ""), 3],
  ])("F4: beside customers' rows, %s is refused at its line %s's row of no account", async (name, log, line) => {
    const f = customers();
    const path = second(f, name, log);
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, "--usage", path, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}:${line}:8: a row of no account`);
  });

  it("F3: a named pipe among the inputs leaves the other files to be read again: a row of no account there is refused", async () => {
    const f = customers();
    const blank = second(f, "blank.csv", HEAD + row(5, 5, ""));
    const fifo = join(f.dir, "pipe.csv");
    const { execFileSync, spawn } = await import("node:child_process");
    execFileSync("mkfifo", [fifo]);
    writeFileSync(`${fifo}.mapping.yaml`, "layout: litellm\ncolumns: { account: end_user }\n");
    const writer = spawn("sh", ["-c", `printf '%s' '${HEAD + row(7, 7, "globex")}' > '${fifo}'`]);
    const run = await burnrate(["statement", "--account", f.account, "--usage", f.usage, "--usage", blank, "--usage", fifo, "--format", "json"]);
    writer.kill();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${blank}:2:8: a row of no account`);
  });
});
