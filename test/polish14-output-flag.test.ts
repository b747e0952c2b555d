import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary as burnrate, ROOT } from "./helpers/cli.js";

// Issue 16 (from polish13): an output the run cannot write is refused at the flag to change,
// as "would overwrite an input" already was, never at PATH:1:1 as if the path were an input
// with a line 1 to fix. The path is in what was found.
const USAGE = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n";

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-polish14-"));
  writeFileSync(join(dir, "usage.csv"), USAGE);
  return dir;
}

const statement = (dir: string, out: string) => ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "usage.csv"), "--format", "json", "-o", out];

function refused(args: string[], line: string): void {
  const run = burnrate(args);
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toBe(`burnrate: error: ${line}\n`);
}

describe("-o that cannot be written is refused at -o", () => {
  it("a block device", () => {
    const dir = folder();
    const device = join(dir, "disk");
    expect(spawnSync("mknod", [device, "b", "7", "0"]).status).toBe(0);
    refused(statement(dir, device), `-o: is not a regular file (expected a regular file, a character device such as /dev/null, or a FIFO, found the block device ${JSON.stringify(device.length > 60 ? `${device.slice(0, 57)}...` : device)})`);
  });

  it("a socket", async () => {
    const dir = folder();
    const socket = join(dir, "s");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const run = burnrate(statement(dir, socket));
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^burnrate: error: -o: is not a regular file \(expected .*, found the socket "[^"]*"\)\n$/);
    } finally {
      server.close();
    }
  });

  it("a loop of symbolic links, named from where it starts", () => {
    const dir = folder();
    symlinkSync("b.json", join(dir, "a.json"));
    symlinkSync("a.json", join(dir, "b.json"));
    const run = burnrate(statement(dir, join(dir, "a.json")));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^burnrate: error: -o: too many levels of symbolic links \(expected a link that ends at a file, found a loop from "[^"]*a\.json"\)\n$/);
    expect(readdirSync(dir).sort()).toEqual(["a.json", "b.json", "usage.csv"]);
  });

  it("a folder given with a trailing slash keeps the slash in what was found", () => {
    const dir = folder();
    const run = burnrate(statement(dir, "no-such-new-folder/"));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toBe('burnrate: error: -o: names a folder (expected a file name inside it, such as report.json, found "no-such-new-folder/", a path ending in /)\n');
    expect(existsSync("no-such-new-folder")).toBe(false);
  });

  it("the --emit-usage folder that is a file is refused at --emit-usage, and the file is kept", () => {
    const dir = folder();
    const scenario = join(dir, "scenario.yaml");
    writeFileSync(scenario, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\nschedules:\n  - { name: s, meter: automation_run, every: day, dimensions: { project: p } }\n`);
    writeFileSync(join(dir, "em"), "mine\n");
    const run = burnrate(["simulate", scenario, "--emit-usage", join(dir, "em"), "--format", "json"]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^burnrate: error: --emit-usage: cannot create the folder: EEXIST \(expected a folder that exists or can be made, found "[^"]*em"\)\n$/);
    expect(readFileSync(join(dir, "em"), "utf8")).toBe("mine\n");
  });
});
