import { spawn, spawnSync } from "node:child_process";
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binary as burnrate, ROOT } from "./helpers/cli.js";

// Issue 15, "No lost data": what the bad-input corpus cannot express (links,
// devices, FIFOs, a full disk, a file-size limit), through the real binary.
// Devices are made with mknod in a private folder (we run as root), never the
// machine's own /dev/null, so a bug here cannot replace a node others use.
const BIN = join(ROOT, "bin/burnrate");
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const USAGE = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n2026-11-02T11:00:00Z,data_write,2,beta\n";
const OLD = "yesterday's good report\n";

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-safeout-"));
  writeFileSync(join(dir, "usage.csv"), USAGE);
  writeFileSync(join(dir, "card.yaml"), readFileSync(CARD));
  return dir;
}

const statement = (dir: string) => ["statement", "--card", join(dir, "card.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "usage.csv"), "--format", "json"];

/** A shell line, for redirections and ulimit: the binary and its arguments are quoted. */
function shell(line: string, cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("sh", ["-c", line], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const quoted = (args: string[]) => [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");

function mknod(path: string, major: number, minor: number): void {
  const r = spawnSync("mknod", [path, "c", String(major), String(minor)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mknod ${path}: ${r.stderr}`);
}

/** No stack trace and the one message format. */
function cleanError(stderr: string): void {
  expect(stderr).toMatch(/^burnrate: error: /);
  expect(stderr).not.toMatch(/\n\s+at |internal error/);
}

const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("-o never replaces an input, even through a link", () => {
  it("a hard link to the usage file is refused, and the usage is untouched", () => {
    const dir = folder();
    linkSync(join(dir, "usage.csv"), join(dir, "report.json"));
    const run = burnrate([...statement(dir), "-o", join(dir, "report.json")]);
    expect(run.code).toBe(2);
    cleanError(run.stderr);
    expect(run.stderr).toContain('-o: would overwrite an input of this run (expected an output file that this run does not read, found the --usage file');
    expect(readFileSync(join(dir, "usage.csv"), "utf8")).toBe(USAGE);
    expect(statSync(join(dir, "report.json")).nlink).toBe(2);
    expect(temporaries(dir)).toEqual([]);
  });

  it("a symlink to the card is refused, and the card and the link are untouched", () => {
    const dir = folder();
    symlinkSync("card.yaml", join(dir, "report.json"));
    const run = burnrate([...statement(dir), "-o", join(dir, "report.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("found the --card file");
    expect(readFileSync(join(dir, "card.yaml")).equals(readFileSync(CARD))).toBe(true);
    expect(readlinkSync(join(dir, "report.json"))).toBe("card.yaml");
  });

  it("a hard link to the scenario as a file --emit-usage would write is refused, even with --force", () => {
    const dir = folder();
    const scenario = `name: s\ncard: ${CARD}\nplan: pro\nstart: 2026-11-01\ncycles: 1\nsends:\n  - { name: n, meter: email, quantity: 10, at: 2026-11-05T09:00:00Z, dimensions: { project: p, source: studio } }\n`;
    writeFileSync(join(dir, "scenario.yaml"), scenario);
    mkdirSync(join(dir, "em"));
    linkSync(join(dir, "scenario.yaml"), join(dir, "em", "account.yaml"));
    const run = burnrate(["simulate", join(dir, "scenario.yaml"), "--emit-usage", join(dir, "em"), "--force", "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--emit-usage: would overwrite an input of this run");
    expect(readFileSync(join(dir, "scenario.yaml"), "utf8")).toBe(scenario);
    // Refused before either file was written.
    expect(readdirSync(join(dir, "em"))).toEqual(["account.yaml"]);
  });
});

describe("--emit-usage and --force", () => {
  it("replaces the files of an earlier run only with --force", () => {
    const dir = folder();
    writeFileSync(join(dir, "scenario.yaml"), `name: s\ncard: ${CARD}\nplan: pro\nstart: 2026-11-01\ncycles: 1\nsends:\n  - { name: n, meter: email, quantity: 10, at: 2026-11-05T09:00:00Z, dimensions: { project: p, source: studio } }\n`);
    const em = join(dir, "em");
    mkdirSync(em);
    writeFileSync(join(em, "usage.csv"), OLD);
    const refused = burnrate(["simulate", join(dir, "scenario.yaml"), "--emit-usage", em, "--format", "json"]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(readFileSync(join(em, "usage.csv"), "utf8")).toBe(OLD);
    const forced = burnrate(["simulate", join(dir, "scenario.yaml"), "--emit-usage", em, "--force", "--format", "json"]);
    expect(forced.code, forced.stderr).toBe(0);
    // The scenario's one send of 10 emails, as a canonical row.
    expect(readFileSync(join(em, "usage.csv"), "utf8")).toMatch(/^timestamp,meter,quantity,project,source\n2026-11-05T09:00:00Z,email,10,p,studio\n$/);
    expect(readdirSync(em).sort()).toEqual(["account.yaml", "usage.csv"]);
  });
});

describe("-o onto something that is not a regular file", () => {
  it("a symlink to another file: the report goes to its target, the link stays", () => {
    const dir = folder();
    writeFileSync(join(dir, "real.json"), OLD);
    symlinkSync("real.json", join(dir, "report.json"));
    const run = burnrate([...statement(dir), "-o", join(dir, "report.json")]);
    expect(run.code, run.stderr).toBe(0);
    expect(lstatSync(join(dir, "report.json")).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "real.json"), "utf8")).schema).toBe("burnrate.statement/v1");
    expect(temporaries(dir)).toEqual([]);
  });

  it("a dangling symlink: its target is made, the link stays", () => {
    const dir = folder();
    mkdirSync(join(dir, "reports"));
    symlinkSync("reports/november.json", join(dir, "latest.json"));
    const run = burnrate([...statement(dir), "-o", join(dir, "latest.json")]);
    expect(run.code, run.stderr).toBe(0);
    expect(lstatSync(join(dir, "latest.json")).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "reports", "november.json"), "utf8")).schema).toBe("burnrate.statement/v1");
  });

  it("a character device like /dev/null is written to and stays a device", () => {
    const dir = folder();
    const device = join(dir, "null");
    mknod(device, 1, 3);
    const run = burnrate([...statement(dir), "-o", device]);
    expect(run.code, run.stderr).toBe(0);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
    expect(temporaries(dir)).toEqual([]);
  });

  it("a full device like /dev/full: exit 2 with ENOSPC, and it stays a device", () => {
    const dir = folder();
    const device = join(dir, "full");
    mknod(device, 1, 7);
    const run = burnrate([...statement(dir), "-o", device]);
    expect(run.code).toBe(2);
    cleanError(run.stderr);
    expect(run.stderr).toContain("full:1:1: cannot write output: ENOSPC (expected free space on the device, found ENOSPC)");
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
  });

  it("/dev/stdout onto a pipe (a link through /proc to no path) is written to", () => {
    const dir = folder();
    const run = shell(`${quoted([...statement(dir), "-o", "/dev/stdout"])} | cat`, dir);
    // The shell reports cat's status: burnrate's success shows as nothing on stderr and the whole report.
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).schema).toBe("burnrate.statement/v1");
  });

  it("a FIFO is written to (its reader gets the whole report) and stays a FIFO", async () => {
    const dir = folder();
    const fifo = join(dir, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo]);
    let read = "";
    reader.stdout.on("data", (d: Buffer) => (read += d.toString()));
    const done = new Promise((resolve) => reader.on("close", resolve));
    const run = spawn(process.execPath, [BIN, ...statement(dir), "-o", fifo], { env: { ...process.env, NO_COLOR: "1" } });
    const code = await new Promise((resolve) => run.on("close", resolve));
    await done;
    expect(code).toBe(0);
    expect(JSON.parse(read).schema).toBe("burnrate.statement/v1");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});

describe("every write checked to its last byte", () => {
  it("a full standard output is exit 2 with a message, not a stack", () => {
    const dir = folder();
    mknod(join(dir, "full"), 1, 7);
    const run = shell(`${quoted(statement(dir))} > full`, dir);
    expect(run.code).toBe(2);
    cleanError(run.stderr);
    expect(run.stderr).toContain("<stdout>:1:1: cannot write output: ENOSPC");
  });

  it("a full standard output for a streamed ledger is exit 2 too", () => {
    const dir = folder();
    mknod(join(dir, "full"), 1, 7);
    const args = statement(dir).filter((a) => a !== "--format" && a !== "json");
    const run = shell(`${quoted([...args, "--ledger", "--format", "csv"])} > full`, dir);
    expect(run.code).toBe(2);
    cleanError(run.stderr);
    expect(run.stderr).toContain("<stdout>:1:1: cannot write output: ENOSPC");
  });

  it("a file-size limit (EFBIG) is exit 2 and leaves yesterday's report exactly as it was", () => {
    const dir = folder();
    writeFileSync(join(dir, "report.json"), OLD);
    // ulimit -f counts 512-byte blocks: the statement is several kilobytes.
    const run = shell(`ulimit -f 1; ${quoted([...statement(dir), "-o", "report.json"])}`, dir);
    expect(run.code).toBe(2);
    cleanError(run.stderr);
    expect(run.stderr).toContain("report.json:1:1: cannot write output: EFBIG (expected a file size the system allows (see ulimit -f), found EFBIG)");
    expect(readFileSync(join(dir, "report.json"), "utf8")).toBe(OLD);
    expect(temporaries(dir)).toEqual([]);
  });

  it("a legal 255-byte file name works, and leaves no temporary file", () => {
    const dir = folder();
    const name = `${"r".repeat(250)}.json`;
    expect(Buffer.byteLength(name)).toBe(255);
    const run = burnrate([...statement(dir), "-o", join(dir, name)]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, name), "utf8")).schema).toBe("burnrate.statement/v1");
    expect(temporaries(dir)).toEqual([]);
  });
});

// A disk that fills up part-way: a small tmpfs, where the last write that fits is
// a short one and the next fails with ENOSPC. Mounting needs root (as in CI here).
const disk = mkdtempSync(join(tmpdir(), "burnrate-small-disk-"));
const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", disk]).status === 0;
afterAll(() => {
  if (mounted) spawnSync("umount", [disk]);
});

describe("a disk that fills up", () => {
  it.runIf(mounted)("ENOSPC part-way through a report is exit 2 and leaves yesterday's report exactly as it was", () => {
    const dir = folder();
    // A hundred projects make a statement of about 40 KB: more than the disk holds, and
    // less than one 64 KB write, so the disk takes part of that write (a short write)
    // and the report is complete as far as the run can tell unless the write is checked.
    const rows = Array.from({ length: 100 }, (_, i) => `2026-11-02T10:00:00Z,data_read,1,project${i}`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${rows.join("\n")}\n`);
    writeFileSync(join(disk, "report.json"), OLD);
    const run = burnrate([...statement(dir), "-o", join(disk, "report.json")]);
    expect(run.code).toBe(2);
    cleanError(run.stderr);
    expect(run.stderr).toContain("report.json:1:1: cannot write output: ENOSPC");
    expect(readFileSync(join(disk, "report.json"), "utf8")).toBe(OLD);
    expect(readdirSync(disk)).toEqual(["report.json"]);
  });
});
