import { spawn, spawnSync, type StdioOptions } from "node:child_process";
import { closeSync, copyFileSync, createWriteStream, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

// Inputs that are not regular files and cannot live in the bad-input corpus (a FIFO, a socket,
// standard input that never ends): each must be refused at once with a located error, never read
// forever or waited on. The spawn has a time limit only so that a regression fails instead of hanging.

const BIN = join(ROOT, "bin/burnrate");
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const USAGE = join(ROOT, "fixtures/fliplet/usage.csv");
const ACCOUNT = join(ROOT, "fixtures/fliplet/account.yaml");

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], stdio: StdioOptions = "pipe"): Outcome {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, stdio, encoding: "utf8", timeout: 30_000, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function refused(r: Outcome, where: string, says: string): void {
  expect(r.signal, "killed: it hung").toBeNull();
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain(`burnrate: error: ${where}: ${says}`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

let dir: string;
let fifo: string;
let socket: string;
let server: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "burnrate-input-paths-"));
  fifo = join(dir, "input.fifo");
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  socket = join(dir, "input.sock");
  server = createServer();
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("a YAML or bill path that is not a regular file", () => {
  it("refuses a FIFO with no writer as the card, instead of waiting for one", () => {
    refused(run(["statement", "--card", fifo, "--plan", "pro", "--anchor", "2026-11-01", "--usage", USAGE]), fifo + ":1:1", "not a regular file (expected a YAML file, found a FIFO (named pipe))");
  });

  it("refuses a socket as the account", () => {
    refused(run(["statement", "--account", socket, "--usage", USAGE]), socket + ":1:1", "not a regular file (expected an account file, found a socket)");
  });

  it("refuses a FIFO as the scenario", () => {
    refused(run(["simulate", fifo]), fifo + ":1:1", "not a regular file (expected a YAML file, found a FIFO (named pipe))");
  });

  it("refuses a FIFO as the bill", () => {
    const args = ["reconcile", "--account", join(ROOT, "fixtures/reconcile/account.yaml"), "--usage", join(ROOT, "fixtures/reconcile/usage.csv"), "--bill", fifo];
    refused(run(args), fifo + ":1:1", "not a regular file (expected a bill CSV, found a FIFO (named pipe))");
  });

  it("refuses a FIFO as a tests file, and as a card without tests", () => {
    const tests = join(dir, "named.tests.yaml");
    expect(spawnSync("mkfifo", [tests]).status).toBe(0);
    refused(run(["test", tests]), tests + ":1:1", "not a regular file");
    refused(run(["test", fifo]), fifo + ":1:1", "not a regular file");
  });

  it("points at the scenario's card: line when that card is a FIFO", () => {
    const scenario = join(dir, "scenario.yaml");
    const text = `name: s\ncard: ${fifo}\nplan: pro\nstart: 2026-11-01\ncycles: 1\n`;
    writeFileSync(scenario, text);
    refused(run(["simulate", scenario]), `${scenario}:2:7`, "card is a FIFO (named pipe), not a regular file");
  });

  it("reads a card from standard input only up to the YAML cap: /dev/zero is refused, not read forever", () => {
    const zero = openSync("/dev/zero", "r");
    try {
      refused(run(["statement", "--card", "-", "--plan", "pro", "--anchor", "2026-11-01", "--usage", USAGE], [zero, "pipe", "pipe"]), "-:1:1", "file too large (expected a YAML file of at most 2 MiB, found more than 2 MiB)");
    } finally {
      closeSync(zero);
    }
  });
});

describe("a card on standard input that comes late", () => {
  it("waits for the pipe's writer: the card written a second after the start is read, not refused with EAGAIN", async () => {
    const child = spawn(process.execPath, [BIN, "statement", "--card", "-", "--plan", "pro", "--anchor", "2026-09-01", "--usage", USAGE, "--format", "json"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = new Promise<number | null>((resolve) => child.on("close", resolve));
    setTimeout(() => child.stdin.end(readFileSync(CARD)), 1000);
    expect(await code, stderr).toBe(0);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout).card).toMatchObject({ provider: "fliplet" });
  }, 30_000);
});

describe("a usage path that is not a regular file", () => {
  it("ends /dev/zero as usage at the row-length cap instead of reading it forever", () => {
    const r = run(["statement", "--account", ACCOUNT, "--usage", "/dev/zero"]);
    expect(r.signal, "killed: it hung").toBeNull();
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: \/dev\/zero:1:1: /);
  });

  it("streams usage from a FIFO: the same statement as the file itself", async () => {
    const plain = run(["statement", "--account", ACCOUNT, "--usage", USAGE, "--format", "json"]);
    expect(plain.code, plain.stderr).toBe(0);
    const child = spawn(process.execPath, [BIN, "statement", "--account", ACCOUNT, "--usage", fifo, "--format", "json"], { cwd: dir });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    createWriteStream(fifo).end(readFileSync(USAGE));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    // Duplicates are traced to the file as it was named: the FIFO's path in the one, the file's in the other.
    expect(stdout.replaceAll(fifo, USAGE)).toBe(plain.stdout);
  });

  /** The statement of these rows written into the FIFO, as the binary's outcome. */
  async function fromFifo(rows: string, header = "timestamp,meter,quantity,project"): Promise<Outcome> {
    const child = spawn(process.execPath, [BIN, "statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", fifo, "--format", "json"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    createWriteStream(fifo).end(`${header}\n${rows}`);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, signal: null, stdout, stderr };
  }

  it("refuses a FIFO whose rows must be read again (out of time order, or a quoted cell), saying why, not 'empty file'", async () => {
    const late = await fromFifo("2026-11-03T10:00:00Z,data_read,1,p\n2026-11-02T10:00:00Z,data_read,1,p\n");
    refused(late, fifo + ":1:1", "a row out of time order needs the usage read a second time, and a pipe cannot be (expected a regular file, or the pipe as standard input (--usage -), which is copied first, found a FIFO (named pipe))");
    // A comma within a quoted cell the card reads is csv-parse's.
    const quoted = await fromFifo('2026-11-02T10:00:00Z,data_read,1,"p,q"\n');
    refused(quoted, fifo + ":1:1", "a quoted field, which only the full CSV parser reads, needs the usage read a second time, and a pipe cannot be");
    // In time order and plain, the same FIFO streams; so does a cell quoted whole, which the plain reader takes its
    // quotes off (since stop 60).
    const plain = await fromFifo("2026-11-02T10:00:00Z,data_read,1,p\n2026-11-03T10:00:00Z,data_read,1,p\n");
    expect([plain.code, plain.stderr]).toEqual([0, ""]);
    expect(JSON.parse(plain.stdout).events.priced).toBe(2);
    const whole = await fromFifo('2026-11-02T10:00:00Z,data_read,1,"p q"\n');
    expect([whole.code, whole.stderr]).toEqual([0, ""]);
    expect(JSON.parse(whole.stdout).events.priced).toBe(1);
  });

  it("names no mapping file beside a FIFO for a header near a canonical name: a pipe has no place beside it", async () => {
    const run = await fromFifo("2026-11-02T10:00:00Z,data_read,1,p\n", "Timestamp,meter,quantity,project");
    refused(run, fifo + ":1:1", 'header column "Timestamp" looks like the canonical column "timestamp" (expected "timestamp" exactly, or --map timestamp="Timestamp" (columns: timestamp: in the usage mapping), found "Timestamp")');
  });

  it("refuses a FIFO as usage where the command reads its usage twice (reconcile, diff), instead of waiting for a second writer", () => {
    const reconcile = ["reconcile", "--account", join(ROOT, "fixtures/reconcile/account.yaml"), "--usage", fifo, "--bill", join(ROOT, "fixtures/reconcile/bill-boundary.csv")];
    refused(run(reconcile), fifo + ":1:1", "not a regular file (expected a regular usage file (a boundary check reads it again), not a pipe: reconcile cannot take one, nor standard input (--usage -), so save it to a file first, found a FIFO (named pipe))");
    refused(run(["diff", "--base", CARD, "--card", CARD, "--account", ACCOUNT, "--usage", fifo]), fifo + ":1:1", "not a regular file (expected a regular usage file (it is replayed once per card), not a pipe: diff cannot take one, nor standard input (--usage -), so save it to a file first, found a FIFO (named pipe))");
  });

  it("still reads a card given as a regular file beside those paths", () => {
    const copy = join(dir, "card.yaml");
    copyFileSync(CARD, copy);
    const r = run(["statement", "--card", copy, "--plan", "pro", "--anchor", "2026-09-14", "--usage", USAGE, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
  });
});
