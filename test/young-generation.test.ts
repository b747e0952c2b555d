import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAgain, startsAgain } from "../src/young-generation.js";
import { ROOT } from "./helpers/cli.js";
import { running } from "./helpers/processes.js";

// `node bin/burnrate` on a large input starts node again with the bin's --max-semi-space-size=4 (src/young-generation.ts):
// which inputs make it do so, and that the run it starts is the bin's run, ending as it ends.

const BIN = join(ROOT, "bin/burnrate");
const ACCOUNT = join(ROOT, "fixtures/fliplet/account.yaml");
const dir = mkdtempSync(join(tmpdir(), "burnrate-young-"));
afterAll(() => spawnSync("rm", ["-rf", dir]));

const SIZE = 8 << 20;

const sparse = (name: string, bytes: number) => {
  const file = join(dir, name);
  writeFileSync(file, "");
  truncateSync(file, bytes);
  return file;
};

describe("which runs start node again", () => {
  const large = sparse("large.csv", SIZE);
  const small = sparse("small.csv", SIZE - 1);
  const folder = join(dir, "daily");
  mkdirSync(folder);
  const start = (args: string[], execArgv: string[] = [], nodeOptions?: string) => startsAgain({ execArgv, nodeOptions, args });

  it("a file of 8 MiB or more, as an argument or a flag's value, a folder, or a named pipe", () => {
    const fifo = join(dir, "usage.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(start(["statement", "--usage", fifo])).toBe(true);
    expect(start(["statement", "--usage", large])).toBe(true);
    expect(start(["statement", `--usage=${large}`])).toBe(true);
    expect(start(["statement", "--usage", folder])).toBe(true);
  });

  it("files that are 8 MiB together, or a pattern of files burnrate expands itself", () => {
    const half = sparse("half.csv", SIZE / 2);
    const rest = sparse("rest.csv", SIZE / 2);
    expect(start(["statement", "--usage", half, rest])).toBe(true);
    expect(start(["statement", "--usage", half])).toBe(false);
    expect(start(["statement", "--usage", join(dir, "*.csv")])).toBe(true);
    expect(start(["statement", `--usage=${join(dir, "daily-{01,02}.csv")}`])).toBe(true);
  });

  it("a compressed log counts at eight times its size", () => {
    expect(start(["statement", "--usage", sparse("month.csv.gz", SIZE / 8)])).toBe(true);
    expect(start(["statement", "--usage", sparse("month.parquet", SIZE / 8)])).toBe(true);
    expect(start(["statement", "--usage", sparse("month.csv", SIZE / 8)])).toBe(false);
  });

  it("not an output, however large, nor the command's name where a folder has it (schema/, test/ at a checkout's root)", () => {
    expect(start(["statement", "--usage", small, "-o", large])).toBe(false);
    expect(start(["statement", "--usage", small, `--output=${large}`])).toBe(false);
    expect(start(["statement", "--usage", small, "-o", "-"])).toBe(false);
    expect(start(["schema", "--write", folder])).toBe(false);
    expect(start(["simulate", "scenario.yaml", "--emit-usage", folder])).toBe(false);
    // The first argument is the command's name, whatever a folder of the working directory is called.
    expect(start([folder, "--usage", small])).toBe(false);
    expect(start(["statement", folder])).toBe(true);
  });

  it("not a smaller file, a path that is not there, or words", () => {
    expect(start(["statement", "--usage", small])).toBe(false);
    expect(start(["statement", `--usage=${small}`, "--format", "json"])).toBe(false);
    expect(start(["statement", "--usage", join(dir, "missing.csv"), join(large, "under-a-file")])).toBe(false);
    expect(start([])).toBe(false);
  });

  it("not where node was given an option: the user runs node their way", () => {
    expect(start(["statement", "--usage", large], ["--cpu-prof"])).toBe(false);
    expect(start(["statement", "--usage", large], ["--max-semi-space-size=4"])).toBe(false);
    expect(start(["statement", "--usage", large], [], "--max-semi-space-size=8")).toBe(false);
    expect(start(["statement", "--usage", large], [], "--inspect=0")).toBe(false);
    expect(start(["statement", "--usage", large], [], "--max_semi_space_size=1")).toBe(false);
    expect(start(["statement", "--usage", large], [], "--require ./x.cjs")).toBe(true);
  });
});

describe("where node cannot be started again", () => {
  it("a failure spawn() throws (as E2BIG, a command line at the system's limit, is) runs the command here", () => {
    let ranHere = false;
    // An argument with a NUL byte is refused by spawn() at once, as an argument list too long is.
    const listening = process.listenerCount("SIGTERM");
    runAgain(BIN, ["statement", "a\0b"], () => (ranHere = true));
    expect(ranHere).toBe(true);
    expect(process.listenerCount("SIGTERM")).toBe(listening);
  });
});

describe("node bin/burnrate, started again", () => {
  // A log over 8 MiB: a Fliplet data_read a second from the account's anchor, 5 reads each.
  const log = join(dir, "reads.csv");
  const rows = 240_000;
  const lines = ["timestamp,meter,quantity,project"];
  const first = Date.parse("2026-09-14T08:00:00Z");
  for (let i = 0; i < rows; i++) lines.push(`${new Date(first + i * 1000).toISOString().replace(".000", "")},data_read,5,alpha`);
  writeFileSync(log, `${lines.join("\n")}\n`);
  // Each node process of a run says how it was started (its main thread: the reading thread is one of its threads).
  const starts = join(dir, "starts.txt");
  const preload = join(dir, "say-start.cjs");
  writeFileSync(preload, `if (require("node:worker_threads").isMainThread) require("node:fs").appendFileSync(${JSON.stringify(starts)}, JSON.stringify({ pid: process.pid, execArgv: process.execArgv }) + "\\n");\n`);
  const env = { ...process.env, NO_COLOR: "1", NODE_OPTIONS: `--require ${preload}` };
  const started = () => (existsSync(starts) ? readFileSync(starts, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { pid: number; execArgv: string[] }) : []);
  const startsOf = () => started().map((s) => s.execArgv);
  const args = ["statement", "--account", ACCOUNT, "--usage", log, "--format", "json"];

  /** `node bin/burnrate` reading a named pipe held open, so that it runs until it is ended: both its processes. */
  const heldRun = async (name: string, more: string[], stdio: "ignore" | ["ignore", "ignore", "pipe"]) => {
    writeFileSync(starts, "");
    const fifo = join(dir, name);
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const parent = spawn(process.execPath, [BIN, "statement", "--account", ACCOUNT, "--usage", fifo, ...more], { env, stdio });
    const writer = createWriteStream(fifo).on("error", () => {});
    for (let i = 0; i < 500 && started().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const [first, child] = started();
    expect(first!.pid).toBe(parent.pid);
    return { parent, child: child!.pid, writer };
  };

  /** Whether the run started again is still running two seconds on; it is then ended, and its pipe closed. */
  const leftRunning = async ({ child, writer }: { child: number; writer: ReturnType<typeof createWriteStream> }) => {
    for (let i = 0; i < 100 && running(child); i++) await new Promise((r) => setTimeout(r, 20));
    const left = running(child);
    writer.end();
    if (left) process.kill(child, "SIGKILL");
    return left;
  };

  it("reads a large log as the bin does, in a node started with the bin's flag", () => {
    expect(readFileSync(log).length).toBeGreaterThanOrEqual(SIZE);
    writeFileSync(starts, "");
    const node = spawnSync(process.execPath, [BIN, ...args], { env, encoding: "utf8", maxBuffer: 1 << 26 });
    expect(startsOf()).toEqual([[], ["--max-semi-space-size=4"]]);
    writeFileSync(starts, "");
    const bin = spawnSync(BIN, args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
    expect(startsOf()).toEqual([["--max-semi-space-size=4"]]);
    expect(node.stderr).toBe("");
    expect(node.status).toBe(0);
    expect(node.stdout).toBe(bin.stdout);
    // Every row was read by the node started again.
    expect(JSON.parse(node.stdout).events.read).toBe(rows);
  });

  it("a log named by a descriptor (a shell's process substitution) is given to the node started again at its number", () => {
    // node marks its descriptors close-on-exec as it starts: the node started again would find another file at /dev/fd/4, or none.
    const script = (how: string) => `exec 4< <(cat ${log}); ${how} statement --account ${ACCOUNT} --usage /dev/fd/4 --format json`;
    writeFileSync(starts, "");
    const node = spawnSync("bash", ["-c", script(`${process.execPath} ${BIN}`)], { env, encoding: "utf8", maxBuffer: 1 << 26 });
    expect(startsOf()).toEqual([[], ["--max-semi-space-size=4"]]);
    const bin = spawnSync("bash", ["-c", script(BIN)], { env, encoding: "utf8", maxBuffer: 1 << 26 });
    expect(node.stderr).toBe("");
    expect(node.status).toBe(0);
    expect(JSON.parse(node.stdout).events.read).toBe(rows);
    expect(node.stdout).toBe(bin.stdout);
  });

  it("a small input runs where it was started", () => {
    writeFileSync(starts, "");
    const node = spawnSync(process.execPath, [BIN, "statement", "--account", ACCOUNT, "--usage", join(ROOT, "fixtures/fliplet/usage.csv"), "--format", "json"], { env, encoding: "utf8" });
    expect(node.status).toBe(0);
    expect(startsOf()).toEqual([[]]);
  });

  it("standard input from a pipe is read by the node started again", () => {
    writeFileSync(starts, "");
    const usage = readFileSync(join(ROOT, "fixtures/fliplet/usage.csv"));
    const piped = spawnSync(process.execPath, [BIN, "statement", "--account", ACCOUNT, "--usage", "-", "--format", "json"], { env, input: usage, encoding: "utf8" });
    expect(startsOf()).toEqual([[], ["--max-semi-space-size=4"]]);
    const bin = spawnSync(BIN, ["statement", "--account", ACCOUNT, "--usage", "-", "--format", "json"], { input: usage, encoding: "utf8" });
    expect(piped.status).toBe(0);
    expect(piped.stdout).toBe(bin.stdout);
  });

  it("ends with the exit code and the one error of the run it started", () => {
    const node = spawnSync(process.execPath, [BIN, "statement", "--account", join(dir, "no-account.yaml"), "--usage", log], { env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8" });
    expect(node.status).toBe(2);
    expect(node.stderr.match(/burnrate: error:/g)).toHaveLength(1);
    expect(node.stderr).toContain("no-account.yaml");
  });

  it("passes a SIGTERM on and ends of it, leaving no node running", async () => {
    // A named pipe kept open: the run waits for its rows until it is ended; with the pipe still open, it ends only of the signal passed on.
    const run = await heldRun("held.fifo", [], ["ignore", "ignore", "pipe"]);
    const ended = new Promise<NodeJS.Signals | null>((resolve) => run.parent.once("exit", (_code, signal) => resolve(signal)));
    run.parent.kill("SIGTERM");
    expect(await ended).toBe("SIGTERM");
    expect(await leftRunning(run)).toBe(false);
  });

  it("a signal to the process group reaches the run twice (the group's and the one passed on), and it still ends cleanly", async () => {
    // A terminal's Ctrl-C and timeout(1) signal the whole group: the run started again is sent it by the group and by
    // the first process. The second came while the first was handled, and ended the run before its copy of standard
    // input was removed (red team, stop 46: 8 of 8 under timeout).
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const temp = mkdtempSync(join(tmpdir(), "burnrate-young-tmp-"));
      writeFileSync(starts, "");
      const parent = spawn(process.execPath, [BIN, "statement", "--account", ACCOUNT, "--usage", "-", "--format", "json"], { env: { ...env, TMPDIR: temp }, stdio: ["pipe", "ignore", "ignore"], detached: true });
      parent.stdin.on("error", () => {});
      // Some of the log, the pipe left open: the run is copying standard input when the signal comes.
      parent.stdin.write(readFileSync(log));
      for (let i = 0; i < 500 && !readdirSync(temp).some((d) => d.startsWith("burnrate-stdin-")); i++) await new Promise((r) => setTimeout(r, 20));
      expect(started()).toHaveLength(2);
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => parent.once("exit", (code, s) => resolve({ code, signal: s })));
      process.kill(-parent.pid!, signal);
      const end = await ended;
      expect(end.signal === signal || end.code === 128 + (signal === "SIGINT" ? 2 : 15)).toBe(true);
      for (let i = 0; i < 100 && readdirSync(temp).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(readdirSync(temp)).toEqual([]);
      parent.stdin.destroy();
    }
  });

  it("a SIGKILL to the first process, which it cannot pass on, still ends the run it started", async () => {
    const out = join(dir, "kept.json");
    writeFileSync(out, "yesterday's report\n");
    const run = await heldRun("killed.fifo", ["-o", out], "ignore");
    const ended = new Promise((resolve) => run.parent.once("exit", resolve));
    run.parent.kill("SIGKILL");
    await ended;
    expect(await leftRunning(run)).toBe(false);
    expect(readFileSync(out, "utf8")).toBe("yesterday's report\n");
  });
});
