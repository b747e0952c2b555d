// npm run bench: statement throughput and peak memory on deterministic synthetic logs,
// beside two baselines measured in the same run on the same files: csv-parse alone
// (columns: false, sums only) and DuckDB grouping by month and meter (2 threads, 1 thread).
// Then the same rows as gzip CSV, JSON Lines and Parquet (bench/formats.mjs), each
// against the plain CSV's statement throughput, with its peak memory (FORMATS=0 skips them).
// Figures are medians of RUNS runs (default 3). Usage: node bench/run.mjs [ROWS...]
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse";
import { generate } from "./generate.mjs";
import { formats } from "./formats.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const data = `${root}bench/.data`;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ROWS = sizes.length > 0 ? sizes : [1_000_000, 10_000_000];
const RUNS = Number(process.env.RUNS ?? 3);
mkdirSync(data, { recursive: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** Run a command, sampling its peak resident memory (VmHWM) from /proc while it runs. */
function measure(cmd, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let peak = 0;
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peak = Math.max(peak, Number(m[1]));
      } catch {}
    };
    const timer = setInterval(sample, 20);
    child.on("exit", (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ seconds, peakMb: peak / 1024 });
    });
  });
}

async function csvParseAlone(file) {
  const started = process.hrtime.bigint();
  let rows = 0;
  let sum = 0;
  const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse({ columns: false, from_line: 2 }));
  for await (const record of parser) {
    rows++;
    sum += record[2].length;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows, sum };
}

async function duckdb(file, threads) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:", { threads: String(threads) });
  const connection = await instance.connect();
  const started = process.hrtime.bigint();
  // DuckDB at its best: it sniffs the file itself (an explicit TIMESTAMPTZ and
  // DECIMAL schema makes it about five times slower, which would flatter burnrate).
  const result = await connection.runAndReadAll(`SELECT date_trunc('month', timestamp) AS month, meter, sum(quantity) FROM read_csv('${file}') GROUP BY ALL`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  result.getRows();
  // Closed, so that no DuckDB thread is left running beside the next statement run.
  connection.closeSync();
  instance.closeSync();
  return { seconds };
}

function account(rows) {
  // The allowance is a little under a cycle's spend: the allowance runs out in the
  // second and third cycles, the grace buffer is drawn and refusals follow; a top-up
  // in the third cycle, warnings at every level.
  // A cycle spends about 0.12 credits a row plus 25,000 for its 100,000 end-users
  // (whatever the rows), so the allowance follows both.
  const allowance = Math.round(rows * 0.1175 + 25_000);
  const file = `${data}/account-${rows}.yaml`;
  writeFileSync(file, `card: ${root}ratecards/fliplet.yaml\nplan: pro\nallowance: ${allowance}\nanchor: 2026-09-01\ntimezone: UTC\ngrants:\n  - { kind: topup, amount: ${Math.round(allowance / 100)}, at: "2026-11-15T00:00:00Z" }\n`);
  return file;
}

console.log(`burnrate bench: ${RUNS} run(s) each, node ${process.version}, ${statSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "" : ""}`);
for (const rows of ROWS) {
  const file = `${data}/usage-${rows}.csv`;
  if (!existsSync(file)) {
    process.stdout.write(`generating ${fmt(rows)} rows... `);
    await generate(rows, file);
    console.log("done");
  }
  const mb = statSync(file).size / 1e6;
  const acct = account(rows);
  const statement = [];
  const parseOnly = [];
  const duck2 = [];
  const duck1 = [];
  for (let i = 0; i < RUNS; i++) {
    // The bin itself, as users run it: its first line gives node the flags that bound memory.
    statement.push(await measure(`${root}bin/burnrate`, ["statement", "--account", acct, "--usage", file, "--format", "json", "-o", `${data}/statement-${rows}.json`]));
    parseOnly.push(await csvParseAlone(file));
    duck2.push(await duckdb(file, 2));
    duck1.push(await duckdb(file, 1));
  }
  const rate = (runs) => rows / median(runs.map((r) => r.seconds));
  const s = rate(statement);
  const d2 = rate(duck2);
  console.log(`\n${fmt(rows)} rows, ${mb.toFixed(0)} MB`);
  console.log(`  statement      ${fmt(s).padStart(11)} rows/s  ${median(statement.map((r) => r.seconds)).toFixed(2)} s wall (runs: ${statement.map((r) => r.seconds.toFixed(2)).join(", ")})  peak RSS ${median(statement.map((r) => r.peakMb)).toFixed(0)} MB`);
  console.log(`  csv-parse      ${fmt(rate(parseOnly)).padStart(11)} rows/s  (statement is ${(s / rate(parseOnly)).toFixed(2)}x)`);
  console.log(`  duckdb 2 thr   ${fmt(d2).padStart(11)} rows/s  (statement is ${(s / d2).toFixed(3)}x; target 0.25x)`);
  console.log(`  duckdb 1 thr   ${fmt(rate(duck1)).padStart(11)} rows/s  (statement is ${(s / rate(duck1)).toFixed(3)}x)`);
  if (process.env.FORMATS !== "0") {
    const files = await formats(file);
    // The plain CSV's throughput is the statement's above, measured in the same run.
    for (const [ext, target] of [["csv.gz", 0.7], ["jsonl", 0.4], ["parquet", 0.5]]) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(`${root}bin/burnrate`, ["statement", "--account", acct, "--usage", files[ext], "--format", "json", "-o", `${data}/statement-${rows}-${ext}.json`]));
      const r = rate(runs);
      const same = readFileSync(`${data}/statement-${rows}-${ext}.json`, "utf8") === readFileSync(`${data}/statement-${rows}.json`, "utf8");
      console.log(`  ${ext.padEnd(13)}  ${fmt(r).padStart(11)} rows/s  (${(r / s).toFixed(2)}x plain CSV; target ${target}x)  peak RSS ${median(runs.map((x) => x.peakMb)).toFixed(0)} MB  ${(statSync(files[ext]).size / 1e6).toFixed(0)} MB  ${same ? "same statement" : "STATEMENT DIFFERS"}`);
    }
  }
}
